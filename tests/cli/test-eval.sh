# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-eval.sh - trec-eval on a hand-computed model (tests/fixtures/eval),
# then on MovieLens-sized data when ml-latest-small is present.
#
# The fixture (model.spec): 4 users x 6 items, k = 1, score = user x item.
# Users 11, 22 (and 33) rank 101 102 103 104 105 106 (103 and 104 tie: lower
# index first), user 44 ranks 106 105 103 104 102 101.
# Test positives: 11 {102, 104, 106}, 22 {101, 103}, 44 {105}; 33 none.
# Train: 11 {101}, 22 {102, 104}, 33 {101, 102}, 44 {106}.
# With binary gain and K = 2 (L3 = 1/log2(3), the discount of rank 2):
#   model, all items:  11 hits 102@2   22 hits 101@1   44 hits 105@2
#   model, excluding train:  11: 102 103 (102@1); 22: 101 103 (both);
#                            44: 105 103 (105@1)
#   most popular (train counts 101:2 102:2 104:1 106:1): 101 102 for all;
#     excluding train: 11: 102 104; 22: 101 106; 44: 101 102
#   random: E[hits@2] = P x 2 / N, N = 6 (or 5, 4, 5 excluding train)
. "$FIX/eval/build-mkfix.sh"
LC_ALL=C; export LC_ALL
E=$FIX/eval
ok "mkfix builds" test -x "$T/mkfix"
ok "fixture model" "$T/mkfix" model "$E/model.spec" m.trec
ok "fixture test matrix" "$T/mkfix" matrix "$E/test.spec" test.csr
ok "fixture train matrix" "$T/mkfix" matrix "$E/train.spec" train.csr
"$T/mkfix" matrix "$E/reordered.spec" reordered.csr; made "reordered.csr"
"$T/mkfix" matrix "$E/wide.spec" wide.csr; made "wide.csr"

# near DESC JSON_FILE GOT_EXPR WANT_EXPR: GOT_EXPR, evaluated on the JSON
# (m(split, ranker, key) reads a metric, d is the document), equals WANT_EXPR
# to the printed precision (metrics have 6 decimals everywhere: half a unit
# of the last one); L3 = 1/log2(3).
cat >jnear.py <<'EOF'
import json, math, sys
d = json.load(open(sys.argv[1]))
def m(split, ranker, key):
    s = [x for x in d["splits"] if x["split"] == split][0]
    return [r for r in s["rankers"] if r["ranker"] == ranker][0][key]
got = eval(sys.argv[2])
want = eval(sys.argv[3], {"L3": 1 / math.log2(3), "math": math})
if abs(got - want) > 5e-7 + 1e-12:
    print("got %r, want %r" % (got, want))
    sys.exit(1)
EOF
near() {
    if msg=$(python3 jnear.py "$2" "$3" "$4" 2>&1); then pass_ "$1"; else fail_ "$1" "$msg"; fi
}
isjson() { python3 -c 'import json,sys; json.load(sys.stdin)' <"$1"; }

# ---- the table ----
ok "table" trec-eval m.trec --test test.csr --train train.csr -k 2 --gain binary -o t.txt
contains "table: model row" t.txt "model"
contains "table: most-popular row" t.txt "most-popular"
contains "table: random row" t.txt "random"
contains "table: metric columns" t.txt "recall@2  precision@2    ndcg@2      f1@2"
contains "table: the walkthrough's convention is named" t.txt \
    "test (test.csr): all items ranked, training items included (walkthrough/TensorRec convention)"
contains "table: users evaluated and skipped" t.txt "users: 3 evaluated, 1 skipped (no positive); 6 positives"
contains "table: model values (6 decimals, as everywhere)" t.txt "model           0.611111     0.500000  0.543643  0.550000"
contains "table: ties rule stated" t.txt "equal scores rank the lower item index first"

