#!/usr/bin/env bash
# Grad-CAM on models exported by ibex_export.py, next to pytorch-grad-cam 1.5.5 on the same eager model, batch, input
# and threads: a seeded random-weight ResNet-50 (split at layer4) and a ViT of vit_b_16's architecture with 4 of its
# 12 encoder layers (image 224, patch 16: 1 + 14x14 tokens of width 768; split at the last block's ln_1, token
# layout as pytorch-grad-cam's vit_reshape_transform), both float32, 224x224. ibex: `ibex bench` (min-max
# normalised maps, as pytorch-grad-cam returns them); pytorch-grad-cam: GradCAM as a user runs it (parameters keep
# requires_grad). Prints images/s and passes per image of each side.
# usage: PGC_SRC=DIR [IBEX_EXPORT=ibex_export.py] integration-tests/scripts/export-cam-benchmark.sh [OUT] [BATCH] [THREADS]
#   (after `mvn -B -ntp -q package -DskipTests`; run on an idle machine; pytorch-grad-cam is not an ibex dependency:
#    PGC_SRC holds the pytorch_grad_cam and ttach packages of a source checkout, e.g. pytorch-grad-cam at 084273b,
#    ttach at 94e579e)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/out/export-cam-benchmark}
batch=${2:-8}
threads=${3:-2}
repeat=5
jar=$root/integration-tests/target/ibex.jar
py=/usr/bin/python3
helper=$root/integration-tests/scripts/export_cam_benchmark.py
exporter=${IBEX_EXPORT:-$root/integration-tests/src/main/python/ibex_export.py}
[ -f "$jar" ] || { echo "build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
[ -n "${PGC_SRC:-}" ] || { echo "set PGC_SRC to a directory holding pytorch_grad_cam and ttach" >&2; exit 2; }
mkdir -p "$out"
# the CPU's oneDNN may need the AVX cap for right convolution gradients (see README); the same cap applies to both
export ONEDNN_MAX_CPU_ISA=${ONEDNN_MAX_CPU_ISA:-AVX}

resnet=(--model resnet50 --seed 0)
vit=(--model torchvision.models.vision_transformer:VisionTransformer --arg image_size=224 --arg patch_size=16
  --arg num_layers=4 --arg num_heads=12 --arg hidden_dim=768 --arg mlp_dim=3072 --seed 0)
[ -f "$out/vit-weights.pt" ] || "$py" "$helper" vit-weights "$out/vit-weights.pt" "${vit[@]}"
vit+=(--state-dict "$out/vit-weights.pt")
"$py" "$helper" input "$out/x224.npy" "$batch,3,224,224"

export_model() { # name split model-args... -> the exported file
  local name=$1 split=$2
  shift 2
  [ -f "$out/$name.pt" ] || "$py" "$exporter" "$@" --split "$split" \
    --input-shape "1,3,224,224" --dtype float32 --out "$out/$name.pt" >&2
  echo "$out/$name.pt"
}
ibex() { # model.pt options... -> the bench line
  java -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 -jar "$jar" bench \
    --model "$1" --input "$out/x224.npy" --batch "$batch" --repeat "$repeat" --method grad-cam \
    --set normalise=minmax "${@:2}" 2>/dev/null | tail -1
}
pgc() { # layer reshape model-args... -> the timing line
  PGC_SRC=$PGC_SRC "$py" "$helper" time "$out/x224.npy" "$threads" "$repeat" "$@"
}
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }

declare -A ours theirs
resnet_pt=$(export_model resnet50 layer4 "${resnet[@]}")
vit_layer=encoder.layers.encoder_layer_3.ln_1
vit_pt=$(export_model vit-b16-4layers "$vit_layer" "${vit[@]}")
ours[resnet50]=$(ibex "$resnet_pt" --layer layer4)
theirs[resnet50]=$(pgc layer4 none "${resnet[@]}")
ours[vit]=$(ibex "$vit_pt" --layer "$vit_layer" --set token-layout=tokens --set prefix-tokens=1)
theirs[vit]=$(pgc "$vit_layer" vit:14x14 "${vit[@]}")

echo "Grad-CAM, batch $batch, $threads threads, float32 224x224, ONEDNN_MAX_CPU_ISA=$ONEDNN_MAX_CPU_ISA," \
  "$(date -u +%Y-%m-%dT%H:%MZ), load average after $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| model (exported at) | ibex images/s | passes / image (fwd / bwd) | pytorch-grad-cam 1.5.5 images/s | passes / image | ibex / pytorch-grad-cam |"
echo "|---|---|---|---|---|---|"
for m in resnet50 vit; do
  a=$(field images_per_s "${ours[$m]}")
  b=$(field images_per_s "${theirs[$m]}")
  [ -n "$a" ] && [ -n "$b" ] || { echo "no number for $m (ibex '${ours[$m]}', pytorch-grad-cam '${theirs[$m]}')" >&2; exit 1; }
  label=$([ "$m" = resnet50 ] && echo "ResNet-50 (layer4)" || echo "ViT-B/16, 4 layers ($vit_layer)")
  awk -v m="$label" -v a="$a" -v b="$b" -v fa="$(field forward_per_image "${ours[$m]}")" \
    -v ba="$(field backward_per_image "${ours[$m]}")" -v fb="$(field forward_per_image "${theirs[$m]}")" \
    -v bb="$(field backward_per_image "${theirs[$m]}")" \
    'BEGIN { printf "| %s | %s | %s / %s | %s | %s / %s | %.2f |\n", m, a, fa, ba, b, fb, bb, a / b }'
done
