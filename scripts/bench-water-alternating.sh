#!/usr/bin/env bash
# Alternating runs of two md jars on a 4000-step copy of inputs/water-spcfw.yaml (no trajectory, thermo every
# 500 steps): wall and CPU seconds per run (JVM start and JIT included) and the mean steps_per_s of the thermo
# lines after step 1000. On a loaded machine compare the ratios within a round, not absolute numbers.
#   scripts/bench-water-alternating.sh BEFORE.jar AFTER.jar [ROUNDS]    (docs/benchmarks.md, "Liquid water")
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/java-env.sh"
before=$(realpath "$1"); after=$(realpath "$2"); rounds=${3:-3}
work=$(mktemp -d)
sed -e "s|file: structures/water64.extxyz|file: $root/inputs/structures/water64.extxyz|" -e 's|steps: 20000.*|steps: 4000|' \
    -e "s|directory: ../out/water-spcfw|directory: $work/out|" -e 's|trajectory: {every: 20, formats: \[extxyz\]}.*|trajectory: {every: 0}|' \
    -e 's|thermo: {every: 20}|thermo: {every: 500}|' -e 's|checkpoint: {every: 2000}|checkpoint: {every: 0}|' \
    "$root/inputs/water-spcfw.yaml" > "$work/water-short.yaml"
for round in $(seq 1 "$rounds"); do
  for which in before after; do
    jar=$([ "$which" = before ] && echo "$before" || echo "$after")
    t0=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$work/cpu.txt" "$JAVA_HOME/bin/java" $MD_JVM_FLAGS -XX:MaxNewSize=96m -Xmx2g -jar "$jar" run --quiet --overwrite "$work/water-short.yaml" > /dev/null
    t1=$(date +%s.%N)
    rate=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="steps_per_s") c=i; next} $1>1000{s+=$c; n++} END{printf "%.1f", s/n}' "$work/out/thermo.csv")
    echo "round $round $which: wall $(echo "$t1 - $t0" | bc) s, cpu $(awk '{print $1+$2}' "$work/cpu.txt") s, steps/s after step 1000: $rate"
  done
done
rm -rf "$work"
