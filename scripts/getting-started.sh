#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# getting-started.sh [--seed N] [--user ID] [BUILD_DIR] - the "Getting Started
# with Recommender Systems and TensorRec" walkthrough with the trec tools, on
# MovieLens ml-latest-small (run by `make demo`).
#
#   1. ingest ratings.csv and the genres of movies.csv
#   2. a seeded random 80/20 split of the ratings (--seed, default 1)
#   3. fit the walkthrough's four models: RMSE matrix factorization, WMRB
#      matrix factorization, content-based (genres only), hybrid
#   4. "Recall at 10: Train: X Test: Y" for each, in the walkthrough's
#      convention (all items ranked, positives = ratings >= 4), next to the
#      most-popular baseline
#   5. for one user (--user, default 433: the walkthrough's internal 432), the
#      movies they liked, the hybrid's top 10 with titles, their held-out
#      movies, and the top 10 without the movies they rated in train
#
# Data: $TREC_ML_SMALL, else <repo>/../shared/datasets/ml-latest-small, else
# fetched (checksums verified) by datasets/fetch-movielens.sh into
# datasets/cache. Files go to $TREC_WORK (kept), else a new temporary
# directory, removed at the end unless --keep is given (make demo KEEP=1). Tools come from BUILD_DIR (default
# <repo>/build). Needs only sh, awk, sed, sort and the trec tools.
set -eu
prog=getting-started.sh
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

. "$here/walkthrough-lib.sh"
usage() {
    cat <<EOF
Usage: $prog [--seed N] [--user ID] [--keep] [BUILD_DIR]
The getting-started walkthrough on MovieLens ml-latest-small with the trec
tools of BUILD_DIR (default: $root/build).

  --seed N     seed of the 80/20 split (default 1)
  --user ID    the user whose recommendations are shown (raw userId, default
               433; when the default is not in the data, its first user)
  --keep       keep the temporary work directory (make demo KEEP=1)
  -h, --help   this help

Environment: TREC_ML_SMALL (dataset directory with ratings.csv and
movies.csv), TREC_WORK (work directory, kept; default: a new temporary one,
removed at the end unless --keep).
EOF
}

# ---- options ----------------------------------------------------------------
seed=1
user=433
user_given=0
keep=0
B=
while [ $# -gt 0 ]; do
    case $1 in
    --seed) [ $# -ge 2 ] || { usage >&2; exit 2; }; seed=$2; shift 2 ;;
    --seed=*) seed=${1#--seed=}; shift ;;
    --user) [ $# -ge 2 ] || { usage >&2; exit 2; }; user=$2; user_given=1; shift 2 ;;
    --user=*) user=${1#--user=}; user_given=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "$prog: error: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    *) [ -z "$B" ] || { echo "$prog: error: one BUILD_DIR only" >&2; exit 2; }; B=$1; shift ;;
    esac
done
case $seed in ''|*[!0-9]*) echo "$prog: error: --seed: '$seed' is not a non-negative integer" >&2; exit 2 ;; esac
case $user in ''|*[!0-9A-Za-z_.-]*) echo "$prog: error: --user: '$user' is not a user id" >&2; exit 2 ;; esac

use_build "$B" trec-ingest trec-split trec-info trec-fit trec-eval trec-recommend

# now(): seconds since 1970 with a fraction when date supports %N.
now() {
    t=$(date +%s.%N 2>/dev/null) || t=
    case $t in *[!0-9.]*|'') date +%s ;; *) echo "$t" ;; esac
}
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t_start=$(now)

# ---- the dataset --------------------------------------------------------------
find_ml

# ---- the work directory ---------------------------------------------------------
if [ -n "${TREC_WORK:-}" ]; then
    mkdir -p "$TREC_WORK" || die "cannot create work directory $TREC_WORK"
    W=$(cd "$TREC_WORK" && pwd)
else
    W=$(mktemp -d "${TMPDIR:-/tmp}/trec-walkthrough.XXXXXX") || die "cannot create a temporary directory"
    # a scratch directory: removed on any exit (also an error) unless --keep
    [ "$keep" = 1 ] || trap 'cd / && rm -rf "$W"' EXIT
fi
cd "$W"


