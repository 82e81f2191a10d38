# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-lib.sh - the assertions of lib.sh can fail: each is run on cases it
# must pass and cases it must fail, in a subshell with its own $RESULTS.
outcome() { # CMD...: "pass" or "fail", what the assertion CMD recorded
    r="$T/lib-results"
    : >"$r"
    (RESULTS=$r; "$@") >/dev/null 2>&1
    tr '\n' ' ' <"$r" | sed 's/ $//'
}
err() { sh -c 'echo "prog: error: $0" >&2; exit "$1"' "$@"; } # MESSAGE STATUS
eq "fails: the exit status and message expected" "$(outcome fails d 1 "bad thing" err "a bad thing" 1)" pass
eq "fails: a usage error is exit 2" "$(outcome fails d 2 "bad thing" err "a bad thing" 2)" pass
eq "fails: another exit status" "$(outcome fails d 2 "bad thing" err "a bad thing" 1)" fail
eq "fails: another message" "$(outcome fails d 1 "other thing" err "a bad thing" 1)" fail
eq "fails: no 'error' on stderr" "$(outcome fails d 1 "thing" sh -c 'echo thing >&2; exit 1')" fail
eq "fails: success" "$(outcome fails d 1 "thing" true)" fail
eq "fails: killed by a signal" "$(outcome fails d 1 "thing" sh -c 'echo "error: thing" >&2; kill -SEGV $$')" fail
eq "fails: a sanitizer report" "$(outcome fails d 1 "thing" err "thing (AddressSanitizer)" 1)" fail
eq "fails: an empty message fragment is refused" "$(outcome fails d 1 "" err "thing" 1)" fail
eq "fails: the old form (no status, no message) is refused" "$(outcome fails d err "a bad thing" 1)" fail
eq "fails: the old form fails even for a real error" "$(outcome fails d sh -c 'echo "prog: error: x" >&2; exit 2')" fail
eq "fails: 'error' without the colon is not an error message" \
    "$(outcome fails d 1 "thing" sh -c 'echo "prog: an error thing" >&2; exit 1')" fail
eq "made: a fixture step that failed" "$(outcome sh -c '. "$0"; false; made x' "$ROOT/tests/cli/lib.sh")" fail
eq "made: one that worked" "$(outcome sh -c '. "$0"; true; made x' "$ROOT/tests/cli/lib.sh")" pass
eq "made -s: a step that worked, its output not empty" \
    "$(outcome sh -c '. "$0"; echo x >"$T/ms"; made -s "$T/ms"' "$ROOT/tests/cli/lib.sh")" pass
eq "made -s: a step that worked with an empty output" \
    "$(outcome sh -c '. "$0"; : >"$T/ms"; made -s "$T/ms"' "$ROOT/tests/cli/lib.sh")" fail
eq "made -s: a step that failed with an output" \
    "$(outcome sh -c '. "$0"; echo x >"$T/ms"; false; made -s "$T/ms"' "$ROOT/tests/cli/lib.sh")" fail
eq "made -s: no output at all" \
    "$(outcome sh -c '. "$0"; rm -f "$T/ms"; made -s "$T/ms"' "$ROOT/tests/cli/lib.sh")" fail
eq "contains: a missing string" "$(outcome contains d "$ROOT/tests/cli/lib.sh" "no such text in lib.sh: 8f2c")" fail
eq "skip: counted apart from passes and failures" "$(outcome skip d)" skip
eq "skip_ml: a failure under TREC_REQUIRE_DATASETS" \
    "$(TREC_REQUIRE_DATASETS=1 outcome skip_ml d)" fail