# ---- JSON: hand-computed values, all items ----
trec-eval m.trec --test test.csr --train train.csr -k 2 --gain binary --json -q >a.json; made -s "a.json"
ok "--json parses" isjson a.json
near "model recall@2" a.json "m('test','model','recall@2')" "(1/3 + 1/2 + 1) / 3"
TAB=$(printf '\t')
trec-eval m.trec --test test.csr --train train.csr -k 2 --gain binary --tsv -q >a.tsv; made -s "a.tsv"
eq "--tsv: header" "$(head -n 1 a.tsv)" "split${TAB}ranking${TAB}ranker${TAB}metric${TAB}value"
eq "--tsv: a line per split, ranker and metric (2 x 3 x 4)" "$(($(wc -l <a.tsv) - 1))" 24
eq "--tsv: the same figures as --json" "$(python3 -c '
import json, sys
d = json.load(open("a.json"))
want = {}
for sp in d["splits"]:
    for r in sp["rankers"]:
        for k, v in r.items():
            if k != "ranker":
                want[(sp["split"], sp["ranking"], r["ranker"], k)] = v
got = {}
for line in list(open("a.tsv"))[1:]:
    s, rk, r, k, v = line.rstrip("\n").split("\t")
    got[(s, rk, r, k)] = float(v)
bad = [k for k in want if k not in got or abs(got[k] - want[k]) > 1e-9]
print("same" if not bad and len(got) == len(want) else "differ: %r" % bad)')" same
fails "--json and --tsv together" 2 "--json and --tsv exclude each other" trec-eval m.trec --test test.csr --json --tsv
near "model precision@2" a.json "m('test','model','precision@2')" "1/2"
near "model ndcg@2" a.json "m('test','model','ndcg@2')" "(L3/(1+L3) + 1/(1+L3) + L3) / 3"
near "model f1@2 = F1 of the mean precision and recall" a.json "m('test','model','f1@2')" \
    "2 * 0.5 * 11/18 / (0.5 + 11/18)"
near "most-popular recall@2" a.json "m('test','most-popular','recall@2')" "(1/3 + 1/2 + 0) / 3"
near "most-popular ndcg@2" a.json "m('test','most-popular','ndcg@2')" "(L3/(1+L3) + 1/(1+L3)) / 3"
near "random recall@2 (expected value)" a.json "m('test','random','recall@2')" "1/3"
near "random precision@2" a.json "m('test','random','precision@2')" "(1/2 + 1/3 + 1/6) / 3"
near "random ndcg@2" a.json "m('test','random','ndcg@2')" "(1/2 + 1/3 + (1+L3)/6) / 3"
near "train split: model recall@2" a.json "m('train','model','recall@2')" "(1 + 1/2 + 1 + 1) / 4"
near "train split: model ndcg@2" a.json "m('train','model','ndcg@2')" "(1 + L3/(1+L3) + 1 + 1) / 4"
near "users evaluated" a.json "d['splits'][0]['users_evaluated']" "3"
near "users skipped" a.json "d['splits'][0]['users_skipped']" "1"
near "train: users evaluated" a.json "d['splits'][1]['users_evaluated']" "4"
eq "JSON: rankings named" "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(s["split"]+"="+s["ranking"] for s in d["splits"]))' <a.json)" \
    "test=all-items train=all-items"
eq "JSON: fixed key order" "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(",".join(d), ",".join(d["splits"][0]), ",".join(d["splits"][0]["rankers"][0]))' <a.json)" \
    "model,predict,components,users,items,k,min_rating,gain,ties,splits,min_rating_from,convention split,file,ranking,users_evaluated,users_skipped,positives,rankers ranker,recall@2,precision@2,ndcg@2,f1@2"

