package org.admm4j.datasets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the header of a .npy file: a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 28, 28), }}. Only what NumPy writes
 * there is understood: quoted strings, True/False, integers and tuples or lists of those.
 * Values come back as String, Boolean, Long or List.
 */
final class NpyHeaderParser {
  private final String text;
  private int at;

  private NpyHeaderParser(String text) {
    this.text = text;
  }

  /** The dict's entries, in file order; an IllegalArgumentException says where parsing stopped. */
  static Map<String, Object> parse(String header) {
    NpyHeaderParser p = new NpyHeaderParser(header);
    Object value = p.value();
    p.skipSpace();
    if (p.at < p.text.length()) {
      throw p.error("expected the end of the header after the dict, found " + p.found());
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("expected a dict {...}, found " + value);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> entries = (Map<String, Object>) map;
    return entries;
  }

  private Object value() {
    skipSpace();
    int c = peek();
    if (c == '{') {
      return dict();
    }
    if (c == '(' || c == '[') {
      return sequence(c == '(' ? ')' : ']');
    }
    if (c == '\'' || c == '"') {
      return string();
    }
    if (text.startsWith("True", at)) {
      at += 4;
      return Boolean.TRUE;
    }
    if (text.startsWith("False", at)) {
      at += 5;
      return Boolean.FALSE;
    }
    int start = at;
    if (c == '-' || c == '+') {
      at++;
    }
    while (at < text.length() && Character.isDigit(text.charAt(at))) {
      at++;
    }
    // NumPy 1.x on some platforms wrote shapes as (3L, 4L).
    String digits = text.substring(start, at);
    if (at < text.length() && (text.charAt(at) == 'L')) {
      at++;
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      at = start;
      throw error("expected a string, True, False, an integer, a tuple or a dict, found " + found());
    }
  }

  private Map<String, Object> dict() {
    at++;
    Map<String, Object> map = new LinkedHashMap<>();
    while (true) {
      skipSpace();
      if (peek() == '}') {
        at++;
        return map;
      }
      if (peek() != '\'' && peek() != '"') {
        throw error("expected a quoted key or '}', found " + found());
      }
      String key = string();
      skipSpace();
      if (peek() != ':') {
        throw error("expected ':' after key '" + key + "', found " + found());
      }
      at++;
      if (map.put(key, value()) != null) {
        throw error("key '" + key + "' appears twice");
      }
      skipSpace();
      if (peek() == ',') {
        at++;
      } else if (peek() != '}') {
        throw error("expected ',' or '}', found " + found());
      }
    }
  }

  private List<Object> sequence(char close) {
    at++;
    List<Object> items = new ArrayList<>();
    while (true) {
      skipSpace();
      if (peek() == close) {
        at++;
        return items;
      }
      items.add(value());
      skipSpace();
      if (peek() == ',') {
        at++;
      } else if (peek() != close) {
        throw error("expected ',' or '" + close + "', found " + found());
      }
    }
  }

  private String string() {
    char quote = text.charAt(at++);
    int end = text.indexOf(quote, at);
    if (end < 0) {
      throw error("expected a closing " + quote + ", found the end");
    }
    String s = text.substring(at, end);
    at = end + 1;
    return s;
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
    return new IllegalArgumentException("at character " + at + ": " + what);
  }
}
