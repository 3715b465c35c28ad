package org.admm4j.datasets;

import java.util.ArrayList;
import java.util.List;

/**
 * The parser behind {@link ChannelNormalization#parse}: just enough JSON for
 * {@code {"mean": [..], "std": [..]}}, so this module needs no JSON library.
 */
final class NormalizationJson {
  private final String text;
  private int at;

  NormalizationJson(String text) {
    this.text = text == null ? "" : text;
  }

  ChannelNormalization read() {
    float[] mean = null;
    float[] std = null;
    expect('{');
    boolean first = true;
    while (true) {
      skipSpace();
      if (peek() == '}' && first) {
        break;
      }
      String key = string();
      expect(':');
      float[] values = numbers();
      if (key.equals("mean") && mean == null) {
        mean = values;
      } else if (key.equals("std") && std == null) {
        std = values;
      } else {
        throw error("expected key \"mean\" or \"std\" (each once), found \"" + key + "\"");
      }
      first = false;
      skipSpace();
      if (peek() == ',') {
        at++;
      } else if (peek() == '}') {
        break;
      } else {
        throw error("expected ',' or '}', found " + found());
      }
    }
    at++;
    skipSpace();
    if (at < text.length()) {
      throw error("expected the end after '}', found " + found());
    }
    if (mean == null || std == null) {
      throw error("expected both \"mean\" and \"std\", found " + (mean == null ? "no \"mean\""
          : "no \"std\""));
    }
    try {
      return new ChannelNormalization(mean, std);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("normalization JSON: " + e.getMessage(), e);
    }
  }

  private float[] numbers() {
    expect('[');
    List<Float> values = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      at++;
      return new float[0];
    }
    while (true) {
      skipSpace();
      int start = at;
      while (at < text.length() && "+-.0123456789eE".indexOf(text.charAt(at)) >= 0) {
        at++;
      }
      String token = text.substring(start, at);
      try {
        if (token.isEmpty()) {
          throw new NumberFormatException();
        }
        values.add(Float.parseFloat(token));
      } catch (NumberFormatException e) {
        at = start;
        throw error("expected a number, found " + (token.isEmpty() ? found() : "'" + token + "'"));
      }
      skipSpace();
      if (peek() == ',') {
        at++;
      } else if (peek() == ']') {
        at++;
        break;
      } else {
        throw error("expected ',' or ']', found " + found());
      }
    }
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private String string() {
    expect('"');
    int end = text.indexOf('"', at);
    if (end < 0) {
      throw error("expected a closing '\"', found the end");
    }
    String s = text.substring(at, end);
    at = end + 1;
    return s;
  }

  private void expect(char c) {
    skipSpace();
    if (peek() != c) {
      throw error("expected '" + c + "', found " + found());
    }
    at++;
  }

  private void skipSpace() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }

  private int peek() {
    return at < text.length() ? text.charAt(at) : -1;
  }

  private String found() {
    return at < text.length() ? "'" + text.charAt(at) + "'" : "the end";
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("normalization JSON at character " + at + ": " + what
        + " (the form is {\"mean\": [0.1307], \"std\": [0.3081]})");
  }
}
