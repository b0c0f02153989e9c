#!/usr/bin/env bash
# Issue 13's before/after figures in one run: the local sandbox's capture throughput, heap and start latency
# (bench/client-bench.sh) and %bg line-to-client latency (bench/magics_bench.py), first for REV (default bd6b138:
# main before the supervisor and file logs), built in a temporary git worktree, then for this tree.
# Usage: bench/crash-compare.sh [REV] [--quick]     (PARTS="client" or PARTS="magics" runs only that part)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REV="${1:-bd6b138}"
QUICK=""
[ "${2:-}" = "--quick" ] && QUICK="--quick"
BASE="$(mktemp -d /tmp/jbox-baseline-XXXXXX)"
STATE="$(mktemp -d /tmp/jbox-bench-state-XXXXXX)"
export JBOX_STATE_DIR="$STATE"
cleanup() { git -C "$ROOT" worktree remove --force "$BASE" >/dev/null 2>&1 || rm -rf "$BASE"; rm -rf "$STATE"; }
trap cleanup EXIT
git -C "$ROOT" worktree add -q --detach "$BASE" "$REV"
echo "building $REV in $BASE ..."
(cd "$BASE" && mvn -B -q -o -DskipTests package && mvn -B -q -o -pl client test-compile)
(cd "$ROOT" && mvn -B -q -o -DskipTests package && mvn -B -q -o -pl client test-compile)
CPFILE="$(mktemp)"
(cd "$ROOT" && mvn -B -q -o -pl client dependency:build-classpath -Dmdep.outputFile="$CPFILE")
CP="$(cat "$CPFILE")"; rm -f "$CPFILE"
PARTS="${PARTS:-client magics}"
for tree in "$BASE" "$ROOT"; do
  [[ "$PARTS" == *client* ]] || continue
  label="$REV (before)"; [ "$tree" = "$ROOT" ] && label="this tree (after)"
  echo; echo "=================== client bench: $label"
  java -Xmx64m -cp "$tree/client/target/classes:$tree/client/target/test-classes:$CP" dev.jbox.client.bench.ClientBench 3
done
for tree in "$BASE" "$ROOT"; do
  [[ "$PARTS" == *magics* ]] || continue
  label="$REV (before)"; [ "$tree" = "$ROOT" ] && label="this tree (after)"
  echo; echo "=================== magics bench: $label"
  JBOX_ROOT="$tree" /usr/bin/python3 "$ROOT/bench/magics_bench.py" $QUICK
done
