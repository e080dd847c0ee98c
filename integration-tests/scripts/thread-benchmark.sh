#!/usr/bin/env bash
# Throughput of 1, 2 and 4 Java threads sharing one model (dev.ibex.bench.ThreadBenchmark): saliency and Grad-CAM
# on a ResNet-18 224x224 TorchScript split at layer4 (random weights, made with Debian's python3-torch), batch 8,
# each JVM with libtorch's intra-op threads at 1 and at 2 (-Dai.djl.pytorch.num_threads). Prints images/s, the
# speedup over one thread and the load average before and after each number; writes OUT/threads.txt.
# usage: integration-tests/scripts/thread-benchmark.sh [OUT] [SECONDS]   (after `mvn -B -ntp -q package -DskipTests`)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/out/threads}
seconds=${2:-20}
jar=$root/integration-tests/target/ibex.jar
mkdir -p "$out"
[ -f "$jar" ] || { echo "build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
export ONEDNN_MAX_CPU_ISA=AVX
model=$out/resnet18-layer4.pt
[ -f "$model" ] && [ -f "$out/x224-8.npy" ] || {
  /usr/bin/python3 "$root/plugins-attribution/src/test/python/make_bench_model_cam.py" "$out" 8 >/dev/null
  mv "$out/x224.npy" "$out/x224-8.npy"
}
{
  echo "$(nproc) CPU cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(date -u +%Y-%m-%d)," \
    "ONEDNN_MAX_CPU_ISA=AVX, ResNet-18 224x224 split at layer4, batch 8, ${seconds} s per number"
  for intra in 1 2; do
    # one JVM per intra-op setting: libtorch reads it once
    java -Dai.djl.pytorch.num_threads="$intra" -cp "$jar" dev.ibex.bench.ThreadBenchmark \
      "$model" "$out/x224-8.npy" layer4 1,2,4 saliency,grad-cam "$seconds" 2>/dev/null
  done
} | tee "$out/threads.txt"
