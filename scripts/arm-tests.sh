#!/usr/bin/env bash
# The kernels module's tests on aarch64 without an ARM machine: Debian's arm64 OpenJDK 17, unpacked into
# a sysroot beside the system (never installed over it), run by qemu-aarch64-static (user-mode
# emulation) as an Arm Neoverse N1 — NEON only, no SVE, so the Vector API's preferred species is 128 bits.
# Maven compiles the tests on this machine; the JUnit Platform console launcher runs them on the arm64 JVM.
# The run fails unless the JVM reports os.arch aarch64, the Vector API kernels and the expected width
# (VectorPlatformTest), and unless every test ran: a skipped test is a test that did not run on ARM.
#
# Usage: scripts/arm-tests.sh [quick|full|setup|ci]
#   quick  (default) the bounded subset below: every kernel family against its reference
#   full   every test class of kernels (slow: see kernels/README.md for the measured time)
#   setup  only prepare qemu, the arm64 JDK sysroot and the JUnit launcher (idempotent)
#   ci     quick when qemu and the sysroot are already there (installs nothing; only the JUnit launcher
#          may come from Maven Central), otherwise says why it is skipped and exits 0
# Environment:
#   ADMM4J_ARM64_ROOT  the sysroot (default ~/.cache/admm4j/arm64-root)
#   ADMM4J_ARM_CPU     qemu's -cpu (default neoverse-n1; "max,sve128=on": SVE2 at 128 bits;
#                      "max,sve-default-vector-length=32" with ADMM4J_ARM_BITS=256: SVE at 256 bits)
#   ADMM4J_ARM_BITS    the vector width the run must see (default 128)
#   MAVEN_REPO         the local Maven repository (default ~/.m2/repository)
# Setup needs root only for what is missing from the system: apt-get install qemu-user-static, and
# dpkg --add-architecture arm64 + apt-get update so that apt can download arm64 packages.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:-quick}
SYSROOT=${ADMM4J_ARM64_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/admm4j/arm64-root}
CPU=${ADMM4J_ARM_CPU:-neoverse-n1}
BITS=${ADMM4J_ARM_BITS:-128}
JAVA_REL=usr/lib/jvm/java-17-openjdk-arm64/bin/java
# What the JVM loads without AWT, sound or smart cards (readelf -d of bin/java, lib/*.so, libjvm.so).
PACKAGES="openjdk-17-jre-headless:arm64 libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 zlib1g:arm64"
# quick: about a quarter of the full run's test time. Every GEMM path (BlasSupportTest: micro-kernel
# tiles, packing, transposes, tails, parallel bits), the element-wise, optimizer and facade classes
# whole, and from the slow classes the reference comparisons that reach the vector code on random,
# odd-sized inputs; left out: the bit-identity-across-pools repeats and the largest random sweeps
# (projection parallel/ADMM/NaN sweeps, sparse conv/spmm, col2im, weight gradient, max-pool planes).
QUICK="VectorPlatformTest KernelProviderTest BlasSupportTest BlasTest ElementwiseSupportTest
  OptimizerSupportTest OptimizerKernelsTest ProjectionTest SparseBlasTest SparseConvolutionTest
  ConvolutionTest CsrMatrixTest KernelThreadsTest
  ConvolutionSupportTest#forwardMatchesDirectReference ConvolutionSupportTest#backwardDataMatchesDirectReference
  ConvolutionSupportTest#backwardWeightsMatchesDirectReference ConvolutionSupportTest#directKernelsMatchReference
  ConvolutionSupportTest#gradientsMatchFiniteDifferences
  MaxPoolTest#forwardMatchesReference MaxPoolTest#forwardPicksFirstMaximumOnTies MaxPoolTest#backwardSumsIntoArgmax
  ProjectionSupportTest#matchesSortOnRandomInputs ProjectionSupportTest#exactZerosCountAsSmallest
  ProjectionSupportTest#specialValues ProjectionSupportTest#allEqualKeepsTheFirstK
  ProjectionSupportTest#nanInWPlusUIsAnError
  SparseSupportTest#spmvMatchesReference SparseSupportTest#tinyHandComputedCase
  SparseSupportTest#linearMatchesReferenceOnBothSidesOfTheTransposeSwitch"

die() { echo "arm-tests: $*" >&2; exit 1; }
say() { echo "arm-tests: $*"; }
is_root() { [ "$(id -u)" = 0 ]; }

