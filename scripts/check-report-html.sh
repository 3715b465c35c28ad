#!/usr/bin/env bash
# Opens an admm4j report.html in headless Chromium and checks that the page is self-contained and
# that its charts rendered:
#   - every chart the page announces (body[data-charts-expected]) was drawn (data-charts-rendered,
#     one <canvas> each) and no chart reported an error (data-chart-errors);
#   - the page loaded no resources (Resource Timing count, data-resource-requests), its
#     Content-Security-Policy blocked no request attempt (data-blocked-requests), and Chromium's
#     network log shows no request started by the page (Chromium's own background requests are
#     not the page's and are ignored; all host names resolve to nothing anyway).
# Then it takes a full-page screenshot to look at.
#
# usage: scripts/check-report-html.sh REPORT.html [SCREENSHOT.png]
#   SCREENSHOT.png defaults to REPORT.png next to the report. CHROMIUM=/path overrides the browser.
# exit status: 0 checks passed, 1 a check failed, 2 bad usage, 3 Chromium missing.
set -euo pipefail

usage() { echo "usage: $0 REPORT.html [SCREENSHOT.png]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
report=$1
[ -f "$report" ] || { echo "check-report-html: $report: no such file" >&2; exit 2; }
report_abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
screenshot=${2:-${report%.html}.png}

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "check-report-html: $chromium not found; install it with: apt-get install -y chromium" \
       "(or point CHROMIUM at a Chromium/Chrome binary)" >&2
  exit 3
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Virtual time lets the page's scripts and load handlers finish before the DOM is dumped.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       "--host-resolver-rules=MAP * ~NOTFOUND" --virtual-time-budget=10000)

fail() { echo "check-report-html: FAIL: $*" >&2; exit 1; }

run_chromium() { # LOG ARGS... ; stdout is Chromium's
  local log=$1; shift
  if ! timeout 120 "$chromium" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$work")" "$@" 2>"$log"; then
    tail -n 20 "$log" >&2
    fail "chromium exited with an error"
  fi
}

# 1. DOM after the scripts ran, with a network log.
run_chromium "$work/dom.log" --log-net-log="$work/net.json" --dump-dom "$report_abs" >"$work/dom.html"

attr() { # NAME -> value of the first NAME="..." in the DOM, or empty
  grep -o "$1=\"[^\"]*\"" "$work/dom.html" | head -n 1 | sed 's/^[^"]*"//; s/"$//' || true
}
expected=$(attr data-charts-expected)
rendered=$(attr data-charts-rendered)
errors=$(attr data-chart-errors)
resources=$(attr data-resource-requests)
blocked=$(attr data-blocked-requests)
height=$(attr data-page-height)
canvases=$(grep -o '<canvas' "$work/dom.html" | wc -l)

[ -n "$expected" ] || fail "no data-charts-expected attribute: is this an admm4j report?"
[ -n "$rendered" ] || fail "the chart script did not run (no data-charts-rendered attribute)"
[ -z "$errors" ] || fail "chart errors: $errors"
[ "$expected" -gt 0 ] || fail "the page announces no charts"
[ "$rendered" = "$expected" ] || fail "$rendered of $expected charts rendered"
[ "$canvases" -ge "$expected" ] || fail "$canvases <canvas> elements for $expected charts"
[ "$resources" = "0" ] || fail "the page loaded ${resources:-an unknown number of} resources (expected none)"
[ -z "$blocked" ] || fail "the page attempted $blocked request(s) that its Content-Security-Policy blocked"

# Requests the page started carry an origin ("null" for a file:// page); Chromium's own background
# requests carry "not an origin".
[ -s "$work/net.json" ] || fail "chromium wrote no network log"
page_requests=$(grep -E '"initiator":"' "$work/net.json" | grep -v '"initiator":"not an origin"' \
  | grep -oE '"url":"[a-zA-Z][a-zA-Z0-9+.-]*:[^"]*"' | grep -vE '"url":"(file|data|blob|about):' | sort -u || true)
[ -z "$page_requests" ] || fail "the page attempted network requests: $page_requests"

# 2. Screenshot of the whole page (the viewport is the page's height, capped).
height=${height:-4000}
[ "$height" -le 16000 ] || height=16000
run_chromium "$work/screenshot.log" --hide-scrollbars --window-size=1280,"$height" \
  --screenshot="$screenshot" "$report_abs" >/dev/null
[ -s "$screenshot" ] || fail "no screenshot written to $screenshot"

echo "check-report-html: OK: $rendered of $expected charts rendered ($canvases canvases), no network" \
     "requests (resources 0, blocked 0, page requests in the network log 0); screenshot: $screenshot"
