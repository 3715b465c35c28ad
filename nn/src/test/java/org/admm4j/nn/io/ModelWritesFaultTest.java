package org.admm4j.nn.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.admm4j.nn.Model;
import org.admm4j.nn.Models;
import org.admm4j.nn.compact.CompactModelReader;
import org.admm4j.nn.compact.CompactModels;
import org.admm4j.nn.files.ModelFiles;
import org.admm4j.nn.io.faults.WriteFaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model writers under injected faults: the user's old file survives every one, whole. */
class ModelWritesFaultTest {

  @TempDir
  Path dir;

  private static final Map<String, String> META = Map.of("note", "fault test");

  @Test
  void safetensors() throws Exception {
    Model old = Models.create("lenet-300-100", 1);
    Model fresh = Models.create("lenet-300-100", 2);
    int runs = WriteFaults.check(dir,
        folder -> SafeTensors.saveModel(old, folder.resolve("model.safetensors"), META),
        folder -> SafeTensors.saveModel(fresh, folder.resolve("model.safetensors"), META),
        folder -> SafeTensors.read(folder.resolve("model.safetensors")));
    assertTrue(runs >= 10, runs + " faulty runs");
  }

  @Test
  void compact() throws Exception {
    Model old = Models.create("lenet5", 1);
    Model fresh = Models.create("lenet5", 2);
    int runs = WriteFaults.check(dir,
        folder -> CompactModels.saveModel(old, folder.resolve("model.a4jc"), META),
        folder -> CompactModels.saveModel(fresh, folder.resolve("model.a4jc"), META),
        folder -> CompactModelReader.read(folder.resolve("model.a4jc")));
    assertTrue(runs >= 10, runs + " faulty runs");
  }

  @Test
  void aNewFileInAFolderThatDoesNotExistYet() throws Exception {
    Model fresh = Models.create("lenet-300-100", 3);
    int runs = WriteFaults.check(dir, folder -> {},
        folder -> ModelFiles.write(folder.resolve("sub/dir/model.safetensors"), ModelFiles.Format.SAFETENSORS, fresh,
            null, META),
        folder -> assertTrue(!Files.exists(folder.resolve("sub/dir/model.safetensors"))
            || SafeTensors.read(folder.resolve("sub/dir/model.safetensors")) != null));
    assertTrue(runs >= 10, runs + " faulty runs");
  }
}
