#!/usr/bin/env bash
# Same-bits check of the LeNet-5 presets: runs short prune jobs on the synthetic data (fixed seed, 2
# threads) and compares the SHA-256 of every tensor of model.safetensors with the reference recorded in
# scripts/same-bits.reference (recorded before the pipeline was reshaped into the typed PrunePlan API).
# Usage: scripts/same-bits.sh [record]   (record: rewrite the reference; bits depend on JDK and CPU)
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REF="$ROOT/scripts/same-bits.reference"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
run() {  # name, then prune flags
  local name=$1; shift
  "$ROOT/admm4j" prune --dataset synthetic --train-limit 512 --test-limit 128 --dense-epochs 1 \
    --iterations 2 --retrain-epochs 1 --threads 2 --seed 42 --no-progress --out "$TMP/$name" "$@" >/dev/null
  python3 "$ROOT/scripts/tensor_hashes.py" "$TMP/$name/model.safetensors" | sed "s/^/$name /"
}
{
  for p in lenet5-40x lenet5-71x lenet5-100x; do run "$p" --preset "$p"; done
  # resume: stop after 2 checkpoints (in ADMM), then continue; must equal the uninterrupted 40x run
  "$ROOT/admm4j" prune --dataset synthetic --train-limit 512 --test-limit 128 --dense-epochs 1 \
    --iterations 2 --retrain-epochs 1 --threads 2 --seed 42 --no-progress --out "$TMP/resumed" \
    --preset lenet5-40x --stop-after 2 >/dev/null
  "$ROOT/admm4j" prune --resume "$TMP/resumed" --no-progress >/dev/null
  python3 "$ROOT/scripts/tensor_hashes.py" "$TMP/resumed/model.safetensors" | sed "s/^/lenet5-40x /"
} > "$TMP/now"
if [ "${1:-}" = record ]; then
  { echo "# $(java -version 2>&1 | head -1); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"; cat "$TMP/now"; } > "$REF"
  echo "recorded $(grep -vc '^#' "$REF") tensor hashes in $REF"
  exit 0
fi
if diff <(grep -v '^#' "$REF") "$TMP/now"; then
  echo "same bits: $(wc -l < "$TMP/now") tensor hashes match $REF"
else
  echo "DIFFERENT BITS (see the diff above)" >&2; exit 1
fi