# ---- --exclude-train (LightFM's convention) ----
trec-eval m.trec --test test.csr --train train.csr -k 2 --gain binary --exclude-train --json -q >x.json; made -s "x.json"
near "exclude-train: model recall@2" x.json "m('test','model','recall@2')" "(1/3 + 1 + 1) / 3"
near "exclude-train: model precision@2" x.json "m('test','model','precision@2')" "(1/2 + 1 + 1/2) / 3"
near "exclude-train: model ndcg@2" x.json "m('test','model','ndcg@2')" "(1/(1+L3) + 1 + 1) / 3"
near "exclude-train: most-popular recall@2" x.json "m('test','most-popular','recall@2')" "(2/3 + 1/2 + 0) / 3"
near "exclude-train: random recall@2 (N = 5, 4, 5)" x.json "m('test','random','recall@2')" "(6/5/3 + 1/2 + 2/5) / 3"
near "exclude-train: random ndcg@2" x.json "m('test','random','ndcg@2')" "(3/5 + 1/2 + (1+L3)/5) / 3"
near "exclude-train: train split unchanged" x.json "m('train','model','recall@2')" "7/8"
eq "exclude-train: rankings named" "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(s["ranking"] for s in d["splits"]))' <x.json)" \
    "exclude-train all-items"
trec-eval m.trec --test test.csr --train train.csr --exclude-train -q >x.txt; made -s "x.txt"
contains "exclude-train: table names the convention" x.txt "items in train left out of each user's ranking (LightFM/standard convention)"

# ---- several K, K beyond the item count, ties ----
trec-eval m.trec --test test.csr --train train.csr -k 10,1,3 --gain binary --json -q >k.json; made -s "k.json"
eq "-k list keeps its order" "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["k"])' <k.json)" "[10, 1, 3]"
near "K = 10 > 6 items: recall 1" k.json "m('test','model','recall@10')" "1"
near "K = 10 > 6 items: precision divides by K" k.json "m('test','model','precision@10')" "(3/10 + 2/10 + 1/10) / 3"
near "K = 10: random = model (every item listed)" k.json "m('test','random','recall@10')" "1"
near "K = 1" k.json "m('test','model','precision@1')" "(0 + 1 + 0) / 3"
# K = 3: user 11 gets 101 102 103, not 104 (103 and 104 tie; lower index first)
near "K = 3: the tie puts 103 before 104" k.json "m('test','model','recall@3')" "(1/3 + 1 + 1) / 3"

# ---- positives and gain ----
trec-eval m.trec --test test.csr -k 2 --min-rating 4 --gain binary --json -q >r.json; made -s "r.json"
near "--min-rating 4: recall@2" r.json "m('test','model','recall@2')" "(1/2 + 0 + 1) / 3"
near "--min-rating 4: positives counted" r.json "d['splits'][0]['positives']" "4"
trec-eval m.trec --test test.csr -k 2 --json -q >g.json; made -s "g.json"
near "default gain 2^rating - 1 (TensorRec)" g.json "m('test','model','ndcg@2')" \
    "(31*L3/(31 + 15*L3) + 3/(15 + 3*L3) + L3) / 3"
near "no --min-rating: every entry is positive" g.json "d['splits'][0]['positives']" "6"
eq "no --train: model and random only" "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["splits"]), [r["ranker"] for r in d["splits"][0]["rankers"]])' <g.json)" \
    "1 ['model', 'random']"
trec-eval m.trec --test test.csr -q >n.txt; made -s "n.txt"
contains "no --train: the table says most-popular needs it" n.txt "most-popular needs --train"
contains "default K is 10" n.txt "recall@10"

# ---- per-user TSV ----
ok "--per-user" trec-eval m.trec --test test.csr --train train.csr -k 3 --gain binary \
    --per-user pu.tsv -q -o discard.out
eq "per-user: header" "$(head -n 1 pu.tsv)" "user	split	recall@3	precision@3	ndcg@3	f1@3	positives"
eq "per-user: 3 test + 4 train users" "$(tail -n +2 pu.tsv | wc -l | tr -d ' ')" "7"
eq "per-user: user 11 on test (104 ranks 4th: tie)" "$(grep '^11	test' pu.tsv)" \
    "11	test	0.333333	0.333333	0.296082	0.333333	3"
eq "per-user: user 33 only in train" "$(cut -f1,2 pu.tsv | grep -c '^33')" "1"

