#!/usr/bin/env bash
# One sitting: every benchmark behind bench/RESULTS.md, next to the peers, on one quiet machine.
# Writes raw JMH JSON and peer output under OUT (default bench/target/sitting-<date>) and prints a summary.
#
# usage: bench/measure-all.sh      env: OUT=dir  PEERS=<repo>/../shared/peers  JAVA=java  PYTHON=/usr/bin/python3
#        JMH_OPTS="-f 1 -wi 3 -i 5 -w 1s -r 1s"  MNIST=~/.cache/admm4j/mnist  SKIP_BUILD=1
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
JAVA=${JAVA:-java}
PYTHON=${PYTHON:-/usr/bin/python3}
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 3 -i 5 -w 1s -r 1s"}
MNIST=${MNIST:-$HOME/.cache/admm4j/mnist}
OUT=${OUT:-$ROOT/bench/target/sitting-$(date -u +%Y%m%dT%H%M%SZ)}
JAR=$ROOT/bench/target/benchmarks.jar
mkdir -p "$OUT"
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
  (cd "$ROOT" && mvn -B -q -pl bench -am package -DskipTests)
fi
{ date -u; uptime; "$JAVA" -version 2>&1 | head -2; lscpu | grep -E 'Model name|^CPU\(s\)'; } > "$OUT/machine.txt"

jmh() { # name, then JMH arguments
  local name=$1; shift
  # shellcheck disable=SC2086
  "$JAVA" -jar "$JAR" "$@" $JMH_OPTS -rf json -rff "$OUT/$name.json" > "$OUT/$name.log" 2>&1
}

# SGEMM next to OpenBLAS (its own script prints the ratio table)
SKIP_BUILD=1 PEERS=$PEERS "$ROOT/bench/sgemm-vs-openblas.sh" > "$OUT/sgemm.txt" 2>&1
# Top-k on AlexNet fc6's size and LeNet-5's
jmh topk TopKBench -p n=37748736
# LeNet-5's convolutions, 2 threads
jmh conv ConvBench -p threads=2
# Training step, and the PyTorch peer right after
jmh train 'TrainStepBench.epoch'
if [ -d "$MNIST" ] && "$PYTHON" -c 'import torch' 2>/dev/null; then
  for t in 1 2; do
    "$PYTHON" "$PEERS/lenet5_torch.py" "$MNIST" --threads $t --batch 64 --epochs 1 >> "$OUT/torch.txt" 2>&1 || true
  done
fi
# Inference of a pruned model, if one is given
if [ -n "${MODEL:-}" ]; then
  jmh inference InferenceBench -p model="$MODEL"
fi
echo "results in $OUT"
