#!/usr/bin/env bash
# Custody ledger: verifyCustodyChain for one order of 50 items × 5 events, and the signed
# checkpoint over the whole log, at 10k, 100k and 1M events (benchmark, not a test).
# Targets: checkpoint time 1M / 100k ≈ 10 (linear); verification p50 1M / 10k ≤ 1.5.
#
#   scripts/bench-custody.sh                                # SQLite (a fresh file in TMP/data)
#   DATABASE_URL=postgres://…/postgres scripts/bench-custody.sh
#                                        # PostgreSQL: fresh database reloop_custody_<time>_<pid>,
#                                        # dropped at the end (KEEP_DB=1 keeps it)
#   SERVICES=1 scripts/bench-custody.sh  # throwaway PostgreSQL (scripts/services.sh)
#
# Everything happens in examples/bench_custody.rs, which runs the application in-process
# (`Application::build`: migrations, state, HTTP server on a free port) and fills the log with
# chains sealed by the ledger's own code; see its header for what is timed and how.
# Environment (all optional, passed through): SIZES=10000,100000,1000000 SAMPLES=300
# WARMUP=30 CHECKPOINTS=2 BATCH=5000; SKIP_BUILD=1 (use the existing release binary),
# KEEP_DB=1 (keep the database, and TMP with the SQLite file).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/bench.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/bench.sh"
bench_init bench-custody

bench_build --example bench_custody
bench_services postgres
bench_database reloop_custody
log "$BACKEND; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
bench_example bench_custody || die "the benchmark failed"
log "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
bench_finish