# ---- MAP, MRR, hit rate, coverage, AUC: hand-computed (binary gain, K = 2) ----
# model, all items: AP@2 11: (1/2)/2, 22: 1/2, 44: (1/2)/1; first hits at 2, 1, 2;
# top-2 items {101, 102, 105, 106}. AUC: 11 ranks 102 > 103, 105; 104 > 105: 3/9;
# 22: 101 > 4 negatives, 103 > 3: 7/8; 44: 105 > 4 of 5: 4/5.
# most-popular (101 102 104 106 103 105): AP 1/4, 1/2, 0; AUC 6/9, 5/8, 0/5.
# random (N = 6, P' = 3, 2, 1): see metrics.h; coverage 1 - (2/3)^3.
trec-eval m.trec --test test.csr --train train.csr -k 2 --gain binary --metrics all --json -q >all.json; made -s "all.json"
near "map@2, model" all.json "m('test','model','map@2')" "(1/4 + 1/2 + 1/2) / 3"
near "mrr@2, model" all.json "m('test','model','mrr@2')" "(1/2 + 1 + 1/2) / 3"
near "hit-rate@2, model" all.json "m('test','model','hit-rate@2')" "1"
near "coverage@2, model" all.json "m('test','model','coverage@2')" "4/6"
near "auc, model" all.json "m('test','model','auc')" "(3/9 + 7/8 + 4/5) / 3"
near "map@2, most-popular" all.json "m('test','most-popular','map@2')" "(1/4 + 1/2 + 0) / 3"
near "hit-rate@2, most-popular" all.json "m('test','most-popular','hit-rate@2')" "2/3"
near "coverage@2, most-popular" all.json "m('test','most-popular','coverage@2')" "2/6"
near "auc, most-popular" all.json "m('test','most-popular','auc')" "(6/9 + 5/8 + 0) / 3"
near "map@2, random" all.json "m('test','random','map@2')" \
    "((1/2)*(3/6 + (1/2)*(3/6)*(1 + 2/5)) + (1/2)*(2/6 + (1/2)*(2/6)*(1 + 1/5)) + (1/6 + 1/12)) / 3"
near "mrr@2, random" all.json "m('test','random','mrr@2')" \
    "((3/6 + (3/6)*(3/5)/2) + (2/6 + (4/6)*(2/5)/2) + (1/6 + (5/6)*(1/5)/2)) / 3"
near "hit-rate@2, random" all.json "m('test','random','hit-rate@2')" \
    "((1 - (3/6)*(2/5)) + (1 - (4/6)*(3/5)) + (1 - (5/6)*(4/5))) / 3"
near "coverage@2, random" all.json "m('test','random','coverage@2')" "1 - (2/3)**3"
near "auc, random" all.json "m('test','random','auc')" "0.5"
trec-eval m.trec --test test.csr --train train.csr -k 2 --standard --metrics auc,map --json -q >std.json; made -s "std.json"
near "--standard: AUC without the train items (11: 3/6, 22: 4/4, 44: 4/4)" std.json \
    "m('test','model','auc')" "(1/2 + 1 + 1) / 3"
near "--standard = --exclude-train --gain binary (AP 1/2, 2/2, 1/1)" std.json \
    "m('test','model','map@2')" "(1/2 + 1 + 1) / 3"
eq "--standard: named in JSON" "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["convention"])' <std.json)" standard
trec-eval m.trec --test test.csr --train train.csr --standard -k 2,3 --metrics recall,auc -q -o std.txt; made -s "std.txt"
contains "table: AUC once, after the first K" std.txt "recall@2       auc  recall@3"
contains "table: the convention is said" std.txt "convention: standard"
trec-eval m.trec --test test.csr --train train.csr -k 2,3 --metrics auc,coverage --per-user pu2.tsv -q -o discard.out; made -s "pu2.tsv"
eq "per-user: coverage is a split's figure, not a user's" "$(head -n 1 pu2.tsv)" "user	split	auc	positives"
fails "--standard with --gain exp" 2 "--standard uses the binary gain: not with --gain exp" trec-eval m.trec --test test.csr --train train.csr --standard --gain exp
fails "--standard without --train" 2 "--standard needs --train FILE (its items are left out of the rankings)" trec-eval m.trec --test test.csr --standard
fails "unknown metric" 2 "--metrics: unknown metric (recall, precision, ndcg, f1, map, mrr," trec-eval m.trec --test test.csr --metrics recall,accuracy
fails "a metric twice" 2 "--metrics: metric given twice: ndcg" trec-eval m.trec --test test.csr --metrics ndcg,ndcg

