# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-synth.sh - synth-movielens --model latent (Zipf popularity, lognormal
# activity, latent taste): determinism, the requested counts, no repeated
# (user, movie) pair, the popularity exponent, activity, ratings, timestamps,
# and option errors. The classic model is tested in test-datasets.sh.
# Sourced by run.sh in $T; see lib.sh. Checks in awk, in about 2 s.
# shellcheck shell=sh

SYN="$BIN/synth-movielens"

# ---- determinism -------------------------------------------------------------

ok "latent: generates" "$SYN" --model latent --ratings 20000 --users 300 --items 2000 --seed 5 --out "$T/a"
ok "latent: generates again" "$SYN" --model latent --ratings 20000 --users 300 --items 2000 --seed 5 --out "$T/b"
same "latent: same seed, same ratings.csv bytes" "$T/a/ratings.csv" "$T/b/ratings.csv"
same "latent: same seed, same movies.csv bytes" "$T/a/movies.csv" "$T/b/movies.csv"
ok "latent: other seed" "$SYN" --model latent --ratings 20000 --users 300 --items 2000 --seed 6 --out "$T/c"
if cmp -s "$T/a/ratings.csv" "$T/c/ratings.csv"; then
    fail_ "latent: other seed, other ratings.csv" "identical"
else
    pass_ "latent: other seed, other ratings.csv"
fi
ok "latent: --zipf alone implies --model latent" "$SYN" --zipf 1.25 --ratings 20000 --users 300 --items 2000 --seed 5 --out "$T/d"
same "latent: the default exponent is 1.25" "$T/a/ratings.csv" "$T/d/ratings.csv"
eq "latent: leaves no temp files" "$(ls -A "$T/a")" "movies.csv
ratings.csv"

# ---- counts, pairs, format ---------------------------------------------------

# facts FILE: sets n (ratings), nu (users), ni (movies), dup (repeated pairs),
# bad (malformed rows) and dec (timestamps not increasing within a user)
facts() {
    facts_ "$1" >"$T/facts.txt"
    read -r n nu ni dup bad dec <"$T/facts.txt"
}
facts_() {
    awk -F, 'NR == 1 { if ($0 != "userId,movieId,rating,timestamp") bad++; next }
        NF != 4 || $3 !~ /^[0-5]\.[05]$/ || $3 < 0.5 || $3 > 5 { bad++ }
        { n++; if (!($1 in u)) nu++; u[$1]++; if (!($2 in it)) ni++; it[$2] = 1
          if (++pair[$1 "," $2] > 1) dup++
          if ($1 == lu && $4 <= lt) dec++
          lu = $1; lt = $4 }
        END { printf "%d %d %d %d %d %d\n", n, nu, ni, dup, bad, dec }' "$1"
}
facts "$T/a/ratings.csv"
eq "latent: exactly the requested ratings" "$n" 20000
eq "latent: every user rates (at least the minimum)" "$nu" 300
ok "latent: no more movies than --items ($ni)" test "$ni" -le 2000
eq "latent: no repeated (user, movie) pair" "$dup" 0
eq "latent: header, 4 fields, ratings on the 0.5..5.0 grid" "$bad" 0
eq "latent: timestamps strictly increasing per user" "$dec" 0
# shellcheck disable=SC2016 # an awk program
ok "latent: every movieId is in movies.csv" awk -F, 'NR == FNR { if (FNR > 1) m[$1] = 1; next }
    FNR > 1 && !($2 in m) { exit 1 }' "$T/a/movies.csv" "$T/a/ratings.csv"

# a user rating the whole catalogue (clipped at --items): the walk fallback
ok "latent: users rating the whole catalogue" "$SYN" --model latent --ratings 200 --users 2 --items 100 --out "$T/full"
facts "$T/full/ratings.csv"
eq "latent: whole catalogue, counts and no repeats" "$n $nu $ni $dup" "200 2 100 0"

# ---- the preset shaped like ml-latest-small ----------------------------------

