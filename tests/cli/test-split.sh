# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-split.sh - trec-split on a small ratings fixture (made into a matrix
# with trec-ingest), checked through trec-info --dump against the CSV.
. "$FIX/split/binpatch.sh"
LC_ALL=C; export LC_ALL
TAB=$(printf '\t')
csv=$FIX/split/split-ratings.csv
N=$(($(wc -l <"$csv") - 1))
lines() { wc -l <"$1" | tr -d ' '; }
code() { "$@" >/dev/null 2>&1; echo $?; }
round() { awk -v f="$1" -v n="$2" 'BEGIN { printf "%d", int(f * n + 0.5) }'; } # round(f x n)
# entries "user TAB item TAB rating TAB time", as the CSV has them
tail -n +2 "$csv" | awk -F, -v OFS="$TAB" '{ print $1, $2, $3 + 0, $4 }' | sort >csv.tsv; made -s "csv.tsv"

ok "trec-ingest makes the input matrix" trec-ingest "$csv" -o r.csr
trec-info --dump --no-labels r.csr >in_nl.tsv; made -s "in_nl.tsv"

# ---- random split ----
ok "random split" trec-split r.csr --train tr.csr --test te.csr --test-fraction 0.2 --seed 1
trec-info --dump tr.csr >tr.tsv; made -s "tr.tsv"
trec-info --dump te.csr >te.tsv; made -s "te.tsv"
eq "random: round(0.2 x nnz) entries in test" "$(lines te.tsv)" "$(round 0.2 $N)"
sort tr.tsv te.tsv >both.tsv; made -s "both.tsv"
same "random: train + test = input, entry by entry (values, timestamps)" both.tsv csv.tsv
for f in 0 0.1 0.5 1; do
    trec-split r.csr --train f_tr.csr --test f_te.csr --test-fraction $f -q; made "f_tr.csr"
    eq "random: --test-fraction $f puts round($f x nnz) in test" \
        "$(trec-info --dump f_te.csr | wc -l | tr -d ' ')" "$(round $f $N)"
done

ok "same seed again" trec-split r.csr --train tr2.csr --test te2.csr --test-fraction 0.2 --seed 1
same "same seed: same train bytes" tr.csr tr2.csr
same "same seed: same test bytes" te.csr te2.csr
trec-split r.csr --train tr3.csr --test te3.csr --test-fraction 0.2 --seed 2 -q; made "tr3.csr"
if cmp -s te.csr te3.csr; then fail_ "another seed: another split"; else pass_ "another seed: another split"; fi
trec-split r.csr --train d_tr.csr --test d_te.csr -q; made "d_tr.csr"
same "defaults are --test-fraction 0.2 --seed 1 (train)" d_tr.csr tr.csr
same "defaults are --test-fraction 0.2 --seed 1 (test)" d_te.csr te.csr
trec-split r.csr --train d_tr.csr --test d_te.csr --by entry -q; made "d_tr.csr"
same "--by entry is the default" d_te.csr te.csr

for f in tr te; do
    trec-info $f.csr | grep -E '^(shape|row labels|col labels):' >$f.head; made -s "$f.head"
done
trec-info r.csr | grep -E '^(shape|row labels|col labels):' >r.head; made -s "r.head"
same "train keeps the input's shape and labels" tr.head r.head
same "test keeps the input's shape and labels" te.head r.head

# ---- summary, stdin, stdout ----
trec-split r.csr --train s_tr.csr --test s_te.csr 2>sum.txt; made "s_tr.csr"
users_with_test=$(cut -f1 te.tsv | sort -u | wc -l | tr -d ' ')
users=$(cut -f1 csv.tsv | sort -u | wc -l | tr -d ' ')
contains "summary on stderr: train and test entries" sum.txt \
    "train $(lines tr.tsv), test $(lines te.tsv)"
contains "summary on stderr: users with test entries" sum.txt \
    "$users_with_test of $users users have test entries"
