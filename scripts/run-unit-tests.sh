#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# Runs each Check unit-test binary and prints one closing line:
# "unit: N passed, N failed, N skipped" (test counts from Check's summaries;
# a test that called TREC_SKIP, tests/unit/check_main.h, printed a
# "trec-skip:" line and counts as skipped, not passed). With
# TREC_REQUIRE_DATASETS set (CI, which installs the data), a skip fails.
passed=0; failed=0; skipped=0; status=0
# Check's default 4 s per test is about speed, not correctness: on a loaded
# machine, or under the sanitizers, correct tests ran out of it.
CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-120}; export CK_DEFAULT_TIMEOUT
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -E ':(F|E):|^trec-skip:' || true
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks:' | tail -n 1)
    sk=$(printf '%s\n' "$out" | grep -c '^trec-skip:')
    echo "$(basename "$t"): ${line:-no summary (crashed?)}, skipped: $sk"
    n=$(echo "$line" | sed -n 's/.*Checks: \([0-9]*\).*/\1/p')
    fl=$(echo "$line" | sed -n 's/.*Failures: \([0-9]*\).*/\1/p')
    er=$(echo "$line" | sed -n 's/.*Errors: \([0-9]*\).*/\1/p')
    if [ -z "$n" ] || [ $rc -ne 0 ]; then status=1; fi
    n=${n:-0}; fl=${fl:-0}; er=${er:-0}
    failed=$((failed + fl + er)); passed=$((passed + n - fl - er - sk))
    skipped=$((skipped + sk))
done
[ $status -ne 0 ] && [ $failed -eq 0 ] && failed=1
if [ -n "${TREC_REQUIRE_DATASETS:-}" ] && [ $skipped -gt 0 ]; then
    echo "unit: TREC_REQUIRE_DATASETS is set but $skipped tests skipped"
    status=1
fi
echo "unit: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] && [ $status -eq 0 ]
