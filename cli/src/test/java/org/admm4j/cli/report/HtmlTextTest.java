package org.admm4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTextTest {

  @Test
  void escapesTheFiveMarkupCharacters() {
    assertEquals("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
        HtmlText.escape("<a href=\"x\" title='y'>&amp;</a>"));
  }

  @Test
  void leavesOtherTextAlone() {
    assertEquals("", HtmlText.escape(""));
    assertEquals("ρ‖W − Z‖ 40.2× conv1.weight", HtmlText.escape("ρ‖W − Z‖ 40.2× conv1.weight"));
  }
}
