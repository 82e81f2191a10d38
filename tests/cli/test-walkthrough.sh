# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-walkthrough.sh - scripts/getting-started.sh (make demo), end to end:
# on the synthetic samples of datasets/samples always, on ml-latest-small
# when present. The figures are checked against the tools themselves (trec-eval's
# table, trec-recommend's titles, trec-info's dump), never against constants,
# except the walkthrough's own claim that WMRB beats RMSE by far.
GS=$ROOT/scripts/getting-started.sh
# The committed samples, under the file names of a MovieLens directory.
SAMPLES=$T/samples
mkdir -p "$SAMPLES"
cp "$ROOT/datasets/samples/synth-ratings.csv" "$SAMPLES/ratings.csv"
cp "$ROOT/datasets/samples/synth-movies.csv" "$SAMPLES/movies.csv"

# wt_recall OUT TITLE SPLIT: the Train or Test value of the "Recall at 10"
# line under the heading TITLE in the script's output OUT.
wt_recall() {
    awk -v h="$2:" -v s="$3:" '$0 == h { getline; for (i = 1; i < NF; i++) if ($i == s) { print $(i + 1); exit } }' "$1"
}
# wt_section OUT START: the lines after the heading starting with START, up
# to the next heading (a line not starting with a blank).
wt_section() {
    awk -v p="$2" 'index($0, p) == 1 { on = 1; next } on && /^[^ ]/ { exit } on' "$1"
}
# wt_checks OUT WORK USER LABEL: the assertions shared by both datasets.
wt_checks() {
    out=$1 work=$2 u=$3 label=$4
    n=$(grep -cE '^Recall at 10: Train: [0-9]+\.[0-9]{6} Test: [0-9]+\.[0-9]{6}$' "$out")
    eq "$label: four model recall lines and the baseline's" "$n" 5
    bad=
    for m in "Matrix factorization collaborative filter" "WMRB matrix factorization collaborative filter" \
        "Content-based recommender" "Hybrid recommender"; do
        for sp in Train Test; do
            v=$(wt_recall "$out" "$m" "$sp")
            awk -v v="$v" 'BEGIN { exit !(v != "" && v + 0 >= 0 && v + 0 <= 1) }' || bad="$bad $m/$sp=[$v]"
        done
    done
    eq "$label: recall values in [0, 1]" "$bad" ""

    # The printed hybrid test recall is trec-eval's own (its table's text).
    want=$(trec-eval "$work/hybrid.trec" --test "$work/test.csr" --train "$work/train.csr" -k 10 \
        --min-rating 4 -q | awk '/^test / { t = 1 } t && $1 == "model" { print $2; exit }')
    eq "$label: hybrid test recall is trec-eval's" "$(wt_recall "$out" "Hybrid recommender" Test)" "$want"
    want=$(trec-eval "$work/wmrb.trec" --test "$work/test.csr" --train "$work/train.csr" -k 10 \
        --min-rating 4 -q | awk '/^train / { t = 1 } t && $1 == "model" { print $2; exit }')
    eq "$label: WMRB train recall is trec-eval's" \
        "$(wt_recall "$out" "WMRB matrix factorization collaborative filter" Train)" "$want"

    # Titles: every titled line (liked, held out, recommended) carries the
    # title trec-recommend gives that item (lib/serve/titles.c: an independent CSV
    # reader), so the script's awk CSV splitter reads quotes and commas right.
    trec-recommend "$work/hybrid.trec" --user "$u" -k 100000 --titles "$ML_DIR/movies.csv" --no-header |
        awk -F'\t' '{ print $3 "\t" $5 }' | sort >"$label.titles"
    { wt_section "$out" "User $u liked"; wt_section "$out" "User $u's held-out"; } |
        sed -n 's/^ *\([0-9][0-9]*\)  \(.*\)$/\1	\2/p' >"$label.listed"
    { wt_section "$out" "User $u recommendations (hybrid"; wt_section "$out" "User $u recommendations without"; } |
        sed -n 's/^ *[0-9][0-9]*\. *\([0-9][0-9]*\)  \(.*\)$/\1	\2/p' >>"$label.listed"
    sort -u "$label.listed" >"$label.listed.sorted"
    missing=$(comm -23 "$label.listed.sorted" "$label.titles" | head -n 3)
    eq "$label: listed titles match trec-recommend's" "$missing" ""

    # Liked and held-out lists: exactly the user's >= 4 entries of train / test.
    wt_section "$out" "User $u liked" | awk '{ print $1 }' | sort >"$label.liked"
    trec-info --dump "$work/train.csr" | awk -F'\t' -v u="$u" '$1 == u && $3 >= 4 { print $2 }' | sort >"$label.liked.want"
    same "$label: liked = the user's train ratings >= 4" "$label.liked" "$label.liked.want"
    wt_section "$out" "User $u's held-out" | awk '{ print $1 }' | sort >"$label.held"
    trec-info --dump "$work/test.csr" | awk -F'\t' -v u="$u" '$1 == u && $3 >= 4 { print $2 }' | sort >"$label.held.want"
    same "$label: held out = the user's test ratings >= 4" "$label.held" "$label.held.want"

    wt_section "$out" "User $u recommendations (hybrid" >"$label.recs"
    n=$(grep -cE '^ *([1-9]|10)\. +[0-9]+  [^ (].*[^ ]$' "$label.recs")
    eq "$label: 10 titled recommendations for user $u" "$n" 10
    wt_section "$out" "User $u recommendations without" >"$label.recs-ex"
    n=$(grep -cE '^ *([1-9]|10)\. +[0-9]+  [^ (].*[^ ]$' "$label.recs-ex")
    eq "$label: 10 titled recommendations with --exclude train.csr" "$n" 10
    awk '{ print $2 }' "$label.recs-ex" | sort >"$label.recs-ex.ids"
    trec-info --dump "$work/train.csr" | awk -F'\t' -v u="$u" '$1 == u { print $2 }' | sort >"$label.train.ids"
    eq "$label: the exclude list has none of the user's train items" \
        "$(comm -12 "$label.recs-ex.ids" "$label.train.ids" | head -n 3)" ""
    contains "$label: elapsed time" "$out" "Done in "
}

