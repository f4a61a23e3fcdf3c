#!/usr/bin/env bash
# Retakes the README's pictures of the operator console (docs/console-*.png) from the real
# page over `reloop demo`: runs the one test that takes them, which does nothing unless
# RELOOP_CONSOLE_SCREENSHOTS names the folder. Needs chromium and chromedriver.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export RELOOP_CONSOLE_SCREENSHOTS="$PWD/docs"
cargo nextest run --workspace --no-fail-fast console::screenshots::
ls -l docs/console-*.png
