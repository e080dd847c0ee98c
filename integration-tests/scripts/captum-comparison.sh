#!/usr/bin/env bash
# ibex next to Captum 0.8 on the same network, batch, input and threads: ResNet-18 224x224 with random
# (seeded) weights — a frozen TorchScript split at layer4 for ibex, the same eager model for Captum —
# saliency, Grad-CAM at layer4 (upsampled) and integrated gradients (Gauss-Legendre, STEPS nodes,
# INTERNAL path points per pass on both sides, default 8). Prints images/s of each side and ibex / Captum: Captum as a
# user runs it (glibc's default allocator settings) and with the allocator settings the ibex CLI makes for
# itself (dev.ibex.api.host.NativeAllocator; GLIBC_TUNABLES for Python).
# usage: CAPTUM_SRC=/path/to/captum-v0.8.0 integration-tests/scripts/captum-comparison.sh [OUT] [BATCH] [THREADS]
#   (after `mvn -B -ntp -q package -DskipTests`; run on an idle machine; Captum is not an ibex dependency:
#    CAPTUM_SRC is a source checkout of pytorch/captum, e.g. `git clone -b v0.8.0 https://github.com/pytorch/captum`)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/out/captum-comparison}
batch=${2:-8}
threads=${3:-2}
steps=32
internal=${INTERNAL:-8}
jar=$root/integration-tests/target/ibex.jar
[ -f "$jar" ] || { echo "build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
[ -n "${CAPTUM_SRC:-}" ] || { echo "set CAPTUM_SRC to a checkout of pytorch/captum v0.8.0" >&2; exit 2; }
mkdir -p "$out"
/usr/bin/python3 "$root/plugins-attribution/src/test/python/make_bench_model_cam.py" "$out" "$batch" >/dev/null
# the CPU's oneDNN may need the AVX cap for right convolution gradients (see README); the same cap
# applies to both sides
export ONEDNN_MAX_CPU_ISA=${ONEDNN_MAX_CPU_ISA:-AVX}
ibex() { # method options... -> images/s
  java -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 -jar "$jar" bench \
    --model "$out/resnet18-layer4.pt" --input "$out/x224.npy" --batch "$batch" --repeat 5 "$@" 2>/dev/null \
    | tail -1 | sed -E 's/.*images_per_s=([0-9.]+).*/\1/'
}
declare -A ours theirs tuned
ours[saliency]=$(ibex --method saliency)
ours[grad-cam]=$(ibex --method grad-cam --layer layer4)
ours[integrated-gradients]=$(ibex --method integrated-gradients --set steps=$steps --set internal-batch-size=$internal)
captum() { # env... -> "method images_per_s=N ..." lines
  env "$@" /usr/bin/python3 "$root/integration-tests/scripts/captum_comparison.py" "$out/x224.npy" "$threads" "$steps" \
    "$internal" 2>/dev/null
}
rate() { sed -E 's/.*images_per_s=([0-9.]+).*/\1/' <<<"$1"; }
while read -r name rest; do theirs[$name]=$(rate "$rest"); done < <(captum)
while read -r name rest; do tuned[$name]=$(rate "$rest"); done < <(captum \
  GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824)
for m in saliency grad-cam integrated-gradients; do
  [ -n "${ours[$m]}" ] && [ -n "${theirs[$m]}" ] && [ -n "${tuned[$m]}" ] ||
    { echo "no number for $m (ibex '${ours[$m]}', Captum '${theirs[$m]}', '${tuned[$m]}')" >&2; exit 1; }
done
echo "ResNet-18 224x224, batch $batch, $threads threads, IG $steps steps ($internal rows per pass)," \
  "Captum parameters frozen: ${CAPTUM_FREEZE:-0}, ONEDNN_MAX_CPU_ISA=$ONEDNN_MAX_CPU_ISA, $(date -u +%Y-%m-%d)," \
  "load average after $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| method | ibex images/s | Captum 0.8 images/s | ibex / Captum | Captum, ibex's allocator settings | ibex / that |"
echo "|---|---|---|---|---|---|"
for m in saliency grad-cam integrated-gradients; do
  awk -v m="$m" -v a="${ours[$m]}" -v b="${theirs[$m]}" -v c="${tuned[$m]}" \
    'BEGIN { printf "| %s | %s | %s | %.2f | %s | %.2f |\n", m, a, b, a / b, c, a / c }'
done
