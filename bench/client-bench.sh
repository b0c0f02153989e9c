#!/usr/bin/env bash
# Figures of the sandbox client (issue 3), side by side with their references in one run.
# Usage: bench/client-bench.sh [ROUNDS]   (heap capped at 64 MB: finishing at all shows the bound holds)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -B -q -o -pl client test-compile
CP="$(mvn -B -q -o -pl client dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" # Jackson: the local sandbox's records
exec java -Xmx64m -cp "client/target/classes:client/target/test-classes:$CP" dev.jbox.client.bench.ClientBench "$@"