trec-split r.csr --train s_tr.csr --test s_te.csr --quiet 2>quiet.txt; made "s_tr.csr"
eq "--quiet: nothing on stderr" "$(cat quiet.txt)" ""
trec-split - --train s_tr.csr --test s_te.csr -q <r.csr; made "s_tr.csr"
same "input '-' is stdin" s_te.csr te.csr
trec-split r.csr --train s_tr.csr --test - -q >s_te.csr; made "s_tr.csr"
same "--test - writes test to stdout" s_te.csr te.csr
same "... and train to its file" s_tr.csr tr.csr
trec-split r.csr --train - --test s_te2.csr -q >s_tr2.csr; made "s_tr2.csr"
same "--train - writes train to stdout" s_tr2.csr tr.csr

# ---- per-user split ----
ok "per-user split" trec-split r.csr --train u_tr.csr --test u_te.csr --by user \
    --test-fraction 0.5 --seed 3
trec-info --dump u_tr.csr >u_tr.tsv; made -s "u_tr.tsv"
trec-info --dump u_te.csr >u_te.tsv; made -s "u_te.tsv"
sort u_tr.tsv u_te.tsv >u_both.tsv; made -s "u_both.tsv"
same "per user: train + test = input" u_both.tsv csv.tsv
# want: round(0.5 n) of each user's n entries; a single entry stays in train
awk -F"$TAB" '{ n[$1]++ } END { for (u in n) print u, (n[u] < 2 ? 0 : int(0.5 * n[u] + 0.5)) }' \
    csv.tsv | sort >u_want.txt; made -s "u_want.txt"
{ awk -F"$TAB" '{ print $1, 0 }' u_tr.tsv; awk -F"$TAB" '{ print $1, 1 }' u_te.tsv; } |
    awk '{ n[$1] += $2 } END { for (u in n) print u, n[u] }' | sort >u_got.txt; made -s "u_got.txt"
same "per user: round(f x n) of each user's n entries in test, single entries in train" \
    u_got.txt u_want.txt
trec-split r.csr --train u_tr2.csr --test u_te2.csr --by user --test-fraction 0.5 --seed 3 -q; made "u_tr2.csr"
same "per user: same seed, same bytes" u_te2.csr u_te.csr
for f in 0.75 1; do
    trec-split r.csr --train u_trf.csr --test u_tef.csr --by user --test-fraction $f -q; made "u_trf.csr"
    trec-info --dump u_trf.csr | cut -f1 | sort -u >u_trf.txt; made -s "u_trf.txt"
    trec-info --dump u_tef.csr | cut -f1 | sort -u >u_tef.txt; made -s "u_tef.txt"
    eq "per user, --test-fraction $f: every user in test keeps an entry in train" \
        "$(comm -23 u_tef.txt u_trf.txt | wc -l | tr -d ' ')" 0
done
trec-split r.csr --train u_tr2.csr --test u_te2.csr --by user --test-fraction 0.5 --seed 4 -q; made "u_tr2.csr"
if cmp -s u_te2.csr u_te.csr; then fail_ "per user: another seed, another split"
else pass_ "per user: another seed, another split"; fi

# ---- leave-last-k-out ----
# want: per row, entries by time then column index, latest first; the first
# K, or all but the earliest for rows with <= K entries (indices: no labels)
awk -F"$TAB" '{ n[$1]++ } END { for (r in n) printf "%s\t%s\n", r, n[r] }' in_nl.tsv >counts.tsv
for k in 1 2 3; do
    ok "leave-last $k" trec-split r.csr --train l_tr.csr --test l_te.csr --leave-last $k -q
    sort -t"$TAB" -k1,1n -k4,4nr -k2,2nr in_nl.tsv |
        awk -F"$TAB" -v K=$k 'NR == FNR { n[$1] = $2; next }
            { q = n[$1] <= K ? n[$1] - 1 : K; if (seen[$1]++ < q) print }' counts.tsv - |
        sort >l_want.tsv; made -s "l_want.tsv"
    trec-info --dump --no-labels l_te.csr | sort >l_got.tsv; made -s "l_got.tsv"
    same "leave-last $k: each user's latest (ties: larger column), one kept in train" \
        l_got.tsv l_want.tsv
    trec-info --dump --no-labels l_tr.csr | cut -f1 | sort -u >l_users.txt; made -s "l_users.txt"
    cut -f1 in_nl.tsv | sort -u >all_users.txt; made -s "all_users.txt"
    same "leave-last $k: every user keeps an entry in train" l_users.txt all_users.txt
