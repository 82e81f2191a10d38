#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# bench-tune.sh BUILD_DIR - does trec-tune find good settings by itself?
# (make bench, section "tune"; issue 8: "trec-tune with a 5-minute budget
# finds settings whose test recall@10 (train excluded) is within 0.005 of the
# best hand-found configuration, over seeds 0..4").
#
# For each seed s in $TREC_TUNE_SEEDS (default 0 1 2 3 4), on ml-latest-small:
#   trec-split ratings -> tr_s / te_s (80/20, seed s), as README's "Defaults";
#   trec-split tr_s -> fit_s / va_s (80/20, seed 100 + s);
#   trec-tune fit_s --valid va_s --budget $TREC_TUNE_BUDGET (default 5m)
#     --seed s [--metric $TREC_TUNE_METRIC] (its default space);
#   the winner (the leaderboard's first line) is fitted on tr_s with
#     trec-fit --preset ALGORITHM OPTIONS [--epochs BEST_EPOCH]
#   and evaluated on te_s (trec-eval --standard, recall@10), next to the best
#   documented configuration (README's quality table, $BEST below) and
#   trec-fit's default, fitted on tr_s the same way.
# Prints one line per seed (with trec-tune's wall and CPU seconds and whether
# the budget ran out) and the mean ± sd (n - 1) of each column; keeps the
# leaderboards and trec-tune's standard error in $W.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
B=$(cd "${1:-build}" 2>/dev/null && pwd) || { echo "bench-tune.sh: error: no build dir '${1:-build}'" >&2; exit 1; }
ML=${TREC_ML_SMALL:-$root/../shared/datasets/ml-latest-small}
W=${TREC_BENCH_DIR:-/tmp/trec-bench-$(id -un 2>/dev/null || id -u)}/tune
SEEDS=${TREC_TUNE_SEEDS:-0 1 2 3 4}
BUDGET=${TREC_TUNE_BUDGET:-5m}
METRIC=${TREC_TUNE_METRIC:-}
BEST="--algorithm ease --lambda 1500 --min-rating 4 --values raw --other-weight 1.8 --user-exponent 0.1"
[ -f "$ML/ratings.csv" ] || { echo "bench-tune.sh: no ml-latest-small at $ML: skipped"; exit 0; }
mkdir -p "$W" || exit 1
die() { echo "bench-tune.sh: error: $*" >&2; exit 1; }

# recall MODEL SEED: test recall@10, standard convention
recall() {
    "$B/trec-eval" "$1" --test "$W/te$2.csr" --train "$W/tr$2.csr" --standard -k 10 --tsv -q |
        awk -F'\t' '$1 == "test" && $3 == "model" && $4 == "recall@10" { print $5 }'
}

"$B/trec-ingest" -q "$ML/ratings.csv" -o "$W/all.csr" || die "ingest failed"
m=${METRIC:+--metric $METRIC}
echo "   trec-tune --budget $BUDGET ${METRIC:+--metric $METRIC }(default space), seeds: $SEEDS"
printf '   %-4s %9s %9s %9s %9s  %-s\n' seed best-doc default tune "tune-best" "winner; trec-tune wall/CPU s, budget"
: >"$W/r.tsv"
for s in $SEEDS; do
    "$B/trec-split" -q "$W/all.csr" --train "$W/tr$s.csr" --test "$W/te$s.csr" --seed "$s" || die "split failed"
    "$B/trec-split" -q "$W/tr$s.csr" --train "$W/fit$s.csr" --test "$W/va$s.csr" --seed $((100 + s)) ||
        die "split failed"
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086
    /usr/bin/time -f '%U %S' -o "$W/time$s" "$B/trec-tune" "$W/fit$s.csr" --valid "$W/va$s.csr" \
        --budget "$BUDGET" --seed "$s" $m >"$W/board$s.tsv" 2>"$W/tune$s.err" ||
        die "trec-tune failed (seed $s): $(tail -n 1 "$W/tune$s.err")"
    wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
    cpu=$(awk '{ printf "%.0f", $1 + $2 }' "$W/time$s")
    grep -q 'the budget ran out' "$W/tune$s.err" && bound="ran out" || bound="not reached"
    # the winner: algorithm (3), best_epoch (5), epochs (6: - without epochs), options (8)
    alg=$(awk -F'\t' 'NR == 2 { print $3 }' "$W/board$s.tsv")
    ep=$(awk -F'\t' 'NR == 2 && $6 != "-" { print $5 }' "$W/board$s.tsv")
    opts=$(awk -F'\t' 'NR == 2 { print $8 }' "$W/board$s.tsv")
    [ -n "$alg" ] || die "empty leaderboard (seed $s)"
    e=
    case $ep in '') ;; *) e="--epochs $ep" ;; esac
    # shellcheck disable=SC2086
    "$B/trec-fit" -q "$W/tr$s.csr" -o "$W/tune$s.trec" --preset "$alg" $opts $e || die "refit failed (seed $s)"
    # shellcheck disable=SC2086
    "$B/trec-fit" -q "$W/tr$s.csr" -o "$W/best$s.trec" $BEST || die "fit failed (seed $s)"
    "$B/trec-fit" -q "$W/tr$s.csr" -o "$W/default$s.trec" || die "fit failed (seed $s)"
    rb=$(recall "$W/best$s.trec" "$s")
    rd=$(recall "$W/default$s.trec" "$s")
    rt=$(recall "$W/tune$s.trec" "$s")
    diff=$(awk -v a="$rt" -v b="$rb" 'BEGIN { printf "%+.4f", a - b }')
    printf '%s\t%s\t%s\t%s\n' "$s" "$rb" "$rd" "$rt" >>"$W/r.tsv"
    printf '   %-4s %9.4f %9.4f %9.4f %9s  %s %s%s; %s/%s s, %s\n' "$s" "$rb" "$rd" "$rt" "$diff" \
        "$alg" "$opts" "${e:+ $e}" "$wall" "$cpu" "$bound"
done
awk -F'\t' '{ for (c = 2; c <= 4; c++) { x[c] += $c; xx[c] += $c * $c }; d = $4 - $2; dd += d; ddd += d * d
        if (d >= -0.005) ok++; n++ }
    function sd(a, b) { return n > 1 ? sqrt((b - a * a / n) / (n - 1)) : 0 }
    END { printf "   %-4s", "mean"
          for (c = 2; c <= 4; c++) printf " %.4f±%.4f", x[c] / n, sd(x[c], xx[c])
          printf " %+.4f±%.4f\n", dd / n, sd(dd, ddd)
          printf "   within 0.005 of best-doc on %d of %d seeds; mean %s\n", ok, n,
              (dd / n >= -0.005) ? "within" : "NOT within" }' "$W/r.tsv"
echo "   (test recall@10, standard convention: train items excluded, positives >= 4, binary gain;"
echo "    best-doc: trec-fit $BEST)"
