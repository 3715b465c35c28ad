#!/usr/bin/env bash
# Fuzzes one parser for a while with Jazzer (libFuzzer mode), in the module that owns the fuzz test.
# Usage: scripts/fuzz.sh TARGET SECONDS     e.g. scripts/fuzz.sh SafeTensorsFuzzTest 600
#        scripts/fuzz.sh list                (the fuzz targets)
# `mvn verify` runs every *FuzzTest in regression mode only (the committed inputs under
# src/test/resources/<package>/<Class>Inputs/<method>/); this runs one target in fuzzing mode. The corpus
# it grows stays in <module>/.cifuzz-corpus (ignored by git); a crashing input is written to
# <module>/src/test/resources/<package>/<Class>Inputs/<method>/crash-<sha1> and from then on every build
# replays it. The log goes to <module>/target/fuzz-TARGET.log; the last line of libFuzzer's output
# ("Done N runs in S second(s)") gives the executions. Per-input time limit: the target's @Timeout.
# The run reads classes from target/: run no other build of this module (or the modules below it) meanwhile.
# Extra Maven flags: FUZZ_MAVEN_ARGS (e.g. -o). See docs/FUZZING.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ "${1:-}" = list ]; then
  find . -path '*/src/test/java/*' -name '*FuzzTest.java' | sed 's|.*/||; s|\.java$||' | sort
  exit 0
fi
TARGET=${1:?usage: scripts/fuzz.sh TARGET SECONDS (scripts/fuzz.sh list names the targets)}
SECONDS_=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
SRC=$(find . -path '*/src/test/java/*' -name "$TARGET.java" | head -1)
if [ -z "$SRC" ]; then
  echo "fuzz.sh: no fuzz test named $TARGET (scripts/fuzz.sh list names them)" >&2
  exit 2
fi
MODULE=${SRC#./}
MODULE=${MODULE%%/src/test/java/*}
LOG="$ROOT/$MODULE/target/fuzz-$TARGET.log"
mkdir -p "$ROOT/$MODULE/target"
echo "fuzz.sh: $TARGET in $MODULE for ${SECONDS_}s, log $LOG"
# JUnit's own timeout must not stop the whole fuzzing run: Jazzer turns @Timeout into libFuzzer's
# per-input -timeout instead.
set +e
JAZZER_FUZZ=1 mvn -B -pl "$MODULE" -am test -Dtest="$TARGET" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.max_duration="${SECONDS_}s" -Djunit.jupiter.execution.timeout.mode=disabled -Dadmm4j.skipLoadTest=true \
  ${FUZZ_MAVEN_ARGS:-} >"$LOG" 2>&1
RC=$?
set -e
grep -E '^(Done [0-9]+ runs|#[0-9]+ +DONE)|^== Java Exception|^\[ERROR\] Tests run|^\[INFO\] Tests run: [0-9]+, Fail' "$LOG" | tail -4
exit $RC
