# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# walkthrough-lib.sh - what getting-started.sh and reproduce-walkthrough.sh
# share (sourced, not run). The sourcing script sets prog and root first.

die() { echo "$prog: error: $*" >&2; exit 1; }

# use_build DIR TOOL...: sets B to the absolute build directory (default
# <repo>/build), which must hold every TOOL.
use_build() {
    dir=${1:-$root/build}
    shift
    B=$(cd "$dir" 2>/dev/null && pwd) || die "no build directory '$dir' (run make first)"
    for t in "$@"; do
        [ -x "$B/$t" ] || die "$B/$t is missing (run make first)"
    done
}

# find_ml: sets ML to ml-latest-small: $TREC_ML_SMALL, else
# <repo>/../shared/datasets/ml-latest-small, else fetched (checksums
# verified) into datasets/cache. Progress goes to standard error.
find_ml() {
    if [ -n "${TREC_ML_SMALL:-}" ]; then
        ML=$TREC_ML_SMALL
        if [ ! -f "$ML/ratings.csv" ] || [ ! -f "$ML/movies.csv" ]; then
            die "TREC_ML_SMALL=$ML has no ratings.csv and movies.csv"
        fi
    elif [ -f "$root/../shared/datasets/ml-latest-small/ratings.csv" ]; then
        ML=$root/../shared/datasets/ml-latest-small
    else
        ML=$root/datasets/cache/ml-latest-small
        if [ ! -f "$ML/ratings.csv" ] || [ ! -f "$ML/movies.csv" ] || [ ! -f "$ML/.trec-sha256" ]; then
            echo "ml-latest-small not found: fetching it with datasets/fetch-movielens.sh" >&2
            "$root/datasets/fetch-movielens.sh" ml-latest-small >&2 ||
                die "could not fetch ml-latest-small (see above; or set TREC_ML_SMALL to a copy)"
        fi
    fi
    ML=$(cd "$ML" && pwd)
}

# run DESC CMD...: runs CMD with its standard error in step.err; on failure,
# stops with DESC and the tool's own error message.
run() {
    desc=$1; shift
    if ! "$@" 2>step.err; then
        msg=$(grep -v '^$' step.err | tail -n 3)
        die "$desc failed: $*${msg:+
$msg}"
    fi
}
