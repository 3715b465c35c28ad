#!/bin/sh
# Self-consistency of make_fixtures.py's output: check_model.py on every model it wrote, in every data
# layout it wrote, must find 0 predictions differing. usage: sh scripts/torch/check_fixtures.sh OUTDIR
set -e
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: sh $0 FIXTURES_DIR (written by make_fixtures.py)" >&2; exit 2; }
F=$1
C="/usr/bin/python3 $(dirname "$0")/check_model.py"
for m in resnet-small all-layers; do
  $C "$F/$m/model.safetensors" "npy:$F/npy" --predictions "$F/$m/expected-predictions.txt"
  $C "$F/$m/model.safetensors" "cifar10:$F/cifar10" --predictions "$F/$m/expected-predictions.txt"
  $C "$F/$m/model.safetensors" "folder:$F/folder" --predictions "$F/$m/expected-predictions-folder.txt"
done
$C "$F/lenet5/model.safetensors" "mnist:$F/mnist" --predictions "$F/lenet5/expected-predictions.txt"
$C "$F/lenet5/model.safetensors" "npy:$F/npy-gray" --predictions "$F/lenet5/expected-predictions.txt"
echo "fixtures in $F: every model agrees with its expected predictions in every layout"
