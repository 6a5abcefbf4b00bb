#!/usr/bin/env bash
# Generation benchmark: the PDF_MAIL sample letter rendered in-process and through
# processUsingXML over HTTP with 1, 2, 4 and 8 clients. Prints docs/s, p50, p99, peak heap.
# Usage: bench/run.sh [seconds-per-step] [warmup-seconds] [threads, e.g. 1,2,4,8]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
warmup=${2:-5}
threads=${3:-1,2,4,8}
mvn -q -B -DskipTests -Dspotless.check.skip=true test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -Xmx1g -Dbench.seconds="$seconds" -Dbench.warmup="$warmup" -Dbench.threads="$threads" -Dbench.mails="${BENCH_MAILS:-500}" \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  org.openccm.bench.GenerationBenchmark
