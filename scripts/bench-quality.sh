#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# bench-quality.sh BUILD_DIR - the quality benchmark (make bench, section
# "quality"): every algorithm on ml-latest-small, settings chosen on
# validation splits carved from train, never on test.
#
# For each seed s in $TREC_QUALITY_SEEDS (default 0 1 2 3 4):
#   trec-split ratings -> train_s / test_s (80/20, seed s), then
#   trec-split train_s -> fit_s / valid_s (80/20, seed 100 + s).
# 1. Every candidate setting below is fitted on fit_s and evaluated on
#    valid_s (standard convention: train items excluded, positives rating
#    >= 4, binary gain); per algorithm, the candidate with the best NDCG@10
#    averaged over the seeds is chosen.
# 2. The chosen setting is fitted on train_s and evaluated on test_s in both
#    conventions (train items excluded; all items ranked, the walkthrough's).
# 2b. The same for the walkthrough convention (all items ranked): the
#    candidate with the best mean validation all-items recall@10.
# Prints a Markdown table (mean and standard deviation over the seeds) and
# keeps every figure in $W/{valid,test}.tsv.
# TREC_QUALITY_GRID=small (default) or full (more candidates: slower).
# TREC_QUALITY_ALGORITHMS: only these algorithms' candidates (space-separated
# names of the first column below; default all).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
B=$(cd "${1:-build}" 2>/dev/null && pwd) || { echo "bench-quality.sh: error: no build dir '${1:-build}'" >&2; exit 1; }
ML=${TREC_ML_SMALL:-$root/../shared/datasets/ml-latest-small}
W=${TREC_BENCH_DIR:-/tmp/trec-bench-$(id -un 2>/dev/null || id -u)}/quality
SEEDS=${TREC_QUALITY_SEEDS:-0 1 2 3 4}
GRID=${TREC_QUALITY_GRID:-small}
ALGOS=${TREC_QUALITY_ALGORITHMS:-}
EVAL="--gain binary --min-rating 4 --tsv -q"
[ -f "$ML/ratings.csv" ] || { echo "bench-quality.sh: no ml-latest-small at $ML: skipped"; exit 0; }
mkdir -p "$W" || exit 1
die() { echo "bench-quality.sh: error: $*" >&2; exit 1; }
now() { date +%s.%N; }