ok "latent: --preset ml-small" "$SYN" --preset ml-small --out "$T/ms"
facts "$T/ms/ratings.csv"
eq "latent: ml-small is 100836 ratings by 610 users, no repeats" "$n $nu $dup" "100836 610 0"
awk -F, 'NR > 1 { n++; s += $3; p += ($3 >= 4) } END { printf "%.3f %.3f\n", s / n, p / n }' \
    "$T/ms/ratings.csv" >"$T/r.txt"
read -r mean pos <"$T/r.txt"
ok "latent: ml-small mean rating $mean in [3.3, 3.7] (ml-latest-small 3.50)" \
    awk -v x="$mean" 'BEGIN { exit !(x >= 3.3 && x <= 3.7) }'
ok "latent: ml-small share of ratings >= 4 $pos in [0.43, 0.53] (ml-latest-small 0.482)" \
    awk -v x="$pos" 'BEGIN { exit !(x >= 0.43 && x <= 0.53) }'
awk -F, 'NR > 1 { c[$1]++ } END { for (u in c) if (c[u] < m || m == "") m = c[u]; print m }' \
    "$T/ms/ratings.csv" >"$T/m.txt"
eq "latent: ml-small users have at least 20 ratings" "$(cat "$T/m.txt")" 20
# explicit options win over the preset's
ok "latent: preset with --users" "$SYN" --preset ml-small --users 1000 --out "$T/ms2"
eq "latent: an explicit option wins over the preset" \
    "$(awk -F, 'NR > 1 { n++; if (!($1 in u)) { u[$1] = 1; nu++ } } END { print n, nu }' "$T/ms2/ratings.csv")" \
    "100836 1000"

# ---- popularity: the log-log slope of count against rank ---------------------

# slope FILE: least-squares slope of log(count) on log(rank) over the ranks
# from 1% to 30% of the rated movies (the head is capped by the users - a
# user rates a film at most once - and the deep tail is integer counts)
slope() {
    awk -F, 'NR > 1 { c[$2]++ } END { for (i in c) print c[i] }' "$1" | sort -rn |
        awk '{ v[NR] = $1 } END { a = int(NR / 100); b = int(3 * NR / 10)
            for (r = a; r <= b; r++) { x = log(r); y = log(v[r]); k++; sx += x; sy += y; sxx += x * x; sxy += x * y }
            printf "%.3f\n", -(k * sxy - sx * sy) / (k * sxx - sx * sx) }'
}
# 200k ratings, many light users: few users saturate, so the slope is the exponent
for z in 0.7 1.25; do
    "$SYN" --zipf "$z" --ratings 200000 --users 20000 --items 5000 --min-activity 1 --out "$T/z$z"; made "z$z"
    s=$(slope "$T/z$z/ratings.csv")
    ok "latent: --zipf $z gives a rank-count slope of $s (within 0.1)" \
        awk -v s="$s" -v z="$z" 'BEGIN { d = s - z; exit !(d < 0.1 && d > -0.1) }'
done

# ---- activity: lognormal -----------------------------------------------------

# logsd FILE: sets lmean and lsd, the mean and standard deviation of
# log(ratings per user)
logsd() {
    logsd_ "$1" >"$T/logsd.txt"
    read -r lmean lsd <"$T/logsd.txt"
}
logsd_() {
    awk -F, 'NR > 1 { c[$1]++ } END { for (u in c) { l = log(c[u]); n++; s += l; ss += l * l }
        printf "%.3f %.3f\n", s / n, sqrt(ss / n - (s / n) ^ 2) }' "$1"
}
ok "latent: --activity-sigma 0.8" "$SYN" --activity-sigma 0.8 --ratings 100000 --users 2000 --items 5000 \
    --min-activity 1 --out "$T/act"
logsd "$T/act/ratings.csv"
ok "latent: log activity sd $lsd near 0.8 (few users clipped)" \
    awk -v x="$lsd" 'BEGIN { exit !(x > 0.72 && x < 0.88) }'
