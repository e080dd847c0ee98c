#!/usr/bin/env bash
# Rerunnable throughput benchmark of the attributors through `ibex bench`, on the parity CNN (3x32x32),
# a ResNet-18 with random weights (3x224x224, made with Debian's python3-torch) and the toy CLIP.
# Writes a Markdown table to OUT/benchmark.md and prints it.
# usage: integration-tests/scripts/benchmark.sh [OUT]     (after `mvn -B -ntp -q package -DskipTests`)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/out/benchmark}
jar=$root/integration-tests/target/ibex.jar
fx=$root/integration-tests/src/test/resources/parity
mkdir -p "$out"
[ -f "$jar" ] || { echo "build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
if [ ! -f "$out/resnet18-layer4.pt" ]; then
  /usr/bin/python3 "$root/plugins-attribution/src/test/python/make_bench_model_cam.py" "$out" 16 >/dev/null
fi
# TorchScript re-optimises per new batch shape; the varying chunk sizes of batched methods would pay that each time.
java_opts=(-Dai.djl.pytorch.graph_optimizer=false)
table=$out/benchmark.md
{
  echo "Measured on: $(nproc) CPU cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(date -u +%Y-%m-%d), libtorch 2.7.1 CPU"
  echo
  echo "| model | method | options | batch | images/s | forward / backward per image |"
  echo "|---|---|---|---|---|---|"
} > "$table"
bench() { # model-label model input batch repeats method options...   (repeats 1: no warm-up, for slow cases)
  local label=$1 model=$2 input=$3 batch=$4 repeats=$5 method=$6; shift 6
  local warmup=1 line
  [ "$repeats" -gt 1 ] || warmup=0
  line=$(java "${java_opts[@]}" -jar "$jar" bench --model "$model" --input "$input" --batch "$batch" --method "$method" \
    --repeat "$repeats" --warmup "$warmup" "$@" 2>/dev/null | tail -1)
  local ips fwd bwd
  ips=$(sed -E 's/.*images_per_s=([0-9.]+).*/\1/' <<<"$line")
  fwd=$(sed -E 's/.*forward_per_image=([0-9.]+).*/\1/' <<<"$line")
  bwd=$(sed -E 's/.*backward_per_image=([0-9.]+).*/\1/' <<<"$line")
  local opts
  opts=$(printf '%s ' "$@" | sed -E 's/--set //g; s/--layer ([^ ]+)/layer=\1/; s/--cosine-to [^ ]+//; s/--entry [^ ]+//; s/ +$//; s/^ +//')
  echo "| $label | $method | ${opts:-defaults} | $batch | $ips | $fwd / $bwd |" | tee -a "$table"
}
p=$fx/plain
bench "parity CNN 32x32" "$p/model.pt" "$p/x.npy" 16 3 saliency
bench "parity CNN 32x32" "$p/model.pt" "$p/x.npy" 16 3 input-x-gradient
bench "parity CNN 32x32" "$p/model.pt" "$p/x.npy" 16 3 integrated-gradients
bench "parity CNN 32x32" "$p/model.pt" "$p/x.npy" 16 3 smoothgrad --set samples=50
bench "parity CNN 32x32" "$p/model.pt" "$p/x.npy" 16 3 mfaba
bench "parity CNN 32x32" "$p/model.pt" "$p/x.npy" 16 3 grad-cam --layer conv3
bench "parity CNN 32x32" "$p/model.pt" "$p/x.npy" 16 3 grad-cam-plus-plus --layer conv3
bench "parity CNN 32x32" "$p/model.pt" "$p/x.npy" 16 3 score-cam --layer conv3
bench "parity CNN 32x32" "$p/model.pt" "$p/x.npy" 16 3 occlusion --set window=3x8x8 --set stride=3x4x4
bench "parity CNN 32x32" "$p/model.pt" "$p/x.npy" 16 3 rise --set masks=1000
r=$out/resnet18-layer4.pt; x=$out/x224.npy
bench "ResNet-18 224x224" "$r" "$x" 16 3 saliency
bench "ResNet-18 224x224" "$r" "$x" 16 3 grad-cam --layer layer4
bench "ResNet-18 224x224" "$r" "$x" 2 1 integrated-gradients
bench "ResNet-18 224x224" "$r" "$x" 1 1 score-cam --layer layer4
bench "ResNet-18 224x224" "$r" "$x" 1 1 rise --set masks=500
c=$fx/clip
bench "toy CLIP image tower" "$c/clip.pt" "$c/pixels.npy" 3 3 nib --entry encode_image --layer image_2 --cosine-to "$c/text_embeddings.npy"
bench "toy CLIP image tower" "$c/clip.pt" "$c/pixels.npy" 3 3 m2ib --entry encode_image --layer image_2 --cosine-to "$c/text_embeddings.npy"
bench "toy CLIP image tower" "$c/clip.pt" "$c/pixels.npy" 3 3 chefer --entry encode_image --cosine-to "$c/text_embeddings.npy"
echo "wrote $table"