# candidates: lines ALGORITHM<TAB>trec-fit options
candidates() {
    printf 'tensorrec\t--loss wmrb --min-rating 4 --components 10 --alpha 3e-4 --sampled-items 1000\n'
    # EASE: ratings >= 4 weigh 1 and the others --other-weight (binary), or
    # their values (--values raw: 4 to 5, so lambda about 20 times larger);
    # EDLAE's --dropout and --user-exponent (trec-fit(1))
    for l in 100 150 200 300 400; do for w in 0.2 0.3 0.4 0.5; do
        printf 'ease\t--algorithm ease --lambda %s --min-rating 4 --other-weight %s\n' "$l" "$w"
    done; done
    for p in 0.05 0.2; do
        printf 'ease\t--algorithm ease --lambda 200 --min-rating 4 --other-weight 0.4 --dropout %s\n' "$p"
    done
    for l in 70 100; do
        printf 'ease\t--algorithm ease --lambda %s --min-rating 4 --other-weight 0.4 --user-exponent 0.1\n' "$l"
    done
    for l in 3000 4000 5000; do
        printf 'ease\t--algorithm ease --lambda %s --min-rating 4 --values raw --other-weight 1.8\n' "$l"
    done
    for l in 1000 1500 2000; do
        printf 'ease\t--algorithm ease --lambda %s --min-rating 4 --values raw --other-weight 1.8 --user-exponent 0.1\n' "$l"
    done
    for k in 64 128; do for l in 0.003 0.01 0.03; do for a in 1 3; do
        printf 'als\t--algorithm als --components %s --lambda %s --lambda-exponent 1 --confidence-scale %s --min-rating 4 --other-weight 0.3\n' "$k" "$l" "$a"
    done; done; done
    if "$B/trec-fit" --algorithm sgd --help >/dev/null 2>&1; then
        # sgd's --alpha shrinks the weights a step touches (trec-fit(1)); WARP
        # gains from 1-2 on ml-latest-small (validation split of seed 0)
        for k in 64 128; do for a in 1 2; do
            printf 'sgd\t--loss warp --components %s --alpha %s --epochs 60 --min-rating 4\n' "$k" "$a"
            printf 'sgd-hybrid\t--loss warp --components %s --alpha %s --epochs 80 --min-rating 4 --item-features %s\n' "$k" "$a" "$W/genres.csr"
        done; done
        # more epochs and more negatives tried per positive (--max-sampled)
        for e in 100 150; do for m in 10 50; do
            printf 'sgd\t--loss warp --components 64 --alpha 2 --epochs %s --max-sampled %s --min-rating 4\n' "$e" "$m"
        done; done
        printf 'sgd\t--loss warp --components 128 --alpha 2 --epochs 100 --max-sampled 50 --min-rating 4\n'
        # training positives from 3.5 (evaluation's stay >= 4): the best of
        # a search on the validation splits for the all-items convention
        # (README, "Walkthrough convention")
        printf 'sgd\t--loss warp --components 64 --alpha 2 --epochs 100 --max-sampled 50 --min-rating 3.5\n'
        printf 'sgd-hybrid\t--loss warp --components 64 --alpha 2.25 --epochs 110 --max-sampled 50 --min-rating 3.5 --item-features %s\n' "$W/genres.csr"
    fi
    [ "$GRID" = full ] || return 0
    for l in 50 800; do for w in 0.3 0.7; do
        printf 'ease\t--algorithm ease --lambda %s --min-rating 4 --other-weight %s\n' "$l" "$w"
    done; done
    for e in 30 120; do
        printf 'sgd\t--loss warp --components 64 --alpha 2 --epochs %s --min-rating 4\n' "$e"
    done
    for k in 32 256; do
        printf 'als\t--algorithm als --components %s --lambda 0.01 --lambda-exponent 1 --confidence-scale 3 --min-rating 4 --other-weight 0.3\n' "$k"
    done
}

# metric FILE RANKING RANKER METRIC: one value of a trec-eval --tsv report
metric() {
    awk -F'\t' -v g="$2" -v r="$3" -v m="$4" '$1 == "test" && $2 == g && $3 == r && $4 == m { print $5 }' "$1"
}

prepare() {
    "$B/trec-ingest" -q "$ML/ratings.csv" -o "$W/all.csr" &&
    "$B/trec-ingest" -q --item-features "$ML/movies.csv" --align "$W/all.csr" \
        -o "$W/genres.csr" || die "ingest failed"
    for s in $SEEDS; do
        "$B/trec-split" -q "$W/all.csr" --train "$W/train$s.csr" --test "$W/test$s.csr" \
            --test-fraction 0.2 --seed "$s" &&
        "$B/trec-split" -q "$W/train$s.csr" --train "$W/fit$s.csr" --test "$W/valid$s.csr" \
            --test-fraction 0.2 --seed $((100 + s)) || die "split failed"
    done
}

# evaluate MODEL TEST TRAIN: both conventions into $W/x.tsv (train items
# excluded) and $W/a.tsv (all items ranked)
evaluate() {
    # shellcheck disable=SC2086
    "$B/trec-eval" "$1" --test "$2" --train "$3" --exclude-train $EVAL >"$W/x.tsv" &&
    "$B/trec-eval" "$1" --test "$2" --train "$3" $EVAL >"$W/a.tsv" || die "eval failed"
}

# validate: every candidate on every fit/valid pair -> $W/valid.tsv
# (algorithm, options, seed, recall@10, NDCG@10, all-items recall@10)
validate() {
    : >"$W/valid.tsv"
    candidates | while IFS="$(printf '\t')" read -r algo opts; do
        case " ${ALGOS:-$algo} " in *" $algo "*) ;; *) continue ;; esac
        for s in $SEEDS; do
            # shellcheck disable=SC2086
            "$B/trec-fit" -q "$W/fit$s.csr" -o "$W/m.trec" $opts || die "fit failed: $opts"
            evaluate "$W/m.trec" "$W/valid$s.csr" "$W/fit$s.csr"
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$algo" "$opts" "$s" \
                "$(metric "$W/x.tsv" exclude-train model recall@10)" \
                "$(metric "$W/x.tsv" exclude-train model ndcg@10)" \
                "$(metric "$W/a.tsv" all-items model recall@10)" >>"$W/valid.tsv"
        done
    done
}

