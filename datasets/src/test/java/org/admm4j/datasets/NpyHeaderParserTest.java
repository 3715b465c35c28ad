package org.admm4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NpyHeaderParserTest {

  @Test
  void parsesWhatNumpyWrites() {
    Map<String, Object> d = NpyHeaderParser.parse(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 28, 28), }");
    assertEquals(List.of("descr", "fortran_order", "shape"), List.copyOf(d.keySet()));
    assertEquals("<f4", d.get("descr"));
    assertEquals(Boolean.FALSE, d.get("fortran_order"));
    assertEquals(List.of(3L, 28L, 28L), d.get("shape"));
    assertEquals(List.of(5L), NpyHeaderParser.parse("{'shape': (5,)}").get("shape"));
    assertEquals(List.of(), NpyHeaderParser.parse("{'shape': ()}").get("shape"));
    assertEquals(List.of(List.of("a", "<u1")),
        NpyHeaderParser.parse("{'descr': [('a', '<u1')]}").get("descr"));
    assertEquals(Boolean.TRUE, NpyHeaderParser.parse("{\"f\": True}").get("f"));
  }

  @Test
  void refusesMalformedDicts() {
    assertError("{'a': 1", "expected ',' or '}'");
    assertError("{'a' 1}", "expected ':'");
    assertError("{a: 1}", "quoted key");
    assertError("{'a': 1, 'a': 2}", "twice");
    assertError("{'a': nope}", "expected a string, True, False");
    assertError("{'a': 'x}", "closing '");
    assertError("{'a': 1} extra", "end of the header");
    assertError("(1, 2)", "dict");
  }

  private static void assertError(String header, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NpyHeaderParser.parse(header));
    assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
  }
}
