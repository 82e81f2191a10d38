#!/bin/sh
# Runs each Check unit-test binary and prints one closing line:
# "unit: N passed, N failed" (test counts from Check's summaries).
passed=0; failed=0; status=0
# Check's default 4 s per test is about speed, not correctness: on a loaded
# machine, or under the sanitizers, correct tests ran out of it.
CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-120}; export CK_DEFAULT_TIMEOUT
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -E ':(F|E):' || true
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks:' | tail -n 1)
    echo "$(basename "$t"): ${line:-no summary (crashed?)}"
    n=$(echo "$line" | sed -n 's/.*Checks: \([0-9]*\).*/\1/p')
    fl=$(echo "$line" | sed -n 's/.*Failures: \([0-9]*\).*/\1/p')
    er=$(echo "$line" | sed -n 's/.*Errors: \([0-9]*\).*/\1/p')
    if [ -z "$n" ] || [ $rc -ne 0 ]; then status=1; fi
    n=${n:-0}; fl=${fl:-0}; er=${er:-0}
    failed=$((failed + fl + er)); passed=$((passed + n - fl - er))
done
[ $status -ne 0 ] && [ $failed -eq 0 ] && failed=1
echo "unit: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ $status -eq 0 ]
