#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# run.sh BUILD_DIR [TEST-FILE...] - runs every tests/cli/test-*.sh and prints the closing
# line "cli: N passed, N failed, N skipped".
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BIN=$(cd "${1:-build}" && pwd)
export BIN FIX="$root/tests/fixtures" ROOT="$root"
export ML="${TREC_ML_SMALL:-$root/../shared/datasets/ml-latest-small}"
export RESULTS=$(mktemp)
export PATH="$BIN:$PATH"
scratch=$(mktemp -d)
# run.sh BUILD_DIR TEST-FILE...: only those files (while developing)
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- "$here"/test-*.sh
for t in "$@"; do
    [ -e "$t" ] || continue
    t=$(cd "$(dirname "$t")" && pwd)/$(basename "$t")
    before=$(wc -l <"$RESULTS")
    T="$scratch/$(basename "$t" .sh)"; mkdir -p "$T"; export T
    (cd "$T" && . "$here/lib.sh" && . "$t")
    n=$(($(wc -l <"$RESULTS") - before))
    r=$(tail -n "$n" "$RESULTS")
    echo "$(basename "$t"): $(printf '%s\n' "$r" | grep -c -e pass -e fail) checks," \
        "$(printf '%s\n' "$r" | grep -c fail) failed, $(printf '%s\n' "$r" | grep -c skip) skipped"
done
passed=$(grep -c pass "$RESULTS"); failed=$(grep -c fail "$RESULTS")
skipped=$(grep -c skip "$RESULTS")
rm -rf "$scratch" "$RESULTS"
echo "cli: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