# ---- the synthetic samples (always) ----
# The sample user with the most likes (ratings >= 4), so that train and test
# both have some.
SU=$(awk -F, 'NR > 1 && $3 >= 4 { c[$1]++ } END { for (u in c) if (c[u] > m) { m = c[u]; b = u } print b }' "$SAMPLES/ratings.csv")
ML_DIR=$SAMPLES
ok "samples: getting-started.sh --user $SU" \
    env TREC_ML_SMALL="$SAMPLES" TREC_WORK="$T/s1" sh -c '"$0" --user "$1" "$2" >"$3"' "$GS" "$SU" "$BIN" "$T/s1.out"
wt_checks "$T/s1.out" "$T/s1" "$SU" samples

# Per-user recall line: trec-eval --per-user's value for the user.
want=$(trec-eval "$T/s1/hybrid.trec" --test "$T/s1/test.csr" --train "$T/s1/train.csr" -k 10 --min-rating 4 \
    --per-user pu.tsv -q -o /dev/null && awk -F'\t' -v u="$SU" '$1 == u && $2 == "test" { print $3 }' pu.tsv)
contains "samples: the user's own recall@10" "$T/s1.out" "Recall at 10 for user $SU: $want ("

# The default user 433 is not in the samples: the first user is shown.
ok "samples: default user absent" \
    env TREC_ML_SMALL="$SAMPLES" TREC_WORK="$T/s2" sh -c '"$0" --seed 2 "$1" >"$2"' "$GS" "$BIN" "$T/s2.out"
first=$(awk -F, 'NR == 2 { print $1 }' "$SAMPLES/ratings.csv")
contains "samples: the first user stands in for 433" "$T/s2.out" "(user 433 is not in this dataset: showing user $first)"
contains "samples: --seed reaches the split" "$T/s2.out" "Random 80/20 split (seed 2)"
if cmp -s "$T/s1/train.csr" "$T/s2/train.csr"; then
    fail_ "samples: seeds 1 and 2 split differently" "same train.csr"
else
    pass_ "samples: seeds 1 and 2 split differently"
fi
fails "an explicit --user that does not exist" 1 "--user 999999: no such user in" \
    env TREC_ML_SMALL="$SAMPLES" TREC_WORK="$T/s3" "$GS" --user 999999 "$BIN"
mkdir -p empty
fails "TREC_ML_SMALL without ratings.csv" 1 "empty has no ratings.csv and movies.csv" env TREC_ML_SMALL="$T/empty" TREC_WORK="$T/s4" "$GS" "$BIN"
fails "an unknown option" 2 "unknown option '--bogus'" "$GS" --bogus "$BIN"
fails "a missing build directory" 1 "no build directory" env TREC_ML_SMALL="$SAMPLES" "$GS" "$T/no-such-build"
# A tool failing mid-way is reported with the step and the tool's message.
mkdir -p brokenbin
for t in trec-ingest trec-split trec-info trec-eval trec-recommend; do ln -sf "$BIN/$t" brokenbin/$t; done
printf '#!/bin/sh\necho "trec-fit: error: simulated failure" >&2\nexit 1\n' >brokenbin/trec-fit
chmod +x brokenbin/trec-fit
fails "a failing tool stops the script" 1 "fitting RMSE matrix factorization failed" env TREC_ML_SMALL="$SAMPLES" TREC_WORK="$T/s5" "$GS" "$T/brokenbin"
contains "the failure names the step and the tool's message" .err "fitting RMSE matrix factorization failed"
contains "the tool's own message is shown" .err "simulated failure"