# Offline first (the usual local repository has everything), then with Maven Central.
mvn_quiet() {
  local log
  log=$(mktemp)
  if (cd "$ROOT" && { mvn -B -o -q "$@" || mvn -B -q "$@"; }) > "$log" 2>&1; then rm -f "$log"; return 0; fi
  cat "$log" >&2; rm -f "$log"; return 1
}
have_qemu() { command -v qemu-aarch64-static >/dev/null; }
have_sysroot() { [ -x "$SYSROOT/$JAVA_REL" ]; }

setup_qemu() {
  have_qemu && return
  is_root && command -v apt-get >/dev/null \
    || die "qemu-aarch64-static is missing: install Debian's qemu-user-static (as root: apt-get install -y qemu-user-static)"
  say "installing qemu-user-static"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user-static >/dev/null
}

setup_sysroot() {
  have_sysroot && return
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
    || die "no arm64 JDK in $SYSROOT, and no apt-get/dpkg-deb to fetch Debian's (set ADMM4J_ARM64_ROOT to a sysroot holding $JAVA_REL)"
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    is_root || die "apt cannot fetch arm64 packages: as root run dpkg --add-architecture arm64 && apt-get update"
    say "adding the arm64 architecture to dpkg (packages are only downloaded, never installed)"
    dpkg --add-architecture arm64
    apt-get update -q >/dev/null
  fi
  if ! apt-cache show openjdk-17-jre-headless:arm64 >/dev/null 2>&1; then
    is_root || die "apt has no arm64 package lists yet: as root run apt-get update"
    apt-get update -q >/dev/null
  fi
  local tmp stage
  tmp=$(mktemp -d)
  stage="$SYSROOT.partial.$$"
  trap 'rm -rf "$tmp" "$stage"' EXIT
  say "downloading $PACKAGES"
  chmod 755 "$tmp"
  (cd "$tmp" && apt-get download -qq $PACKAGES 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  for p in $PACKAGES; do
    ls "$tmp/${p%%:*}"_*_arm64.deb >/dev/null 2>&1 || die "apt-get download did not fetch $p"
  done
  mkdir -p "$stage"
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$stage"; done
  # Debian links the JDK's configuration to /etc/java-17-openjdk/... by absolute paths; inside the
  # sysroot those would resolve to the host's x86 files (or nothing), so point them into the sysroot.
  find "$stage" -type l -lname '/*' | while read -r link; do
    target=$(readlink "$link")
    if [ -e "$stage$target" ]; then ln -sfn "$SYSROOT$target" "$link"; fi
  done
  (cd "$tmp" && for deb in *.deb; do echo "$deb"; done) > "$stage/.admm4j-packages"
  mkdir -p "$(dirname "$SYSROOT")"
  rm -rf "$SYSROOT"
  mv "$stage" "$SYSROOT"
  rm -rf "$tmp"
  trap - EXIT
  say "arm64 JDK unpacked in $SYSROOT"
}

# JUnit 5.x.y's platform is 1.x.y (JUnit 6 uses one version for both).
launcher_jar() {
  local junit platform
  junit=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' "$ROOT/pom.xml")
  [ -n "$junit" ] || die "no <junit.version> in $ROOT/pom.xml"
  case $junit in 5.*) platform="1.${junit#5.}" ;; *) platform=$junit ;; esac
  echo "${MAVEN_REPO:-$HOME/.m2/repository}/org/junit/platform/junit-platform-console-standalone/$platform/junit-platform-console-standalone-$platform.jar"
}

setup_launcher() {
  local jar
  jar=$(launcher_jar)
  [ -f "$jar" ] && return
  say "fetching junit-platform-console-standalone from Maven Central"
  mvn_quiet dependency:get -Dtransitive=false \
    -Dartifact="org.junit.platform:junit-platform-console-standalone:$(basename "$(dirname "$jar")")" \
    || die "could not fetch the JUnit console launcher into $jar"
}

qemu_java() {
  QEMU_CPU=$CPU qemu-aarch64-static -L "$SYSROOT" "$SYSROOT/$JAVA_REL" "$@"
}

case $MODE in
  setup|quick|full) ;;
  ci)
    if ! have_qemu; then say "skipped: qemu-aarch64-static is not installed (scripts/arm-tests.sh setup)"; exit 0; fi
    if ! have_sysroot; then say "skipped: no arm64 JDK in $SYSROOT (scripts/arm-tests.sh setup)"; exit 0; fi
    MODE=quick ;;
  *) die "unknown mode '$MODE' (expected quick, full, setup or ci)" ;;
esac