# best ALGORITHM COLUMN: the options with the best mean validation value of
# COLUMN (5: NDCG@10 for the standard convention, 6: all-items recall@10)
best() {
    awk -F'\t' -v a="$1" -v c="$2" '$1 == a { n[$2]++; s[$2] += $c }
        END { for (o in n) if (!(b in s) || s[o] / n[o] > s[b] / n[b]) b = o; print b }' "$W/valid.tsv"
}

# test: the chosen settings on every train/test pair -> $W/test.tsv
# (name, convention, options, seed, recall, precision, NDCG, all-items recall, fit s)
test_chosen() {
    : >"$W/test.tsv"
    for algo in $(awk -F'\t' '!seen[$1]++ { print $1 }' "$W/valid.tsv"); do
        for conv in standard walkthrough; do
            col=5; [ "$conv" = walkthrough ] && col=6
            opts=$(best "$algo" "$col")
            for s in $SEEDS; do
                t0=$(now)
                # shellcheck disable=SC2086
                "$B/trec-fit" -q "$W/train$s.csr" -o "$W/m.trec" $opts || die "fit failed: $opts"
                t1=$(now)
                evaluate "$W/m.trec" "$W/test$s.csr" "$W/train$s.csr"
                for r in model most-popular; do
                    name=$algo
                    [ "$r" = most-popular ] && name=most-popular
                    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$conv" "$opts" "$s" \
                        "$(metric "$W/x.tsv" exclude-train "$r" recall@10)" \
                        "$(metric "$W/x.tsv" exclude-train "$r" precision@10)" \
                        "$(metric "$W/x.tsv" exclude-train "$r" ndcg@10)" \
                        "$(metric "$W/a.tsv" all-items "$r" recall@10)" \
                        "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" >>"$W/test.tsv"
                done
            done
        done
    done
}

report() {
    echo "### Quality on ml-latest-small (seeds $SEEDS; mean ± sd over the seeds)"
    echo
    echo "Test split, positives rating >= 4, binary NDCG. Standard convention: each user's"
    echo "train items excluded from its ranking (the setting chosen by validation NDCG@10);"
    echo "walkthrough convention: all items ranked (the setting chosen by validation"
    echo "all-items recall@10). Validation: the train split split again 80/20; never test."
    echo
    echo "| algorithm | recall@10 | precision@10 | NDCG@10 | fit s | setting | recall@10, all items | setting (all items) |"
    echo "|---|---|---|---|---|---|---|---|"
    awk -F'\t' -v w="$W/" '
        { k = $1 SUBSEP $2; i = index($3, w); if (i) $3 = substr($3, 1, i - 1) substr($3, i + length(w)); if (!($1 in seen)) { seen[$1] = 1; order[++m] = $1 }
          n[k]++; opt[k] = $3; for (c = 5; c <= 9; c++) { s[k, c] += $c; q[k, c] += $c * $c } }
        function ms(k, c, f,   mu, sd) {
            mu = s[k, c] / n[k]; sd = q[k, c] / n[k] - mu * mu; sd = sd > 0 ? sqrt(sd) : 0
            return sprintf(f, mu, sd)
        }
        END { for (i = 1; i <= m; i++) { a = order[i]; st = a SUBSEP "standard"; wt = a SUBSEP "walkthrough"
              pop = a == "most-popular"
              printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", a, ms(st, 5, "%.4f ± %.4f"),
                  ms(st, 6, "%.4f ± %.4f"), ms(st, 7, "%.4f ± %.4f"), pop ? "-" : ms(st, 9, "%.2f"),
                  pop ? "" : "`" opt[st] "`", ms(wt, 8, "%.4f ± %.4f"),
                  pop ? "" : opt[wt] == opt[st] ? "(same)" : "`" opt[wt] "`" } }' "$W/test.tsv"
}

prepare
validate
test_chosen
report
