/**
 * {@code report.html}: a pruning run's {@code report.json} as one self-contained page with tables and
 * uPlot charts ({@link org.admm4j.cli.report.HtmlReport}). Why uPlot, and how the page is checked in
 * headless Chromium: {@code docs/report-charting.md}.
 */
package org.admm4j.cli.report;