# ---- ml-latest-small ----
if have_ml; then
    ML_DIR=$ML
    ok "ml-latest-small: getting-started.sh" \
        env TREC_ML_SMALL="$ML" TREC_WORK="$T/ml" sh -c '"$0" "$1" >"$2"' "$GS" "$BIN" "$T/ml.out"
    wt_checks "$T/ml.out" "$T/ml" 433 ml
    wmrb=$(wt_recall "$T/ml.out" "WMRB matrix factorization collaborative filter" Test)
    rmse=$(wt_recall "$T/ml.out" "Matrix factorization collaborative filter" Test)
    if awk -v w="$wmrb" -v r="$rmse" 'BEGIN { exit !(w > 0.05 && w > r) }'; then
        pass_ "ml: WMRB MF test recall@10 > 0.05 and > RMSE MF's ($wmrb vs $rmse)"
    else
        fail_ "ml: WMRB MF test recall@10 > 0.05 and > RMSE MF's" "WMRB $wmrb, RMSE $rmse"
    fi
else
    skip_ml "ml-latest-small walkthrough"
fi

# ---- scripts/reproduce-walkthrough.sh, on the samples ----
RW=$ROOT/scripts/reproduce-walkthrough.sh
ok "reproduce: 2 seeds and an extra configuration" \
    env TREC_ML_SMALL="$SAMPLES" TREC_WORK="$T/r" sh -c '"$0" --seeds 2 --config "$1" "$2" >"$3"' \
    "$RW" "k3=--components 3 --loss wmrb --min-rating 4" "$BIN" "$T/r.out"
for row in "RMSE MF (k=5)" "WMRB MF (k=5)" "content (genres)" "hybrid (k=5)" "recommended (hybrid, k=10)" \
    "k3 " "most-popular (baseline)"; do
    n=$(grep -c "^$row.*| .* +- .* +- .* | .* +- " "$T/r.out")
    eq "reproduce: one row '$row'" "$n" 1
done
# Per-seed values are trec-eval's on the seed's split (the chain: split,
# fit with the row's options, eval, JSON parsing), and the table's means
# and standard deviations are those of the per-seed values.
trec-ingest -q "$SAMPLES/ratings.csv" -o r.csr; made "r.csr"
trec-split -q r.csr --train r-train.csr --test r-test.csr --test-fraction 0.2 --seed 2; made "r-train.csr"
trec-fit -q r-train.csr -o r-k3.trec --components 3 --loss wmrb --min-rating 4; made "r-k3.trec"
want=$(trec-eval r-k3.trec --test r-test.csr --train r-train.csr -k 10 --min-rating 4 --exclude-train -q |
    awk '/^test / { t = 1 } t && $1 == "model" { print $2; exit }')
got=$(awk -F'\t' '$1 == "k3" && $2 == 2 { print $5 }' "$T/r/results.tsv")
eq "reproduce: seed 2's --exclude-train test recall is trec-eval's" "$got" "$want"
for m in "hybrid|hybrid (k=5)" "wmrb|WMRB MF (k=5)" "k3|k3"; do
    name=${m%%|*} label=${m#*|}
    want=$(awk -F'\t' -v m="$name" '$1 == m { n++; s += $4; q += $4 * $4 } END {
        a = s / n; v = (q - n * a * a) / (n - 1); if (v < 0) v = 0; printf "%.4f +- %.4f", a, sqrt(v) }' "$T/r/results.tsv")
    grep "^$label " "$T/r.out" >r-row
    contains "reproduce: $name's test mean +- std from the per-seed values" r-row "| $(awk -F'\t' -v m="$name" \
        '$1 == m { n++; s += $3; q += $3 * $3 } END { a = s / n; v = (q - n * a * a) / (n - 1); if (v < 0) v = 0
        printf "%.4f +- %.4f", a, sqrt(v) }' "$T/r/results.tsv")  $want "
done
fails "reproduce: --seeds 0" 2 "--seeds: '0' is not a positive integer" "$RW" --seeds 0 "$BIN"
fails "reproduce: --only-configs without --config" 1 "no model to fit (--only-configs without --config)" env TREC_ML_SMALL="$SAMPLES" "$RW" --only-configs "$BIN"
fails "reproduce: a bad --config" 1 "--config needs NAME=OPTIONS" env TREC_ML_SMALL="$SAMPLES" "$RW" --config "no-equals-sign" "$BIN"
