#!/usr/bin/env bash
# Rerunnable memory benchmark: peak resident memory (/usr/bin/time -v, "Maximum resident set size") of
# integrated gradients (default 50 steps, Gauss-Legendre) on a torchvision ResNet-50 with random weights
# (TorchScript from Debian's python3-torch, frozen, float32) explaining IMAGES 224x224 images: ibex at the
# default memory budget and at the fixed 64 rows it used before budgets, and Captum's IntegratedGradients with
# its default (all rows in one batch) and with internal_batch_size=16. Then, for ResNet-50, ResNet-18 and
# MobileNetV2, what MemoryBudget calibrates an IG row to cost against the peak resident memory a row adds
# (IG with 16 steps at internal-batch-size 8 and 32). Writes OUT/memory.md and prints it.
#
# usage: integration-tests/scripts/memory-benchmark.sh [OUT] [IMAGES]   (after `mvn -B -ntp -q package -DskipTests`)
#   CAPTUM_SRC=DIR   a Captum source tree (DIR/captum/__init__.py), e.g. from Captum's repository:
#                    git archive v0.8.0 captum | tar -x -C DIR; without it the Captum rows are left out
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/out/memory}
images=${2:-3}
jar=$root/integration-tests/target/ibex.jar
scripts=$root/integration-tests/scripts
mkdir -p "$out"
[ -f "$jar" ] || { echo "build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time as /usr/bin/time (apt-get install time)" >&2; exit 2; }
# this machine's libtorch gives wrong float32 convolution gradients on AVX2/AVX-512 kernels (README)
export ONEDNN_MAX_CPU_ISA=AVX
x=$out/x224-$images.npy
for name in resnet50 resnet18 mobilenet_v2; do
  [ -f "$out/$name.pt" ] && [ -f "$x" ] ||
    /usr/bin/python3 "$scripts/make_torchvision_model.py" "$name" "$out" "$images" >/dev/null
done

table=$out/memory.md
{
  echo "Measured on: $(nproc) CPU cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))," \
    "$(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d), ONEDNN_MAX_CPU_ISA=AVX;" \
    "IG, 50 steps, $images images 224x224, ResNet-50 float32"
  echo
  echo "| run | peak RSS (MiB) | wall (s) | load before |"
  echo "|---|---|---|---|"
} > "$table"

peak() { # label command...: runs it under /usr/bin/time -v, appends a row, echoes the peak in KiB
  local label=$1; shift
  local file load kib wall
  file=$out/$(tr -cs 'A-Za-z0-9' '-' <<<"$label" | sed 's/-$//')
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  if ! /usr/bin/time -v "$@" > "$file.out" 2> "$file.time"; then
    echo "$label failed:" >&2; tail -20 "$file.time" >&2; exit 1
  fi
  kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$file.time")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$file.time" |
    awk -F: '{s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.0f", s}')
  echo "| $label | $((kib / 1024)) | $wall | $load |" >> "$table"
  echo "$kib"
}

# /usr/bin/time runs a program, not a shell function: the command is an array, the model comes after it
ig=(java -jar "$jar" explain --input "$x" --method integrated-gradients --target 1)
r50=$out/resnet50.pt
peak "ibex, default memory-budget (128 MiB)" "${ig[@]}" --model "$r50" --out "$out/ig-ibex.npy" >/dev/null
peak "ibex, internal-batch-size=64 (the old fixed default)" "${ig[@]}" --model "$r50" --set internal-batch-size=64 \
  --out "$out/ig-ibex-64.npy" >/dev/null
if [ -n "${CAPTUM_SRC:-}" ]; then
  captum=(env PYTHONPATH="$CAPTUM_SRC" /usr/bin/python3 "$scripts/captum_ig.py" "$r50" "$x" 1)
  peak "Captum 0.8 IntegratedGradients, default internal_batch_size=None" "${captum[@]}" >/dev/null
  peak "Captum 0.8 IntegratedGradients, internal_batch_size=16" "${captum[@]}" 16 >/dev/null
else
  echo "(CAPTUM_SRC not set: Captum rows left out)" >> "$table"
fi

# the calibration against the resident memory a row adds
accuracy=()
for name in resnet50 resnet18 mobilenet_v2; do
  model=$out/$name.pt
  cost=$(java -cp "$jar" dev.ibex.bench.RowCost "$model" "$x" integrated-gradients steps=2 2>/dev/null |
    sed -nE 's/.*mib_per_row=([0-9.]+).*/\1/p' | head -1)
  small=$(peak "$name, steps=16, internal-batch-size=8" "${ig[@]}" --model "$model" --set steps=16 --set internal-batch-size=8 \
    --out "$out/ig-$name-8.npy")
  large=$(peak "$name, steps=16, internal-batch-size=32" "${ig[@]}" --model "$model" --set steps=16 \
    --set internal-batch-size=32 --out "$out/ig-$name-32.npy")
  accuracy+=("$(awk -v n="$name" -v c="$cost" -v s="$small" -v l="$large" 'BEGIN {
    m = (l - s) / 1024 / 24
    printf "| %s | %.1f | %.1f | %.2f |", n, c, m, c / m
  }')")
done
{
  echo
  echo "| model | calibrated MiB per IG row | peak RSS added per row, 8 -> 32 rows (MiB) | calibrated / measured |"
  echo "|---|---|---|---|"
  printf '%s\n' "${accuracy[@]}"
} >> "$table"
cat "$table"
