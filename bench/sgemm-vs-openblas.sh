#!/usr/bin/env bash
# SGEMM of admm4j (JMH, org.admm4j.bench.SgemmBench) next to OpenBLAS (NumPy peer), same sitting.
# Prints GFLOP/s side by side with the ratio, per shape, op and thread count, plus vector/scalar.
#
# usage: bench/sgemm-vs-openblas.sh            (from anywhere; rebuilds bench/target/benchmarks.jar first)
# env:   THREADS="1 2"  SHAPES="512,512,512 1024,1024,1024 64,500,800 64,800,500"  OPS="NN NT TN"
#        SCALAR=1 (also run the plain-Java kernels, 1 thread, NN)  JAVA=java  PYTHON=/usr/bin/python3
#        JMH_OPTS="-f 1 -wi 3 -i 5 -w 1s -r 1s"  PEERS=<repo>/../shared/peers
#        JMH_LOCK_WAIT=600 (seconds to wait while another JMH run holds /tmp/jmh.lock)
#        SKIP_BUILD=1 (use the benchmarks.jar already built)
# The OpenBLAS peer computes a @ b (NN); the NT and TN rows are compared with its NN figure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEERS=${PEERS:-$ROOT/../shared/peers}
JAVA=${JAVA:-java}
PYTHON=${PYTHON:-/usr/bin/python3}
THREADS=${THREADS:-"1 2"}
SHAPES=${SHAPES:-"512,512,512 1024,1024,1024 64,500,800 64,800,500"}
OPS=${OPS:-"NN NT TN"}
SCALAR=${SCALAR:-1}
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 3 -i 5 -w 1s -r 1s"}
JMH_LOCK_WAIT=${JMH_LOCK_WAIT:-600}
JAR=$ROOT/bench/target/benchmarks.jar

if [ ! -f "$PEERS/sgemm_openblas.py" ]; then
  echo "no OpenBLAS peer at $PEERS/sgemm_openblas.py (set PEERS=...; install with sh \$PEERS/setup.sh)" >&2
  exit 2
fi
if ! "$PYTHON" -c 'import numpy' 2>/dev/null; then
  echo "$PYTHON cannot import numpy: install the peers first (sh $PEERS/setup.sh)" >&2
  exit 2
fi
# a stale jar would measure old kernels: rebuild unless told not to
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$JAR" ]; then
  (cd "$ROOT" && mvn -B -q -pl bench -am package -DskipTests)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=()
for t in $THREADS; do
  for shape in $SHAPES; do
    IFS=, read -r m n k <<< "$shape"
    # the peer first, then our kernels, so both see the same machine state
    "$PYTHON" "$PEERS/sgemm_openblas.py" --threads "$t" "$shape" >> "$work/peer.txt"
    for op in $OPS; do
      impls=vector
      if [ "$SCALAR" = 1 ] && [ "$t" = 1 ] && [ "$op" = NN ]; then impls=vector,scalar; fi
      json="$work/$m-$n-$k-$t-$op.json"
      waited=0
      # shellcheck disable=SC2086
      until "$JAVA" -jar "$JAR" SgemmBench -p m="$m" -p n="$n" -p k="$k" -p threads="$t" -p impl="$impls" \
          -p transA="${op:0:1}" -p transB="${op:1:1}" $JMH_OPTS -rf json -rff "$json" > "$work/jmh.log" 2>&1; do
        # another benchmark holds JMH's lock: wait for it rather than measure on top of it
        if grep -q 'Unable to acquire the JMH lock' "$work/jmh.log" && [ "$waited" -lt "$JMH_LOCK_WAIT" ]; then
          sleep 5
          waited=$((waited + 5))
        else
          cat "$work/jmh.log" >&2
          exit 1
        fi
      done
      runs+=("$json")
    done
  done
done

"$PYTHON" - "$work/peer.txt" "${runs[@]}" <<'PY'
import json, statistics, sys
peer = {}
for line in open(sys.argv[1]):
    f = line.split()  # sgemm M N K threads T gflops G
    peer[(int(f[1]), int(f[2]), int(f[3]), int(f[5]))] = float(f[7])
rows = {}
for path in sys.argv[2:]:
    for r in json.load(open(path)):
        p = r["params"]
        m, n, k, t = int(p["m"]), int(p["n"]), int(p["k"]), int(p["threads"])
        raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
        gflops = statistics.median(raw) * 2 * m * n * k / 1e9
        rows[(m, n, k, t, p["transA"] + p["transB"], p["impl"])] = gflops
print(f"{'m×n×k':>16} {'op':>3} {'thr':>3} {'admm4j':>9} {'OpenBLAS':>9} {'ratio':>6} {'scalar':>8} {'vec/scal':>8}")
for (m, n, k, t, op, impl), g in sorted(rows.items(), key=lambda kv: (kv[0][3], kv[0][2] * kv[0][1] * kv[0][0], kv[0][4])):
    if impl != "vector":
        continue
    o = peer.get((m, n, k, t))
    s = rows.get((m, n, k, t, op, "scalar"))
    print(f"{f'{m}×{n}×{k}':>16} {op:>3} {t:>3} {g:9.1f} {o if o else float('nan'):9.1f} "
          f"{g / o if o else float('nan'):6.2f} {s if s else float('nan'):8.1f} {g / s if s else float('nan'):8.1f}")
print("GFLOP/s = median of JMH iterations × 2mnk; OpenBLAS = best of 3 NumPy a @ b runs (NN).")
PY
