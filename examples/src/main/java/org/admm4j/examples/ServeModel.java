package org.admm4j.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.admm4j.nn.InputNormalization;
import org.admm4j.nn.inference.InferenceModel;

/**
 * Loads any model file admm4j wrote and classifies images from several threads at once.
 * Usage: {@code ServeModel MODEL_FILE [THREADS]}; it classifies random images and prints a histogram.
 */
public final class ServeModel {

  private ServeModel() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    // README:start
    InferenceModel model = InferenceModel.load(Path.of(args[0])); // .safetensors or .a4jc, any network
    InputNormalization norm = model.normalization();              // as the file records it
    int[] shape = model.inputShape();                             // e.g. [3, 32, 32]
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Integer>> answers = new ArrayList<>();
    for (int request = 0; request < 64; request++) {
      float[] pixels = randomImage(model.inputSize(), request);   // your pixels, scaled to [0, 1]
      answers.add(pool.submit(() -> {
        float[] x = pixels.clone();
        if (norm != null) {
          norm.applyInPlace(x, 1, shape[0], model.inputSize() / shape[0]);
        }
        return model.predict(x);                                  // thread-safe, no locks
      }));
    }
    int[] histogram = new int[model.classes()];
    for (Future<Integer> answer : answers) {
      histogram[answer.get()]++;
    }
    pool.shutdown();
    // README:end
    System.out.println(model.modelName() + ": predictions per class " + java.util.Arrays.toString(histogram));
  }

  private static float[] randomImage(int size, long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) r.nextDouble();
    }
    return x;
  }
}
