#!/usr/bin/env bash
# Batch benchmark: a print job over N customer rows in PostgreSQL (127.0.0.1:5432, database
# test), spooled by one or two server instances, one-page and five-page letters.
# Usage: bench/batch.sh [records, default 20000] [plan, default 1p:1,1p:2,5p:1,5p:2]
# (five-page runs use a fifth of the records). Prints letters/s, letters/hour and peak heap.
# BENCH_XMX (1g) sets the heap of the measured instance, BENCH_WORKERS (4) its chunk workers,
# BENCH_VOLUME (1000) the documents per merged print volume.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-20000}
plan=${2:-1p:1,1p:2,5p:1,5p:2}
mvn -q -B -DskipTests -Dspotless.check.skip=true test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -Xmx"${BENCH_XMX:-1g}" -Dbench.records="$records" -Dbench.plan="$plan" -Dbench.workers="${BENCH_WORKERS:-4}" -Dbench.volume="${BENCH_VOLUME:-1000}" \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  org.openccm.bench.BatchBenchmark