# ---- a baseline alone ----
trec-eval --baseline most-popular --train train.csr --test test.csr -k 2 --gain binary --metrics all --json -q >b.json; made -s "b.json"
near "--baseline most-popular: the same figures" b.json "m('test','most-popular','auc')" "(6/9 + 5/8 + 0) / 3"
eq "--baseline most-popular: that ranker only" "$(python3 -c 'import json,sys; print(" ".join(r["ranker"] for r in json.load(sys.stdin)["splits"][0]["rankers"]))' <b.json)" most-popular
trec-eval --baseline random --test test.csr -k 2 --gain binary -q -o br.txt; made -s "br.txt"
contains "--baseline random: no --train needed" br.txt "baseline:  random alone (no model; 4 users x 6 items)"
fails "--baseline with a MODEL" 2 "--baseline evaluates a baseline alone: no MODEL: m.trec" trec-eval m.trec --baseline random --test test.csr
fails "--baseline most-popular without --train" 2 "--baseline most-popular needs --train FILE" trec-eval --baseline most-popular --test test.csr
fails "unknown --baseline" 2 "--baseline must be most-popular or random: oracle" trec-eval --baseline oracle --test test.csr

# ---- outputs, threads, summary ----
trec-eval m.trec --test test.csr --train train.csr -q >stdout.txt; made -s "stdout.txt"
trec-eval m.trec --test test.csr --train train.csr -q -o file.txt; made -s "file.txt"
same "-o writes what stdout gets" stdout.txt file.txt
trec-eval m.trec --test test.csr --train train.csr --json --threads 1 -q >t1.json; made -s "t1.json"
trec-eval m.trec --test test.csr --train train.csr --json --threads 3 -q >t3.json; made -s "t3.json"
same "--threads: same output" t1.json t3.json
trec-eval m.trec --test test.csr 2>sum.txt >/dev/null
contains "summary line on stderr" sum.txt "trec-eval: 4 users x 6 items"
trec-eval m.trec --test test.csr -q 2>quiet.txt >/dev/null
eq "-q: nothing on stderr" "$(cat quiet.txt)" ""
ok "--help" trec-eval --help
ok "--version" trec-eval --version

# ---- the model from standard input ----
trec-eval m.trec --test test.csr --train train.csr -k 2 --gain binary --tsv -q >file.tsv; made "file.tsv"
trec-eval - --test test.csr --train train.csr -k 2 --gain binary --tsv -q <m.trec >stdin.tsv; made "stdin.tsv"
eq "trec-eval -: the model read from stdin, the same figures" "$(cat stdin.tsv)" "$(cat file.tsv)"
eq "... which are the hand-computed ones (model recall@2, all items)" \
    "$(awk -F'\t' '$1 == "test" && $2 == "all-items" && $3 == "model" && $4 == "recall@2" { printf "%.6f", $5 }' stdin.tsv)" \
    "$(awk 'BEGIN { printf "%.6f", (1/3 + 1/2 + 1) / 3 }')"
fails "trec-eval -: a matrix on stdin is not a model" 1 "<stdin>: is a matrix file, expected a model file" \
    sh -c 'trec-eval - --test test.csr <test.csr'

