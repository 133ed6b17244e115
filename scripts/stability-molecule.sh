#!/usr/bin/env bash
# The MD17 stability benchmark of Fu et al. for one molecule of their table (aspirin, ethanol, naphthalene,
# salicylic_acid): 5 runs x 600,000 steps (300 ps) at 500 K, their Nose-Hoover, 0.5 fs, against rMD17's test split 01
# of that molecule (force error, bond lengths and h(r) reference). Hours of CPU: run it in the background.
# Interrupted? Run the same command again: it continues from the checkpoints (--resume).
#   scripts/stability-molecule.sh MOLECULE MODEL [OUTPUT_DIR] [extra md bench stability options, e.g. --ttime 50 --parallel 2]
# Default OUTPUT_DIR: out/stability-MOLECULE. Results: OUTPUT_DIR/report.html, metrics.json (docs/benchmarks.md,
# "The four-molecule table").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ $# -lt 2 ]; then sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
molecule=$1 model=$2
case "$molecule" in
  aspirin|ethanol|naphthalene) file=$molecule ;;
  salicylic_acid|salicylic) molecule=salicylic_acid; file=salicylic ;;
  *) echo "stability-molecule.sh: unknown molecule '$molecule': expected aspirin, ethanol, naphthalene or salicylic_acid" >&2; exit 2 ;;
esac
out=${3:-$root/out/stability-$molecule}
shift $(( $# > 3 ? 3 : $# ))
data=${MD_SHARED_DATA:-$root/../shared/data}
reference="$data/rmd17/rmd17_${file}_test_01.npz"
[ -f "$reference" ] || { echo "stability-molecule.sh: $reference not found (set MD_SHARED_DATA to the shared data folder)" >&2; exit 2; }
resume=()
[ -f "$out/benchmark.properties" ] && resume=(--resume)
exec "$root/md" bench stability --model "$model" --molecule "$molecule" \
  --reference "$reference" --runs 5 --steps 600000 --seed 123 -o "$out" "${resume[@]}" "$@"
