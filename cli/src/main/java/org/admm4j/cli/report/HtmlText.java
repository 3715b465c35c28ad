package org.admm4j.cli.report;

/**
 * Escaping for text that comes from {@code report.json} (model names, layer names, the command
 * line, the configuration): none of it may reach the page as markup.
 */
final class HtmlText {

  private HtmlText() {}

  /** The text with {@code & < > " '} replaced by character references; safe in elements and quoted attributes. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&': out.append("&amp;"); break;
        case '<': out.append("&lt;"); break;
        case '>': out.append("&gt;"); break;
        case '"': out.append("&quot;"); break;
        case '\'': out.append("&#39;"); break;
        default: out.append(c);
      }
    }
    return out.toString();
  }
}