# ---- bad input ----
fails "no MODEL" 2 "missing MODEL" trec-eval --test test.csr
fails "no --test" 2 "missing --test FILE" trec-eval m.trec
fails "two MODELs" 2 "one MODEL only; unexpected argument: m.trec" trec-eval m.trec m.trec --test test.csr
fails "missing model file" 1 "nonexistent.trec: cannot open: No such file or directory" trec-eval nonexistent.trec --test test.csr
fails "missing test file" 1 "nonexistent.csr: cannot open: No such file or directory" trec-eval m.trec --test nonexistent.csr
fails "missing train file" 1 "nonexistent.csr: cannot open: No such file or directory" trec-eval m.trec --test test.csr --train nonexistent.csr
fails "a matrix as the model" 1 "test.csr: is a matrix file, expected a model file" trec-eval test.csr --test test.csr
fails "a model as the test matrix" 1 "m.trec: is a model file, expected a matrix file" trec-eval m.trec --test m.trec
printf 'not a model\n' >junk.trec
fails "garbage model file" 1 "junk.trec: not a trec file (bad magic)" trec-eval junk.trec --test test.csr
head -c 300 m.trec >cut.trec
fails "truncated model file" 1 "cut.trec: truncated section table" trec-eval cut.trec --test test.csr
# Files from other ingests are matched to the model by ids (test-across.sh).
trec-eval m.trec --test test.csr --json --pretty -q | grep -v '"file"' >base.json; made -s "base.json"
trec-eval m.trec --test wide.csr --json --pretty 2>err.txt | grep -v '"file"' >wide.json; made -s "wide.json"
ok "a test matrix with an item the model lacks (no entries): matched by ids" test -s wide.json
eq "no entries skipped: no warning" "$(grep -c warning err.txt)" "0"
trec-eval m.trec --test reordered.csr --json --pretty -q | grep -v '"file"' >reord.json; made -s "reord.json"
"$T/mkfix" matrix /dev/stdin inorder.csr <<'EOF2'
users 11 22 33 44
items 101 102 103 104 105 106
11 102 5
EOF2
made "inorder.csr"
trec-eval m.trec --test inorder.csr --json --pretty -q | grep -v '"file"' >inorder.json; made -s "inorder.json"
same "items in another order: evaluated by ids, as in the model's order" reord.json inorder.json
same "an extra empty item changes nothing" wide.json inorder.json
ok "a train matrix with an extra item" trec-eval m.trec --test test.csr --train wide.csr -q -o discard.out
fails "--exclude-train without --train" 2 "--exclude-train needs --train FILE" trec-eval m.trec --test test.csr --exclude-train
fails "--exclude-train with overlapping test and train" 1 "test.csr and test.csr share 6 positive user-item pairs (first: user 11," trec-eval m.trec --test test.csr --train test.csr --exclude-train
trec-eval m.trec --test test.csr --train test.csr --exclude-train 2>err.txt
contains "overlap: message" err.txt "share 6 positive user-item pairs (first: user 11, item 102)"
ok "overlap is fine without --exclude-train" trec-eval m.trec --test test.csr --train test.csr -q -o discard.out
fails "-k 0" 2 "-k: '0' is not an integer in [1, 1000000000]" trec-eval m.trec --test test.csr -k 0
fails "-k not a number" 2 "-k: 'ten' is not an integer in [1, 1000000000]" trec-eval m.trec --test test.csr -k ten
fails "-k empty item" 2 "-k wants a comma-separated list of integers: 5,,10" trec-eval m.trec --test test.csr -k 5,,10
fails "-k trailing comma" 2 "-k wants a comma-separated list of integers: 5," trec-eval m.trec --test test.csr -k 5,
fails "-k twice the same" 2 "cut-off given twice in -k: 5,5" trec-eval m.trec --test test.csr -k 5,5
fails "bad --gain" 2 "--gain must be exp or binary: linear" trec-eval m.trec --test test.csr --gain linear
fails "bad --min-rating" 2 "--min-rating: 'four' is not a number in [-1e+300, 1e+300]" trec-eval m.trec --test test.csr --min-rating four
fails "--threads 0" 2 "--threads: '0' is not an integer in [1, 1024]" trec-eval m.trec --test test.csr --threads 0
fails "unknown option" 2 "unrecognized option '--frobnicate'" trec-eval m.trec --test test.csr --frobnicate
fails "output in a missing directory" 1 "no/such/dir/out.txt: cannot create output file: No such file or directory" trec-eval m.trec --test test.csr -o no/such/dir/out.txt
printf 'users 11 22 33 44\nitems 101 102 103 104 105 106\n11 102 0\n' >zero.spec
"$T/mkfix" matrix zero.spec zero.csr; made "zero.csr"
fails "graded gain with a 0 rating positive" 1 "zero.csr: user '11', item '102': positive value 0 has NDCG gain 2^0 - 1" trec-eval m.trec --test zero.csr
ok "... fine with --gain binary" trec-eval m.trec --test zero.csr --gain binary -q -o discard.out
printf 'users 11 22 33 44\nitems 101 102 103 104 105 106\n11 102 2000\n22 101 4\n' >huge.spec
"$T/mkfix" matrix huge.spec huge.csr; made "huge.csr"
fails "graded gain of a rating of 2000 (2^2000 overflows)" 1 "huge.csr: user '11', item '102': positive value 2000 has NDCG gain" trec-eval m.trec --test huge.csr
contains "... says so, naming user and item" "$T/.err" "user '11', item '102': positive value 2000 has NDCG gain 2^2000 - 1, too large"
trec-eval m.trec --test huge.csr --gain binary --tsv -q >huge.tsv; made -s "huge.tsv"
eq "... and --gain binary gives numbers, no NaN" "$(grep -ci nan huge.tsv)" 0