setup_qemu
setup_sysroot
setup_launcher
qemu_java -version >/dev/null 2>&1 \
  || die "the arm64 JVM does not start under qemu: QEMU_CPU=$CPU qemu-aarch64-static -L $SYSROOT $SYSROOT/$JAVA_REL -version"
[ "$MODE" = setup ] && { say "ready: $(qemu_java -version 2>&1 | sed -n 2p) under $(qemu-aarch64-static --version | head -1)"; exit 0; }

say "compiling the kernels tests (Maven, on this machine)"
mvn_quiet -pl kernels test-compile || die "mvn -pl kernels test-compile failed"
CPFILE=$(mktemp)
mvn_quiet -pl kernels dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CPFILE" \
  || die "could not resolve the kernels test class path"
# The launcher jar brings JUnit itself; keep only the module's own test dependencies.
DEPS=$(tr ':' '\n' < "$CPFILE" | grep -v -e '/org/junit/' -e '/org/opentest4j/' -e '/org/apiguardian/' | paste -sd: -)
rm -f "$CPFILE"
CP="$ROOT/kernels/target/test-classes:$ROOT/kernels/target/classes${DEPS:+:$DEPS}"

SELECT=()
if [ "$MODE" = quick ]; then
  for entry in $QUICK; do
    c=${entry%%#*}
    f=$(cd "$ROOT/kernels/target/test-classes" && find . -name "$c.class" | head -1)
    [ -n "$f" ] || die "the quick subset names $c, which is not a kernels test class (update QUICK in $0)"
    f=${f#./}; f=${f%.class}; f=${f//\//.}
    if [ "$entry" = "$c" ]; then SELECT+=(--select-class "$f"); else SELECT+=(--select-method "$f#${entry#*#}"); fi
  done
else
  SELECT=(--scan-class-path "$ROOT/kernels/target/test-classes")
fi

REPORTS="$ROOT/kernels/target/arm-test-reports/$MODE"
LOG="$ROOT/kernels/target/arm-test-reports/$MODE.log"
rm -rf "$REPORTS"; mkdir -p "$REPORTS"
JVM_FLAGS=(--add-modules=jdk.incubator.vector -ea -Xss4m -Dadmm4j.fetch=false
  -Dadmm4j.test.expectArch=aarch64 -Dadmm4j.test.expectVectorBits="$BITS")
launch() { qemu_java "${JVM_FLAGS[@]}" -jar "$(launcher_jar)" execute --class-path "$CP" --fail-if-no-tests \
  --disable-banner --disable-ansi-colors "$@"; }
say "$(qemu-aarch64-static --version | head -1), -cpu $CPU; $(qemu_java -version 2>&1 | sed -n 2p)"
# Fail fast when the emulated JVM is not the platform asked for (plain Java, or another width).
if ! gate=$(launch --select-class org.admm4j.kernels.internal.VectorPlatformTest --details=flat 2>&1); then
  echo "$gate" | grep -E 'kernel tests on|expected' >&2 || echo "$gate" >&2
  die "the arm64 JVM does not run the Vector API kernels at $BITS bits on -cpu $CPU (see above)"
fi
echo "$gate" | grep -m1 '^kernel tests on' | sed 's/^/arm-tests: /'
say "running the $MODE kernels tests on the arm64 JVM (log: $LOG)"
start=$(date +%s)
set +e
launch "${SELECT[@]}" --details=tree --reports-dir "$REPORTS" > "$LOG" 2>&1
rc=$?
set -e
wall=$(( $(date +%s) - start ))
sed -n '/Test run finished/,$p' "$LOG" | grep -E 'finished|tests (found|skipped|successful|failed|aborted)' | sed 's/^ *//'
skipped=$(sed -n 's/^\[ *\([0-9]*\) tests skipped.*/\1/p' "$LOG" | tail -1)
aborted=$(sed -n 's/^\[ *\([0-9]*\) tests aborted.*/\1/p' "$LOG" | tail -1)
say "wall time ${wall} s"
if [ "$rc" != 0 ]; then
  grep -E '✘|MethodSource|=> ' "$LOG" | head -40 >&2 || true
  die "FAILED (launcher exit $rc): see $LOG"
fi
if [ "${skipped:-0}" != 0 ] || [ "${aborted:-0}" != 0 ]; then
  grep -E '↷|■' "$LOG" | head -20 >&2 || true
  die "FAILED: ${skipped:-0} tests skipped, ${aborted:-0} aborted on aarch64 (they did not run): see $LOG"
fi
say "passed on aarch64 ($CPU, ${BITS}-bit vectors)"