done

# ---- time cut ----
ok "time cut" trec-split r.csr --train c_tr.csr --test c_te.csr --time-cut 1420070400
awk -F"$TAB" '$4 >= 1420070400' csv.tsv >c_want.tsv; made -s "c_want.tsv"
trec-info --dump c_te.csr | sort >c_got.tsv; made -s "c_got.tsv"
same "time cut: test = entries at or after the cut" c_got.tsv c_want.tsv
awk -F"$TAB" '$4 < 1420070400' csv.tsv >c_want.tsv; made -s "c_want.tsv"
trec-info --dump c_tr.csr | sort >c_got.tsv; made -s "c_got.tsv"
same "time cut: train = entries before the cut" c_got.tsv c_want.tsv
trec-split r.csr --train c_tr2.csr --test c_te2.csr --time-cut 2015-01-01 2>c_sum.txt; made "c_tr2.csr"
same "--time-cut accepts a date (UTC)" c_te2.csr c_te.csr
contains "summary names the cut" c_sum.txt "cut at 2015-01-01T00:00:00Z (1420070400)"
trec-split r.csr --train c_tr2.csr --test c_te2.csr --time-cut 2015-01-01T00:00:01Z -q; made "c_tr2.csr"
awk -F"$TAB" '$4 >= 1420070401' csv.tsv >c_want.tsv; made -s "c_want.tsv"
trec-info --dump c_te2.csr | sort >c_got.tsv; made -s "c_got.tsv"
same "--time-cut accepts a date and time" c_got.tsv c_want.tsv

for f in 0.2 0.5; do
    t=$(round $f $N)
    cut=$(cut -f4 csv.tsv | sort -n | tail -n "$t" | head -n 1)
    ok "time-cut-fraction $f" trec-split r.csr --train c_tr.csr --test c_te.csr \
        --time-cut-fraction $f -q
    awk -F"$TAB" -v c="$cut" '$4 >= c' csv.tsv >c_want.tsv; made -s "c_want.tsv"
    trec-info --dump c_te.csr | sort >c_got.tsv; made -s "c_got.tsv"
    same "time-cut-fraction $f: cut at the round(f x nnz)-th latest time" c_got.tsv c_want.tsv
done

# ---- no timestamps ----
cp r.csr notime.csr
rename_section notime.csr TIME XIME
for mode in "--leave-last 1" "--time-cut 0" "--time-cut-fraction 0.2"; do
    fails "$mode on a matrix without timestamps" 1 "notime.csr: has no timestamps (no TIME section)" \
        trec-split notime.csr --train n_tr.csr --test n_te.csr $mode
done
ok "random split without timestamps" trec-split notime.csr --train n_tr.csr --test n_te.csr -q
eq "... whose outputs have no timestamp column" \
    "$(trec-info --dump n_te.csr | awk -F"$TAB" '{ print NF }' | sort -u)" 3

# ---- usage errors (exit 2) ----
usage() { # message args...: trec-split ARGS exits 2 with an error saying message
    m=$1; shift
    fails "usage: $1" 2 "$m" trec-split "$@"
}
usage "missing INPUT matrix file" --train a.csr --test b.csr
usage "missing --train FILE" r.csr --test b.csr
usage "missing --test FILE" r.csr --train a.csr
usage "expected one INPUT matrix file" r.csr r.csr --train a.csr --test b.csr
usage "--train and --test cannot both be '-' (stdout)" r.csr --train - --test -
usage "--train and --test name the same file: same.csr" r.csr --train same.csr --test same.csr
usage "choose one of --by, --leave-last, --time-cut, --time-cut-fraction" r.csr --train a.csr --test b.csr --by user --leave-last 1
usage "choose one of --by, --leave-last, --time-cut, --time-cut-fraction" r.csr --train a.csr --test b.csr --time-cut 5 --time-cut-fraction 0.1
usage "--test-fraction applies to random splits, not to: --leave-last" r.csr --train a.csr --test b.csr --leave-last 2 --test-fraction 0.1
usage "--test-fraction: '1.5' is not a number in [0, 1]" r.csr --train a.csr --test b.csr --test-fraction 1.5
usage "--test-fraction: 'x' is not a number in [0, 1]" r.csr --train a.csr --test b.csr --test-fraction x
usage "--leave-last: '0' is not an integer in [1, 9223372036854775807]" r.csr --train a.csr --test b.csr --leave-last 0
usage "--by: expected 'entry' or 'user': item" r.csr --train a.csr --test b.csr --by item
usage "--time-cut: expected seconds since 1970 or YYYY-MM-DD[THH:MM:SS[Z]] (UTC): 2015-02-30" r.csr --train a.csr --test b.csr --time-cut 2015-02-30
usage "--time-cut: expected seconds since 1970 or YYYY-MM-DD[THH:MM:SS[Z]] (UTC): yesterday" r.csr --train a.csr --test b.csr --time-cut yesterday
usage "--seed: '-1' is not an integer in [0, 9223372036854775807]" r.csr --train a.csr --test b.csr --seed -1
usage "unrecognized option '--frobnicate'" r.csr --train a.csr --test b.csr --frobnicate
ok "--help" trec-split --help
ok "--version" trec-split --version

