#!/usr/bin/env bash
# Spark's overhead per ADMM iteration against the W-step, for LeNet-5 on MNIST: one prune run on a Spark master
# (default local[2], 2 partitions), then per iteration the slowest partition's W-step, the rest of the iteration
# (scheduling, task (de)serialisation, broadcast, aggregation, Z-step, U-step) and their ratio, with medians.
#   scripts/spark-overhead.sh [MASTER] [PARTITIONS] [THREADS] [TRAIN_IMAGES] [ITERATIONS] [more prune options]
set -euo pipefail
cd "$(dirname "$0")/.."
MASTER=${1:-local[2]}
P=${2:-2}
T=${3:-1}
TRAIN=${4:-20000}
ITERS=${5:-6}
OUT=$(mktemp -d /tmp/admm4j-spark-overhead.XXXXXX)
./admm4j prune --spark "$MASTER" --partitions "$P" --threads "$T" --preset lenet5-71x --dense-epochs 1 \
  --iterations "$ITERS" --retrain-epochs 0 --train-limit "$TRAIN" --test-limit 1000 --no-progress --out "$OUT" --force "${@:6}" \
  > "$OUT/log.txt" 2>&1 || { tail -20 "$OUT/log.txt"; exit 1; }
python3 - "$OUT/report.json" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))
print(f"master {r['spark']['master']}, {r['spark']['partitions']} partitions, {r['spark']['threads_per_task']} threads"
      f" per task, {r['train_images']} training images, JDK {r['jdk']}")
print(" it  wstep_s(max)  aggregate_s  broadcast_s  ustep_s  overhead_s  overhead/wstep   MB")
ratios = []
for it in r["admm_iterations"]:
    s = it["spark"]
    w = max(s["wstep_seconds"])
    ratios.append(s["overhead_seconds"] / w)
    print(f"{it['iteration']:3d}  {w:12.3f}  {s['aggregate_seconds']:11.3f}  {s['broadcast_seconds']:11.3f}"
          f"  {s['ustep_seconds']:7.3f}  {s['overhead_seconds']:10.3f}  {100 * ratios[-1]:13.1f}%  {s['bytes'] / 1e6:5.1f}")
rest = ratios[1:] if len(ratios) > 1 else ratios
print(f"median overhead/wstep {100 * statistics.median(rest):.1f}% (iterations 2..{len(ratios)}; the first one"
      f" warms the JIT and Spark up: {100 * ratios[0]:.1f}%)")
PY
echo "report: $OUT/report.json"
