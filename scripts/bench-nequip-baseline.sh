#!/usr/bin/env bash
# md bench nequip against an older build of the NequIP evaluator, in the same session: exports the
# core and forcefields modules of BASE_REV (default: the commit before the performance work) into a
# temporary folder, compiles them there (nothing is installed), then runs the current benchmark class
# alternately on the baseline's and on this tree's classes, ROUNDS times each.
# Usage: scripts/bench-nequip-baseline.sh [BASE_REV] [ROUNDS] [benchmark options, e.g. --seconds 3]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/java-env.sh"
rev=${1:-77c8862}
rounds=${2:-2}
shift $(( $# < 2 ? $# : 2 ))
data=${MD_SHARED_DATA:-$root/../shared/data}
base=$(mktemp -d /tmp/md-nequip-baseline.XXXXXX)
trap 'rm -rf "$base"' EXIT
(cd "$root" && git archive "$rev") | tar -x -C "$base"
(cd "$base" && mvn -B -q -o -ntp -Dstyle.color=never -pl forcefields -am compile >&2)
(cd "$root" && mvn -B -q -o -ntp -Dstyle.color=never -pl engine -am compile >&2)
deps=$(cd "$root" && mvn -B -q -o -ntp -pl forcefields dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime 2>/dev/null || true)
bench=md.engine.bench.NequipBenchmark
for ((r = 1; r <= rounds; r++)); do
  for which in baseline current; do
    if [ "$which" = baseline ]; then tree=$base; else tree=$root; fi
    echo "== round $r: $which ($([ "$which" = baseline ] && echo "$rev" || git -C "$root" rev-parse --short HEAD))"
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $MD_JVM_FLAGS -Xmx4g \
      -cp "$root/engine/target/classes:$tree/forcefields/target/classes:$tree/core/target/classes:$deps" \
      $bench --data "$data" "$@" 2>&1 | grep -v "^WARNING: Using incubator"
  done
done