# csv_titles IDS MOVIES: for each movieId of the file IDS (one a line, first
# field), in that order, "movieId TAB title" from the MovieLens MOVIES file.
# A real CSV field splitter (quoted fields, "" escapes, commas in titles); the
# columns are found by their header names movieId and title.
csv_titles() {
    awk '
    function csv_split(line, f,    n, i, c, q, fld, len) {
        if (index(line, "\"") == 0)            # the common case: no quotes
            return split(line, f, ",")
        n = 0; fld = ""; q = 0; len = length(line)
        for (i = 1; i <= len; i++) {
            c = substr(line, i, 1)
            if (q) {
                if (c != "\"") fld = fld c
                else if (substr(line, i + 1, 1) == "\"") { fld = fld "\""; i++ }
                else q = 0
            } else if (c == "\"") q = 1
            else if (c == ",") { f[++n] = fld; fld = "" }
            else fld = fld c
        }
        f[++n] = fld
        return n
    }
    FNR == NR { split($0, a, "\t"); order[++nids] = a[1]; want[a[1]] = 1; next }
    { sub(/\r$/, "") }
    FNR == 1 {
        idc = 1; tc = 2
        n = csv_split($0, f)
        for (i = 1; i <= n; i++) {
            if (f[i] == "movieId") idc = i
            else if (f[i] == "title") tc = i
        }
        if (f[idc] == "movieId") next          # a header line
    }
    {
        csv_split($0, f)
        if (f[idc] in want) title[f[idc]] = f[tc]
    }
    END {
        for (i = 1; i <= nids; i++) {
            id = order[i]
            printf "%s\t%s\n", id, (id in title) ? title[id] : "(no title in movies.csv)"
        }
    }' "$1" "$2"
}

# metric FILE SPLIT RANKER KEY: one value of a trec-eval --tsv report, as
# trec prints it (6 decimals); stops with an error when it is missing or not
# in [0, 1].
metric() {
    v=$(awk -F'\t' -v s="$2" -v r="$3" -v k="$4" '$1 == s && $3 == r && $4 == k { print $5; exit }' "$1")
    case $v in
    ''|*[!0-9.eE+-]*) die "no $4 of $3 on $2 in $1" ;;
    esac
    awk -v v="$v" 'BEGIN { if (v + 0 < 0 || v + 0 > 1) exit 1; print v }' ||
        die "$4 of $3 on $2 in $1 is $v, not in [0, 1]"
}

echo "trec getting-started walkthrough"
echo "  data:  $ML"
echo "  work:  $W (kept)"
echo "  tools: $B"
echo

# ---- 1. interactions and item features --------------------------------------------
echo "== 1. Ingest ratings and genres"
run "ingesting ratings" "$B/trec-ingest" "$ML/ratings.csv" -o ratings.csr -q
run "ingesting genres" "$B/trec-ingest" --item-features "$ML/movies.csv" --align ratings.csr -o genres.csr -q
run "trec-info" "$B/trec-info" ratings.csr genres.csr >info.txt
awk '/^file:/ { f = $2 } /^(shape|nnz):/ { k = $1; sub(/^[a-z]+:[ ]*/, ""); v[f, k] = $0 }
     /^values:/ { sub(/^[a-z]+:[ ]*/, ""); printf "  %-12s %s, %s nonzeros (values %s)\n", f, v[f, "shape:"], v[f, "nnz:"], $0 }' info.txt
# The walkthrough's binarized-genres example: the first item's genres.
first_item=$("$B/trec-info" --dump ratings.csr | awk -F'\t' 'NR == 1 { print $2; exit }')
printf '%s\n' "$first_item" >first.ids
csv_titles first.ids "$ML/movies.csv" >first.titles
"$B/trec-info" --dump genres.csr >genres.tsv
awk -F'\t' -v id="$first_item" '$1 == id { g = g (g == "" ? "" : "|") $2 } END { print g }' genres.tsv >first.genres
echo "  genres of movie $first_item, $(cut -f2 first.titles): $(cat first.genres)"
echo

# ---- 2. split -----------------------------------------------------------------------
echo "== 2. Random 80/20 split (seed $seed)"
run "splitting" "$B/trec-split" ratings.csr --train train.csr --test test.csr --test-fraction 0.2 --seed "$seed"
sed 's/^trec-split: /  /' step.err
echo

# ---- 3. fit -------------------------------------------------------------------------
# The walkthrough's settings; every other option is TensorRec's default
# (--preset tensorrec; a WMRB loss implies it): 100 epochs, Adam learning
# rate 0.1, alpha 1e-5, 1% of the items sampled by WMRB. (trec-fit's own
# default is another model: see README.md, "Defaults".)
echo "== 3. Fit the four models (100 epochs, learning rate 0.1, alpha 1e-5)"
fit() { # NAME DESC OPTIONS...
    name=$1 desc=$2; shift 2
    t=$(now)
    run "fitting $desc" "$B/trec-fit" train.csr -o "$name.trec" -q "$@"
    printf '  %-46s %5s s  trec-fit train.csr -o %s.trec %s\n' "$desc" "$(since "$t")" "$name" "$*"
}
fit rmse "RMSE matrix factorization" --preset tensorrec --components 5
fit wmrb "WMRB matrix factorization" --components 5 --loss wmrb --min-rating 4
fit content "content-based (genres, pass-through)" --item-features genres.csr --no-item-identity \
    --item-repr pass-through --components 20 --loss wmrb --min-rating 4