# ---- bad input, failed output ----
fails "missing input file" 1 "nosuch.csr: cannot open: No such file or directory" trec-split nosuch.csr --train a.csr --test b.csr
head -c 500 r.csr >trunc.csr
fails "truncated input" 1 "trunc.csr: file is 500 bytes but its header says 1128 (truncated or damaged)" trec-split trunc.csr --train a.csr --test b.csr
contains "truncated input: the error says so" "$T/.err" "trunc.csr: file is 500 bytes"
cp r.csr model.trec
set_u32 model.trec 12 2
fix_header_crc model.trec
fails "a model file is not a matrix" 1 "model.trec: is a model file, expected a matrix file" trec-split model.trec --train a.csr --test b.csr
contains "model file: the error says what was expected" "$T/.err" "expected a matrix file"
fails "CSV input" 1 "split-ratings.csv: not a trec file (bad magic)" trec-split "$csv" --train a.csr --test b.csr
printf 'old' >keep.csr
fails "test in a missing directory" 1 "nodir/te.csr: cannot create output file: No such file or directory" trec-split r.csr --train keep.csr --test nodir/te.csr
eq "failed second output: first output untouched" "$(cat keep.csr)" "old"
fails "train in a missing directory" 1 "nodir/tr.csr: cannot create output file: No such file or directory" trec-split r.csr --train nodir/tr.csr --test new.csr
eq "failed first output: second output not written" "$(ls new.csr 2>/dev/null)" ""
eq "no temporary files left behind" "$(ls | grep -c '\.tmp\.')" 0
if [ -e a.csr ] || [ -e b.csr ]; then fail_ "failed runs wrote no outputs"
else pass_ "failed runs wrote no outputs"; fi

# ---- ml-latest-small: the 80/20 pipeline ----
if have_ml; then
    ok "ml-latest-small: ingest" trec-ingest "$ML/ratings.csv" -o ml.csr
    ok "ml-latest-small: 80/20 split" trec-split ml.csr --train ml_tr.csr --test ml_te.csr \
        --test-fraction 0.2 --seed 1 -q
    mln=$(($(wc -l <"$ML/ratings.csv") - 1))
    trec-info --dump ml_te.csr >ml_te.tsv; made -s "ml_te.tsv"
    trec-info --dump ml_tr.csr >ml_tr.tsv; made -s "ml_tr.tsv"
    eq "ml-latest-small: test has round(0.2 x nnz) entries" "$(lines ml_te.tsv)" \
        "$(round 0.2 $mln)"
    sort ml_tr.tsv ml_te.tsv >ml_both.tsv; made -s "ml_both.tsv"
    tail -n +2 "$ML/ratings.csv" | tr -d '\r' |
        awk -F, -v OFS="$TAB" '{ print $1, $2, $3 + 0, $4 }' | sort >ml_csv.tsv; made -s "ml_csv.tsv"
    same "ml-latest-small: train + test = ratings.csv" ml_both.tsv ml_csv.tsv
    rm -f ml*.tsv
else
    skip_ml "ml-latest-small split checks"
fi
