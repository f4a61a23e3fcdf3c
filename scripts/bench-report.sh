#!/usr/bin/env bash
# Collection report: collectionReport for the last month grouped by CATEGORY × AREA and
# CATEGORY × AREA × DAY, over the rollups of 10k and of 1M completed orders (benchmark, not
# a test). Targets: p99 at 1M within 1.5× of p99 at 10k; CATEGORY × AREA × DAY under 50 ms.
#
#   scripts/bench-report.sh                                # SQLite (fresh files in a temp dir)
#   DATABASE_URL=postgres://…/postgres scripts/bench-report.sh
#                                        # PostgreSQL: fresh database reloop_report_<time>_<pid>,
#                                        # dropped at the end (KEEP_DB=1 keeps it)
#   SERVICES=1 scripts/bench-report.sh   # throwaway PostgreSQL (scripts/services.sh)
#
# Everything happens in examples/bench_collection_report.rs; see its header for the
# workload and what is timed. Environment (passed through): ORDERS=10000,1000000
# SAMPLES=200 WARMUP=20; SKIP_BUILD=1 (use the existing release binary).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/bench.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/bench.sh"
bench_init bench-report

bench_build --example bench_collection_report
bench_services postgres
bench_database reloop_report
log "$BACKEND; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
bench_example bench_collection_report || die "the benchmark failed"
log "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
bench_finish