# ---- MovieLens-sized: speed and determinism ----
if have_ml && command -v trec-ingest >/dev/null && command -v trec-split >/dev/null; then
    trec-ingest "$ML/ratings.csv" -o ml.csr -q 2>/dev/null || trec-ingest "$ML/ratings.csv" -o ml.csr; made "ml.csr"
    trec-split ml.csr --train mltr.csr --test mlte.csr --test-fraction 0.2 --seed 1 -q; made "mltr.csr"
    for k in 5 100; do
        "$T/mkfix" random-model mltr.csr ml$k.trec $k dot 1; made "ml$k.trec"
        trec-eval ml$k.trec --test mlte.csr --train mltr.csr -k 5,10,20,1000 --min-rating 4 \
            --threads 1 --json -q >ml$k.1.json; made "ml$k.1.json"
        trec-eval ml$k.trec --test mlte.csr --train mltr.csr -k 5,10,20,1000 --min-rating 4 \
            --threads 2 --json -q >ml$k.2.json; made "ml$k.2.json"
        same "ml-latest-small, k=$k: 1 or 2 threads, same output" ml$k.1.json ml$k.2.json
        # a random model is as good as the random baseline, within noise: at
        # K = 1000 about 1000 test positives are hit (at K = 20, about 20:
        # too few to tell 0.5 from 1.5); measured 1.09 (k=5) and 0.94 (k=100)
        near "ml-latest-small, k=$k: random model ~ random baseline (recall@1000 within 20%)" \
            ml$k.1.json "int(abs(m('test','model','recall@1000') / m('test','random','recall@1000') - 1) < 0.2)" "1"
        # ... which a ranking with information fails: most popular, 7.4 x random
        near "ml-latest-small, k=$k: most popular is not within 20% of random" ml$k.1.json \
            "int(m('test','most-popular','recall@1000') / m('test','random','recall@1000') > 2)" "1"
    done
    for p in cosine euclidean; do
        "$T/mkfix" random-model mltr.csr ml$p.trec 20 $p 2; made "ml$p.trec"
        trec-eval ml$p.trec --test mlte.csr --train mltr.csr --exclude-train --threads 1 --json -q >ml$p.1.json; made -s "ml$p.1.json"
        trec-eval ml$p.trec --test mlte.csr --train mltr.csr --exclude-train --threads 2 --json -q >ml$p.2.json; made -s "ml$p.2.json"
        same "ml-latest-small, $p: same output for any thread count" ml$p.1.json ml$p.2.json
    done
else
    skip_ml "MovieLens eval checks"
fi
