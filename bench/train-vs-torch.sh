#!/usr/bin/env bash
# LeNet-5 training throughput of admm4j next to the PyTorch peer, same sitting, batch 64.
# For each thread count: two epochs on real MNIST with the peer and with admm4j (./admm4j train
# --epochs 2; the first epoch includes admm4j's JIT warm-up of the vector kernels, so both epochs are
# shown), then admm4j's steady state (JMH TrainStepBench.epoch, DATA parallelism, random data; median
# of the iterations). Prints images/s and the ratios to the peer's second epoch.
#
# usage: bench/train-vs-torch.sh     env: THREADS="1 2"  PEERS=<repo>/../shared/peers  PYTHON=/usr/bin/python3
#        MNIST=~/.cache/admm4j/mnist  JMH_OPTS="-f 1 -wi 3 -i 5 -w 2s -r 2s"  SKIP_BUILD=1  JAVA=java
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
PYTHON=${PYTHON:-/usr/bin/python3}
JAVA=${JAVA:-java}
THREADS=${THREADS:-"1 2"}
MNIST=${MNIST:-$HOME/.cache/admm4j/mnist}
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 3 -i 5 -w 2s -r 2s"}
JAR=$ROOT/bench/target/benchmarks.jar
if [ ! -f "$PEERS/lenet5_torch.py" ] || ! "$PYTHON" -c 'import torch' 2>/dev/null; then
  echo "no PyTorch peer: install it with sh $PEERS/setup.sh (needs $PYTHON with torch)" >&2
  exit 2
fi
if [ ! -f "$MNIST/train-images-idx3-ubyte" ]; then
  echo "no MNIST IDX files in $MNIST (run ./admm4j train once, or set MNIST=DIR)" >&2
  exit 2
fi
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
  (cd "$ROOT" && mvn -B -q -pl bench -am package -DskipTests)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "$(date -u +%FT%TZ)  $("$JAVA" -version 2>&1 | head -1)  $(nproc) cores  load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %13s %13s %13s %13s %14s %10s %10s\n' threads torch_ep1 torch_ep2 admm4j_ep1 admm4j_ep2 \
  admm4j_steady ep2_x steady_x
for t in $THREADS; do
  "$PYTHON" "$PEERS/lenet5_torch.py" "$MNIST" --threads "$t" --batch 64 --epochs 2 > "$work/torch-$t.txt"
  torch1=$(sed -n 's/.*train_img_per_s \([0-9.]*\).*/\1/p' "$work/torch-$t.txt" | head -1)
  torch=$(sed -n 's/.*train_img_per_s \([0-9.]*\).*/\1/p' "$work/torch-$t.txt" | tail -1)
  "$ROOT/admm4j" train --model lenet5 --dataset mnist --data "$MNIST" --epochs 2 --threads "$t" --batch 64 \
    --no-progress --force --out "$work/train-$t" > "$work/train-$t.log" 2>&1
  read -r ours1 ours < <("$PYTHON" -c "import json,sys; e=json.load(open(sys.argv[1]))['epochs_detail'];
print(round(e[0]['images_per_second']), round(e[-1]['images_per_second']))" "$work/train-$t/report.json")
  # shellcheck disable=SC2086
  "$JAVA" -jar "$JAR" 'TrainStepBench.epoch' -p threads="$t" -p parallelism=DATA $JMH_OPTS \
    -rf json -rff "$work/jmh-$t.json" > "$work/jmh-$t.log" 2>&1
  steady=$("$PYTHON" -c "import json,sys; r=json.load(open(sys.argv[1]))[0]['primaryMetric']; print(round(r['scorePercentiles']['50.0']))" \
    "$work/jmh-$t.json")
  printf '%-8s %13s %13s %13s %13s %14s %10s %10s\n' "$t" "$torch1" "$torch" "$ours1" "$ours" "$steady" \
    "$("$PYTHON" -c "print(f'{$ours/$torch:.2f}')")" "$("$PYTHON" -c "print(f'{$steady/$torch:.2f}')")"
done