# --activity-mu: the total is what the users draw, about users x exp(mu + sigma^2/2)
ok "latent: --activity-mu 3.5" "$SYN" --activity-mu 3.5 --activity-sigma 0.8 --users 2000 --items 5000 \
    --min-activity 1 --out "$T/mu"
n=$(($(wc -l <"$T/mu/ratings.csv") - 1))
ok "latent: --activity-mu 3.5 gives about 2000 x exp(3.82) = 91,200 ratings ($n)" \
    awk -v n="$n" 'BEGIN { exit !(n > 85000 && n < 97000) }'
logsd "$T/mu/ratings.csv"
ok "latent: --activity-mu 3.5: mean log activity $lmean near 3.5" \
    awk -v x="$lmean" 'BEGIN { exit !(x > 3.45 && x < 3.55) }'

# ---- taste: what users rate and how they rate it follow latent factors -----

# overdispersion MOVIES RATINGS: how much more users differ in the genres they
# rate than if they all drew from the same law (about 1 then; larger when users
# lean to genres; ml-latest-small: 7.3, its heavy users amplify it)
overdispersion() {
    awk -F, 'FNR == NR { if (FNR > 1) genres[$1] = $NF; next }
        FNR > 1 { k[$1]++; N++; n = split(genres[$2], gs, "|")
                  for (i = 1; i <= n; i++) { c[$1, gs[i]]++; tot[gs[i]]++ } }
        END { for (g in tot) { p = tot[g] / N; if (p < 0.02) continue; d = 0; nu = 0
                  for (u in k) { e = k[u] * p; x = c[u, g] - e; d += x * x / (e * (1 - p)); nu++ }
                  s += d / nu; ng++ }
              printf "%.2f\n", s / ng }' "$1" "$2"
}
ok "latent: --taste 0" "$SYN" --taste 0 --ratings 20000 --users 300 --items 2000 --seed 5 --out "$T/t0"
d3=$(overdispersion "$T/a/movies.csv" "$T/a/ratings.csv")
d0=$(overdispersion "$T/t0/movies.csv" "$T/t0/ratings.csv")
ok "latent: users lean to genres: overdispersion $d3 > 1.6 (--taste 0: $d0 < 1.2)" \
    awk -v a="$d3" -v b="$d0" 'BEGIN { exit !(a > 1.6 && b < 1.2) }'
# held-out RMSE (every 5th rating) of user + item biases, and of biases plus a
# user x genre term: the ratings have taste to learn (ml-latest-small: 0.866
# and 0.845, 2.4% better)
awk -F, 'FILENAME == ARGV[1] { if (FNR > 1) genres[$1] = $NF; next }
    FNR == 1 { pass++; next }
    FNR % 5 == 0 {
        if (pass == 4) { b = mu + bi[$2] + bu[$1]; ng = split(genres[$2], g, "|"); t = 0
            for (i = 1; i <= ng; i++) t += ug[$1, g[i]]
            e1 += ($3 - b) ^ 2; e2 += ($3 - b - t / ng) ^ 2; nt++ }
        next }
    pass == 1 { s += $3; n++; is[$2] += $3; ic[$2]++ }
    pass == 2 { if (!mu) { mu = s / n; for (i in is) bi[i] = (is[i] - ic[i] * mu) / (ic[i] + 5) }
        us[$1] += $3 - mu - bi[$2]; uc[$1]++ }
    pass == 3 { if (!bu_done) { for (u in us) bu[u] = us[u] / (uc[u] + 5); bu_done = 1 }
        r = $3 - mu - bi[$2] - bu[$1]; ng = split(genres[$2], g, "|")
        for (i = 1; i <= ng; i++) { gs[$1, g[i]] += r; gc[$1, g[i]]++ } }
    pass == 4 && !ug_done { for (k in gs) ug[k] = gs[k] / (gc[k] + 3); ug_done = 1 }
    END { printf "%.4f %.4f\n", sqrt(e1 / nt), sqrt(e2 / nt) }' "$T/a/movies.csv" \
    "$T/a/ratings.csv" "$T/a/ratings.csv" "$T/a/ratings.csv" "$T/a/ratings.csv" >"$T/learn.txt"
