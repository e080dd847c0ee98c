#!/usr/bin/env bash
# GPU check (needs an NVIDIA GPU; never run on this project's CPU machines). Builds ibex against a CUDA build of
# libtorch 2.7.1, runs the parity tests and ConcurrentAttributionTest against it, checks attributions computed on
# the GPU (--device gpu) against the parity references, and prints GPU throughput numbers.
#
# The CUDA libtorch comes by one of the README's two routes ("Running on a GPU"):
#   PYTORCH_LIBRARY_PATH=/path/to/torch/lib   a local CUDA libtorch 2.7.1 (e.g. the torch/lib folder of a CUDA
#                                             torch==2.7.1 wheel); PYTORCH_VERSION / PYTORCH_FLAVOR default to
#                                             2.7.1 / cu128
#   (not set)                                 builds with -Pgpu: DJL downloads the CUDA build into ~/.djl.ai on first
#                                             use (needs network once)
# usage: integration-tests/scripts/gpu-check.sh [OUT]
#   GPU_CHECK_DEVICE=cpu  rehearses the GPU-side steps on the CPU with the jar already built (no GPU, no CUDA
#                         build, no tests): for checking this script on a machine without a GPU
# Exit status: 0 all checks passed, 1 a check failed, 2 no GPU visible or no CUDA libtorch.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/out/gpu}
device=${GPU_CHECK_DEVICE:-gpu}
jar=$root/integration-tests/target/ibex.jar
fx=$root/plugins-attribution/src/test/resources/parity/plain
mkdir -p "$out"
die() { echo "gpu-check: $*" >&2; exit 2; }
step() { echo; echo "== $* (load $(cut -d' ' -f1-3 /proc/loadavg))"; }

profile=()
if [ "$device" = gpu ]; then
  step "GPU"
  command -v nvidia-smi >/dev/null || die "no GPU visible: nvidia-smi not found (no NVIDIA driver here)"
  nvidia-smi -L 2>/dev/null | grep -q '^GPU' || die "no GPU visible: nvidia-smi lists no GPU"
  nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader
  step "CUDA libtorch"
  if [ -n "${PYTORCH_LIBRARY_PATH:-}" ]; then
    ls "$PYTORCH_LIBRARY_PATH"/libtorch_cuda.so >/dev/null 2>&1 ||
      die "PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH holds no libtorch_cuda.so: not a CUDA libtorch"
    export PYTORCH_VERSION=${PYTORCH_VERSION:-2.7.1} PYTORCH_FLAVOR=${PYTORCH_FLAVOR:-cu128}
    echo "local libtorch: $PYTORCH_LIBRARY_PATH ($PYTORCH_VERSION, $PYTORCH_FLAVOR)"
  else
    profile=(-Pgpu)
    echo "no PYTORCH_LIBRARY_PATH: building with -Pgpu, DJL fetches the CUDA build into ~/.djl.ai"
  fi
  step "build"
  (cd "$root" && mvn -B -ntp -q "${profile[@]}" package -DskipTests)
  # the engine itself must see the GPU (the CLI refuses --device gpu when libtorch counts none)
  java -jar "$jar" --device gpu explain --model "$fx/model.pt" --input "$fx/x.npy" --method saliency \
    --out "$out/device-probe.npy" >/dev/null 2>"$out/device.err" ||
    die "libtorch sees no GPU: $(head -1 "$out/device.err")"
fi

failed=0
if [ "$device" = gpu ]; then
  step "parity tests and ConcurrentAttributionTest against the CUDA libtorch"
  # these tests place their models on the CPU: they check that the CUDA build computes what the CPU build does
  if ! (cd "$root" && mvn -B -ntp "${profile[@]}" verify -pl integration-tests -am -Djacoco.skip=true \
    -Dtest='*ParityTest,ConcurrentAttributionTest' -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=NONE -Dfailsafe.failIfNoSpecifiedTests=false) > "$out/tests.log" 2>&1; then
    failed=1
  fi
  grep -E 'Tests run:|FAIL|BUILD' "$out/tests.log" || true
else
  [ -f "$jar" ] || die "build first: mvn -B -ntp -q package -DskipTests"
  echo "rehearsal on $device: no GPU check, no CUDA build, no tests"
fi

step "attributions on --device $device against the parity references (float64 parity CNN, plain)"
explain() { # name reference tolerance method-arguments...
  local name=$1 ref=$2 tol=$3; shift 3
  java -jar "$jar" --device "$device" explain --model "$fx/model.pt" --input "$fx/x.npy" --targets "$fx/y.npy" \
    --out "$out/$name.npy" "$@" >/dev/null || { echo "$name: explain FAILED" >&2; failed=1; return; }
  java -cp "$jar" dev.ibex.bench.NpyCompare "$out/$name.npy" "$fx/$ref" "$tol" || failed=1
}
explain saliency saliency.npy 1e-9 --method saliency
explain ig-riemann-right integrated-gradients.riemann_right.npy 1e-9 --method integrated-gradients \
  --set steps=32 --set quadrature=riemann_right
explain ig-gausslegendre integrated-gradients.gausslegendre.npy 1e-7 --method integrated-gradients --set steps=32
explain grad-cam grad-cam.npy 1e-9 --method grad-cam --layer conv3
explain score-cam score-cam.npy 1e-5 --method score-cam --layer conv3 --set normalise=minmax
explain occlusion occlusion.npy 1e-6 --method occlusion --set window=3x8x8 --set stride=3x4x4

step "throughput on --device $device"
bench() { # label batch method-arguments...
  local label=$1 batch=$2; shift 2
  echo "$label batch=$batch $* : $(java -jar "$jar" --device "$device" bench --batch "$batch" "$@" 2>/dev/null | tail -1)"
}
bench "parity CNN 32x32" 16 --model "$fx/model.pt" --input "$fx/x.npy" --method saliency
bench "parity CNN 32x32" 16 --model "$fx/model.pt" --input "$fx/x.npy" --method integrated-gradients
model=$out/resnet18-layer4.pt
if [ -f "$model" ] || /usr/bin/python3 "$root/plugins-attribution/src/test/python/make_bench_model_cam.py" "$out" 8 \
    >/dev/null 2>&1; then
  for method in saliency "grad-cam --layer layer4" "integrated-gradients" "score-cam --layer layer4"; do
    # shellcheck disable=SC2086
    bench "ResNet-18 224x224" 16 --model "$model" --shape 3x224x224 --method $method
  done
  step "Java threads sharing one model on --device $device (ResNet-18, batch 8)"
  java -cp "$jar" dev.ibex.bench.ThreadBenchmark "$model" "$out/x224.npy" layer4 1,2,4 saliency,grad-cam 10 \
    "$device" 2>/dev/null
else
  echo "(no /usr/bin/python3 with torch and torchvision here to make the ResNet-18: its rows are left out)"
fi

echo
[ "$failed" = 0 ] && echo "gpu-check: all checks passed" || { echo "gpu-check: a check FAILED" >&2; exit 1; }
