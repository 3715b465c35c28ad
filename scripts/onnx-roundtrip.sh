#!/usr/bin/env bash
# A PyTorch model through admm4j and back to ONNX Runtime, on real Fashion-MNIST test images:
#   1. PyTorch trains a BatchNorm ConvNet and exports it (scripts/torch/train_onnx.py);
#   2. admm4j imports the .onnx and evaluates it: its predictions against PyTorch's, image by image;
#   3. admm4j prunes it 5x (every conv and linear layer keeps 20%) and retrains;
#   4. admm4j exports the pruned model to ONNX; ONNX Runtime predicts every test image from that file
#      and its predictions are compared with admm4j's own for the same model.
# Usage: scripts/onnx-roundtrip.sh [WORK_DIR] [FASHION_DIR]   (needs /usr/bin/python3 with torch, and Maven)
# Knobs: TORCH_EPOCHS (2), TORCH_REUSE=1 (keep WORK_DIR/torch.onnx), ITERATIONS (6), RETRAIN (3).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:-/tmp/admm4j-onnx-roundtrip}
DATA=${2:-/usr/share/datasets/fashion-mnist}
EPOCHS=${TORCH_EPOCHS:-2}
mkdir -p "$WORK"
start=$(date +%s)

differ() { paste -d' ' "$1" "$2" | awk '$1 != $2 {d++} END {print d + 0}'; }
correct() { paste -d' ' "$1" "$2" | awk '$1 == $2 {c++} END {printf "%.2f", 100 * c / NR}'; }

labels="$WORK/labels.txt"
/usr/bin/python3 - "$DATA" "$labels" <<'PY'
import gzip, os, sys
p = os.path.join(sys.argv[1], "t10k-labels-idx1-ubyte")
raw = open(p + ".gz", "rb").read() if os.path.exists(p + ".gz") else open(p, "rb").read()
raw = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
open(sys.argv[2], "w").write("".join("%d\n" % b for b in raw[8:]))
PY

if [ -n "${TORCH_REUSE:-}" ] && [ -f "$WORK/torch.onnx" ] && [ -f "$WORK/torch_predictions.txt" ]; then
  echo "== 1. reusing $WORK/torch.onnx (TORCH_REUSE set)"
else
  echo "== 1. PyTorch trains and exports ($EPOCHS epochs)"
  /usr/bin/python3 "$ROOT/scripts/torch/train_onnx.py" "$DATA" "$WORK" --epochs "$EPOCHS"
fi

echo "== 2. admm4j imports and evaluates torch.onnx"
"$ROOT/admm4j" eval --model "$WORK/torch.onnx" --dataset fashion-mnist --data "$DATA" \
  --predictions "$WORK/admm4j_import_predictions.txt" --seconds 1
echo "import: $(differ "$WORK/torch_predictions.txt" "$WORK/admm4j_import_predictions.txt") of 10000 predictions differ from PyTorch's;" \
  "accuracy PyTorch $(correct "$WORK/torch_predictions.txt" "$labels")%, admm4j $(correct "$WORK/admm4j_import_predictions.txt" "$labels")%"

echo "== 3. admm4j prunes it 5x"
rm -rf "$WORK/pruned"
"$ROOT/admm4j" prune --from "$WORK/torch.onnx" --dataset fashion-mnist --data "$DATA" \
  --keep 'kind:conv=0.2' --keep 'kind:linear=0.2' --iterations "${ITERATIONS:-6}" --admm-epochs 1 \
  --retrain-epochs "${RETRAIN:-3}" --seed 42 --out "$WORK/pruned" --no-progress
"$ROOT/admm4j" eval --model "$WORK/pruned" --dataset fashion-mnist --data "$DATA" \
  --predictions "$WORK/admm4j_pruned_predictions.txt" --seconds 1

echo "== 4. export to ONNX, ONNX Runtime predicts every test image"
"$ROOT/admm4j" export --format onnx --model "$WORK/pruned" --force
(cd "$ROOT" && mvn -B -q -pl bench -am package -DskipTests) >&2
java --add-modules jdk.incubator.vector -cp "$ROOT/bench/target/benchmarks.jar" org.admm4j.bench.OrtPredict \
  "$WORK/pruned/model.onnx" "$DATA/t10k-images-idx3-ubyte.gz" 0.2860 0.3530 "$WORK/ort_pruned_predictions.txt"

echo "== summary (wall $(( $(date +%s) - start )) s)"
echo "PyTorch accuracy            $(correct "$WORK/torch_predictions.txt" "$labels")%"
echo "admm4j import accuracy      $(correct "$WORK/admm4j_import_predictions.txt" "$labels")%" \
  "($(differ "$WORK/torch_predictions.txt" "$WORK/admm4j_import_predictions.txt") of 10000 differ from PyTorch)"
echo "admm4j pruned 5x accuracy   $(correct "$WORK/admm4j_pruned_predictions.txt" "$labels")%"
echo "ONNX Runtime on the export  $(correct "$WORK/ort_pruned_predictions.txt" "$labels")%" \
  "($(differ "$WORK/admm4j_pruned_predictions.txt" "$WORK/ort_pruned_predictions.txt") of 10000 differ from admm4j)"
