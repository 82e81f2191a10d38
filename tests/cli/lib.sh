# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# lib.sh - assertions for the command-line tests (sourced by tests/cli/run.sh).
# Each assertion appends to $RESULTS and prints "FAIL - desc" on failure
# ("ok - desc" too when VERBOSE is set: make test VERBOSE=1).
#   ok DESC CMD...          CMD must exit 0
#   fails DESC CODE MSG CMD...  CMD must exit with status CODE (1 for a failure,
#                           2 for a usage error), print "error:" and the fixed
#                           string MSG (what the error is about) on stderr, and
#                           not crash. The old form "fails DESC CMD..." (any
#                           non-zero status, any message) is itself a failure.
#   same DESC FILE1 FILE2   files must be byte-identical
#   eq DESC GOT WANT        strings must be equal
#   contains DESC FILE PAT  FILE must contain the fixed string PAT
#   CMD...; made WHAT       the fixture-making CMD just run must have exited 0
#                           (its failure would let later checks pass or fail
#                           for the wrong reason)
#   CMD >FILE; made -s FILE  the same, and FILE must not be empty: for an output
#                           compared next with another (two empty files are
#                           "the same"), or made by a pipeline (whose status is
#                           its last command's)
#   skip DESC               a group of checks that cannot run here (counted,
#                           printed as "SKIP - desc")
#   skip_ml DESC            the same for want of ml-latest-small; a failure
#                           when TREC_REQUIRE_DATASETS is set (CI)
# Variables: $BIN (built tools), $T (a scratch dir per test file),
# $FIX (tests/fixtures), $ML (ml-latest-small dir, may not exist).

pass_() { [ -n "${VERBOSE:-}" ] && echo "ok - $1"; echo pass >>"$RESULTS"; }
fail_() { echo "FAIL - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /' | head -n 20; echo fail >>"$RESULTS"; }

ok() {
    d=$1; shift
    if out=$("$@" 2>&1); then pass_ "$d"; else fail_ "$d" "exit $?: $out"; fi
}

fails() {
    d=$1; shift
    want_rc=""; want_msg=""
    case ${1:-} in
    [0-9] | [0-9][0-9] | [0-9][0-9][0-9])
        [ $# -ge 3 ] && [ -n "$2" ] || { fail_ "$d" "fails: wants DESC CODE MSG CMD..."; return; }
        want_rc=$1; want_msg=$2; shift 2 ;;
    *) fail_ "$d" "fails: old form (no exit status, no message): wants DESC CODE MSG CMD..."; return ;;
    esac
    "$@" >"$T/.out" 2>"$T/.err"; rc=$?
    if [ $rc -eq 0 ]; then
        fail_ "$d" "expected failure, got exit 0"
    elif grep -qiE 'AddressSanitizer|runtime error|Segmentation|Aborted' "$T/.err" || [ $rc -gt 128 ]; then
        fail_ "$d" "crashed (exit $rc): $(cat "$T/.err")"
    elif [ $rc -ne "$want_rc" ]; then
        fail_ "$d" "exit $rc, expected $want_rc: $(cat "$T/.err")"
    elif ! grep -q 'error:' "$T/.err"; then
        fail_ "$d" "no \"error:\" on stderr: $(cat "$T/.err")"
    elif ! grep -qF -- "$want_msg" "$T/.err"; then
        fail_ "$d" "'$want_msg' not in the message: $(cat "$T/.err")"
    else
        pass_ "$d"
    fi
}

same() {
    if cmp -s "$2" "$3"; then pass_ "$1"; else fail_ "$1" "$2 and $3 differ"; fi
}

eq() {
    if [ "$2" = "$3" ]; then pass_ "$1"; else fail_ "$1" "got:  $2
want: $3"; fi
}

contains() {
    if grep -qF -- "$3" "$2"; then pass_ "$1"; else fail_ "$1" "'$3' not in $2: $(head -c 600 "$2")"; fi
}

made() {
    rc=$?
    if [ "$1" = -s ]; then
        shift
        if [ $rc -ne 0 ]; then fail_ "made $1" "exit $rc"
        elif [ ! -s "$1" ]; then fail_ "made $1" "$1 is empty or missing"
        else pass_ "made $1"; fi
    elif [ $rc -eq 0 ]; then pass_ "made $1"; else fail_ "made $1" "exit $rc"; fi
}

skip() { echo "SKIP - $1"; echo skip >>"$RESULTS"; }
skip_ml() {
    if [ -n "${TREC_REQUIRE_DATASETS:-}" ]; then
        fail_ "$1" "TREC_REQUIRE_DATASETS is set but $ML/ratings.csv is absent"
    else
        skip "$1 ($ML absent)"
    fi
}

have_ml() { [ -f "$ML/ratings.csv" ]; }