read -r rmse_bias rmse_taste <"$T/learn.txt"
ok "latent: ratings have taste to learn: RMSE biases $rmse_bias, + user x genre $rmse_taste (1.5% better)" \
    awk -v a="$rmse_bias" -v b="$rmse_taste" 'BEGIN { exit !(b < 0.985 * a) }'

# ---- scripts/bench.sh: the fit benchmarks' synthetic set ---------------------

env TREC_BENCH_DIR="$T/bd" TREC_BENCH_SECTIONS=synthfit TREC_BENCH_FIT_PRESET=ml-small \
    TREC_ML_SMALL="$T/none" "$ROOT/scripts/bench.sh" "$BIN" >"$T/bench.out" 2>&1
eq "bench.sh synthfit: runs" "$?" 0
contains "bench.sh synthfit: says where the set is" "$T/bench.out" "$T/bd/synth-ml-small: ratings.csv"
same "bench.sh synthfit: ratings.csv is the preset's" "$T/bd/synth-ml-small/ratings.csv" "$T/ms/ratings.csv"
ok "bench.sh synthfit: ingested" trec-info "$T/bd/synth-ml-small/ratings.csr"
ok "bench.sh synthfit: genres ingested" trec-info "$T/bd/synth-ml-small/genres.csr"
env TREC_BENCH_DIR="$T/bd" TREC_BENCH_SECTIONS=synthfit TREC_BENCH_FIT_PRESET=ml-small \
    TREC_ML_SMALL="$T/none" "$ROOT/scripts/bench.sh" "$BIN" >"$T/bench.out" 2>&1
if grep -q generating "$T/bench.out"; then
    fail_ "bench.sh synthfit: a second run reuses the set" "$(cat "$T/bench.out")"
else
    pass_ "bench.sh synthfit: a second run reuses the set"
fi

# ---- errors ------------------------------------------------------------------

fails "latent: a latent option with --model classic" 2 "--zipf is an option of --model latent, not classic" "$SYN" --model classic --zipf 1 --out "$T/x"
fails "latent: unknown model" 2 "--model: 'deep' is not classic or latent" "$SYN" --model deep --out "$T/x"
fails "latent: unknown preset" 2 "--preset: unknown 'huge' (bench-5m, bench-25m, ml-small)" "$SYN" --preset huge --out "$T/x"
fails "latent: --activity-mu and --ratings" 2 "--activity-mu sets the number of ratings: give it or --ratings, not both" "$SYN" --activity-mu 3 --ratings 1000 --out "$T/x"
fails "latent: a bad exponent" 2 "--zipf: '-1' is not a number in [0, 10]" "$SYN" --zipf -1 --out "$T/x"
fails "latent: not a number" 2 "--activity-sigma: '1x' is not a number in [0, 5]" "$SYN" --activity-sigma 1x --out "$T/x"
fails "latent: --factors 0" 2 "--factors: '0' is not an integer in [1, 64]" "$SYN" --factors 0 --out "$T/x"
fails "latent: minimum activity beyond the ratings" 2 "100 users x --min-activity 20 is more than 1000 ratings" "$SYN" --model latent --ratings 1000 --users 100 \
    --min-activity 20 --out "$T/x"
fails "latent: minimum activity beyond the items" 2 "--min-activity 60 is more than the 50 items" "$SYN" --model latent --ratings 1000 --users 10 \
    --items 50 --min-activity 60 --out "$T/x"
"$SYN" --help >"$T/help.txt"
for opt in --model --preset --zipf --activity-sigma --activity-mu --min-activity --factors --taste bench-5m; do
    contains "latent: --help documents $opt" "$T/help.txt" "$opt"
done