fit hybrid "hybrid (identity + genres)" --item-features genres.csr --components 5 --loss wmrb --min-rating 4
echo

# ---- 4. evaluate --------------------------------------------------------------------
echo "== 4. Recall at 10 (walkthrough convention: all items ranked, likes = ratings >= 4)"
for name in rmse wmrb content hybrid; do
    run "evaluating $name.trec" "$B/trec-eval" "$name.trec" --test test.csr --train train.csr \
        -k 10 --min-rating 4 --tsv -q -o "$name.tsv"
done
show() { # TITLE REPORT RANKER
    echo "$1:"
    echo "Recall at 10: Train: $(metric "$2" train "$3" recall@10) Test: $(metric "$2" test "$3" recall@10)"
}
show "Matrix factorization collaborative filter" rmse.tsv model
show "WMRB matrix factorization collaborative filter" wmrb.tsv model
show "Content-based recommender" content.tsv model
show "Hybrid recommender" hybrid.tsv model
show "(baseline) Most popular movies of the training set" hybrid.tsv most-popular
echo
echo "A better configuration (see README.md \"Results\" and scripts/reproduce-walkthrough.sh):"
echo "  trec-fit train.csr -o better.trec --item-features genres.csr --loss wmrb --min-rating 4 \\"
echo "      --components 10 --alpha 3e-4 --sampled-items 1000"
echo

# ---- 5. one user's recommendations ------------------------------------------------------
"$B/trec-info" --dump ratings.csr >ratings.tsv
if ! awk -F'\t' -v u="$user" '$1 == u { f = 1; exit } END { exit !f }' ratings.tsv; then
    [ "$user_given" -eq 0 ] || die "--user $user: no such user in $ML/ratings.csv"
    missing=$user
    user=$(awk -F'\t' 'NR == 1 { print $1; exit }' ratings.tsv)
    echo "(user $missing is not in this dataset: showing user $user)"
fi
echo "== 5. Recommendations for user $user"

# liked USER MATRIX OUT: the user's items rated >= 4 in MATRIX, in matrix order.
liked() {
    "$B/trec-info" --dump "$2" | awk -F'\t' -v u="$1" '$1 == u && $3 >= 4 { print $2 }' >"$3"
}
# titled FILE: "  movieId  title" lines of the items of FILE.
titled() {
    if [ -s "$1" ]; then
        csv_titles "$1" "$ML/movies.csv" | awk -F'\t' '{ printf "  %7s  %s\n", $1, $2 }'
    else
        echo "  (none)"
    fi
}
# recommend OUT OPTIONS...: the hybrid's top 10 for the user, titled.
recommend() {
    out=$1; shift
    run "recommending" "$B/trec-recommend" hybrid.trec --user "$user" -k 10 \
        --titles "$ML/movies.csv" --no-header -o "$out" "$@"
    awk -F'\t' '{ printf "  %2d. %7s  %s\n", $2, $3, $5 }' "$out"
}

liked "$user" train.csr liked-train.ids
liked "$user" test.csr liked-test.ids
echo "User $user liked (train, rating >= 4):"
titled liked-train.ids
echo "User $user recommendations (hybrid, top 10; may include movies they rated):"
recommend recs.tsv
echo "User $user's held-out movies (test, rating >= 4):"
titled liked-test.ids
run "per-user evaluation" "$B/trec-eval" hybrid.trec --test test.csr --train train.csr -k 10 \
    --min-rating 4 --per-user per-user.tsv -q -o /dev/null
r=$(awk -F'\t' -v u="$user" '$1 == u && $2 == "test" { print $3; exit }' per-user.tsv)
n=$(awk 'END { print NR }' liked-test.ids)
hits=$(awk -F'\t' 'FNR == NR { h[$1] = 1; next } ($3 in h) { n++ } END { print n + 0 }' liked-test.ids recs.tsv)
if [ -n "$r" ]; then
    echo "Recall at 10 for user $user: $r ($hits of $n held-out likes in the top 10)"
else
    echo "Recall at 10 for user $user: undefined (no held-out likes)"
fi
echo "User $user recommendations without the movies they rated in train (--exclude train.csr):"
recommend recs-exclude.tsv --exclude train.csr
echo
if [ -n "${TREC_WORK:-}" ] || [ "$keep" = 1 ]; then
    echo "Done in $(since "$t_start") s; files in $W"
else
    echo "Done in $(since "$t_start") s; work directory removed (--keep, or make demo KEEP=1, keeps it)"
fi
