#!/usr/bin/env bash
# Figures of the sandbox client (issue 3), side by side with their references in one run.
# Usage: bench/client-bench.sh [ROUNDS]   (heap capped at 64 MB: finishing at all shows the bound holds)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -B -q -o -pl client test-compile
CPFILE="$(mktemp)"
mvn -B -q -o -pl client dependency:build-classpath -Dmdep.outputFile="$CPFILE" # Jackson: the local sandbox's records
CP="$(cat "$CPFILE")"; rm -f "$CPFILE"
exec java -Xmx64m -cp "client/target/classes:client/target/test-classes:$CP" dev.jbox.client.bench.ClientBench "$@"
