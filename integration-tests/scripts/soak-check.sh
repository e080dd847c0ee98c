#!/usr/bin/env bash
# Soak check of long runs: CALLS consecutive attributions (saliency and Grad-CAM in turn) on the parity CNN in one
# JVM (dev.ibex.bench.SoakCheck). Passes when the resident memory at the end is less than 5 % above its level
# after WARMUP calls (default 2000) and no array is left on the caller's manager; exits 1 otherwise. The Java heap is fixed and
# touched up front (-Xms = -Xmx, AlwaysPreTouch), so the resident memory that can grow is the native one.
# usage: integration-tests/scripts/soak-check.sh [CALLS] [WARMUP]   (after `mvn -B -ntp -q package -DskipTests`)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jar=$root/integration-tests/target/ibex.jar
fx=$root/integration-tests/src/test/resources/parity/plain
[ -f "$jar" ] || { echo "build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
export ONEDNN_MAX_CPU_ISA=AVX
echo "$(nproc) CPU cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
exec java -Xms256m -Xmx256m -XX:+AlwaysPreTouch -cp "$jar" dev.ibex.bench.SoakCheck \
  "$fx/model.pt" "$fx/x.npy" "${1:-10000}" "${2:-2000}" conv3
