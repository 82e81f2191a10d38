# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-conventions.sh - the command line every tool shares (trec(7),
# CONVENTIONS): -q and -v, --json as one compact object per line (so that
# `>> log.jsonl` collects runs) and --pretty, --no-header / --header, and
# binary output refused on a terminal unless forced (-f).
LC_ALL=C; export LC_ALL
S=$ROOT/datasets/samples
# jsonl FILE N: FILE is N lines, each one JSON object
jsonl() {
    python3 -c '
import json, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "", "no final newline"
objs = [json.loads(l) for l in lines[:-1]]
assert all(isinstance(o, dict) for o in objs), "not objects"
print(len(objs))' "$1" 2>&1
}

# a pipeline whose every summary goes to one log, one line per run
rm -f log.jsonl
trec-ingest "$S/synth-ratings.csv" -o r.csr --json >>log.jsonl; made "r.csr"
trec-ingest --item-features "$S/synth-movies.csv" --align r.csr -o g.csr --json >>log.jsonl; made "g.csr"
trec-split r.csr --train tr.csr --test te.csr --seed 1 --json >>log.jsonl; made "tr.csr"
trec-fit tr.csr -o m.trec --loss wmrb --min-rating 4 --components 4 --epochs 5 --json -q >>log.jsonl; made "m.trec"
trec-eval m.trec --test te.csr --train tr.csr --min-rating 4 --json -q >>log.jsonl; made "log.jsonl"
trec-recommend m.trec --user 1 -k 3 --json >>log.jsonl; made "log.jsonl"
trec-info r.csr m.trec --json >>log.jsonl; made "log.jsonl"
SOURCE_DATE_EPOCH=1767225600 trec-eval m.trec --test te.csr --train tr.csr --history h.tsv -q \
    >/dev/null; made "h.tsv"
trec-report h.tsv --no-plot -o r.html --json >>log.jsonl; made "r.html"
eq "--json: every tool's summary or report is one object per line" "$(jsonl log.jsonl)" 9
eq "--json: summaries name their tool" "$(python3 -c '
import json
print(" ".join(json.loads(l).get("tool", "-") for l in open("log.jsonl")))')" \
    "trec-ingest trec-ingest trec-split trec-fit - - - - trec-report"
eq "--json: ingest counts" "$(python3 -c '
import json
d = json.loads(open("log.jsonl").readline())
print(d["users"], d["items"], d["ratings"], d["kind"])')" "100 292 2000 ratings"
eq "--json: split counts add up" "$(python3 -c '
import json
d = json.loads(open("log.jsonl").readlines()[2])
print(d["train_entries"] + d["test_entries"] == d["entries"] == 2000)')" True
eq "--json: fit records its hyper-parameters" "$(python3 -c '
import json
d = json.loads(open("log.jsonl").readlines()[3])
print(d["loss"], d["epochs"], d["components"], d["meta"]["loss"])')" "wmrb 5 4 wmrb"

# --pretty: the same object, indented
trec-split r.csr --train tr2.csr --test te2.csr --seed 1 --pretty >p.json; made -s "p.json"
ok "--pretty parses" python3 -c 'import json; json.load(open("p.json"))'
ok "--pretty is several lines" test "$(wc -l <p.json)" -gt 5
for t in "trec-eval m.trec --test te.csr -q" "trec-info r.csr" "trec-recommend m.trec --user 1"; do
    $t --pretty >pp.json; made -s "pp.json"
    ok "--pretty: ${t%% *}" python3 -c 'import json; json.load(open("pp.json"))'
    eq "--json: ${t%% *} on one line" "$($t --json | wc -l)" 1
done
fails "--json with -o - (binary on stdout)" 2 "--json prints on standard output, which -o - already uses" trec-ingest "$S/synth-ratings.csv" -o - --json
fails "--json with --train -" 2 "--json prints on standard output, which '-' already uses" trec-split r.csr --train - --test x.csr --json
fails "--json with -o - (fit)" 2 "--json prints on standard output, which -o - already uses" trec-fit tr.csr -o - --json
fails "--json with the page on stdout" 2 "--json prints on standard output: write the page and plots to files" trec-report h.tsv --no-plot --json

# trec-tune follows them too: compact --json (one line, appendable), --pretty,
# --no-header on its TSV leaderboard
trec-split tr.csr --train fit.csr --test va.csr --seed 2 -q; made "fit.csr"
TUNE="trec-tune fit.csr --valid va.csr --algorithm ease --lambda 10,100 --trials 2"
$TUNE --json -q >>log.jsonl; made "log.jsonl"
eq "trec-tune --json: one more object, one line" "$(jsonl log.jsonl)" 10
eq "...the leaderboard in it" "$(tail -n 1 log.jsonl | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["metric"], len(d["leaderboard"]), d["leaderboard"][0]["rank"])')" "ndcg@10 2 1"
$TUNE --pretty -q >tp.json; made -s "tp.json"
ok "trec-tune --pretty parses" python3 -c 'import json; json.load(open("tp.json"))'
ok "trec-tune --pretty is several lines" test "$(wc -l <tp.json)" -gt 5
eq "trec-tune --pretty: the same object as --json" \
    "$(python3 -c 'import json; print(json.load(open("tp.json")) == json.loads(open("log.jsonl").readlines()[-1]))')" True
$TUNE -q >th.tsv; made -s "th.tsv"
$TUNE -q --no-header >tnh.tsv; made -s "tnh.tsv"
eq "trec-tune --no-header: the leaderboard without its first line" "$(tail -n +2 th.tsv)" "$(cat tnh.tsv)"
eq "...which was the header" "$(head -n 1 th.tsv | cut -f 1-4)" "rank	trial	algorithm	ndcg@10"
fails "trec-tune --no-header --json" 2 "--no-header is for the TSV leaderboard, not --json" $TUNE --json --no-header
fails "trec-tune -o - (the leaderboard is on stdout)" 2 "standard output holds the leaderboard" $TUNE -o -
# trec-tune's --log keeps its header lines (--resume checks the metric in the
# first): --no-header is the leaderboard's only
$TUNE -q --no-header --log tl.log >/dev/null
eq "trec-tune --no-header --log: the log keeps its header (for --resume)" \
    "$(head -n 1 tl.log | cut -d, -f1)" "# trec-tune log: metric ndcg@10"
# trec-fit's only TSV is its --log curve
FIT="trec-fit fit.csr -o vf.trec --algorithm ease --valid va.csr -q"
$FIT --log fl.tsv; made vf.trec
$FIT --log fnh.tsv --no-header; made vf.trec
eq "trec-fit --log --no-header: the curve without its first line (but the seconds)" \
    "$(tail -n +2 fl.tsv | cut -f 1-6)" "$(cut -f 1-6 fnh.tsv)"
eq "...which was the header" "$(head -n 1 fl.tsv | cut -f 1-4)" "epoch	loss	penalty	ndcg@10"
ok "...and the curve is there" test -s fnh.tsv
fails "trec-fit --no-header without --log" 2 "--no-header is for the --log file, the only TSV trec-fit writes" \
    trec-fit fit.csr -o vf.trec --algorithm ease --no-header
$TUNE -v >/dev/null 2>tv.err
contains "trec-tune -v: each trial's fitting time" tv.err " s of fitting): --lambda"
$TUNE -v -o tbest.trec >/dev/null 2>tv.err
contains "trec-tune -v -o: the refit's time" tv.err "trec-tune: refitted trial"

# ---- scores and metrics: the same digits everywhere ----
# rawnum: the numbers of a JSON document as their text (not re-printed by
# Python), so that "0.1" and "0.100000001" differ
cat >rawnum.py <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]), parse_float=str, parse_int=str)
for k in sys.argv[2:]:
    d = d[int(k)] if isinstance(d, list) else d[k]
print(d)
EOF2
# A model score: recommend's TSV, its JSON, and trec-info (--dump and --json)
# of the recommendations ingested back as a matrix.
trec-recommend m.trec --user 1 -k 3 --no-header >sc.tsv; made -s "sc.tsv"
trec-recommend m.trec --user 1 -k 3 --json >sc.json; made -s "sc.json"
eq "score: recommend TSV and JSON print the same digits" \
    "$(for i in 0 1 2; do python3 rawnum.py sc.json results 0 items $i score; done)" "$(cut -f4 sc.tsv)"
trec-ingest -q --sep tab --no-header --user-col 1 --item-col 3 --rating-col 4 --time-col none \
    sc.tsv -o sc.csr; made "sc.csr (the recommendations as a matrix)"
eq "score: trec-info --dump prints them with the same digits" "$(trec-info --dump sc.csr | cut -f3)" "$(cut -f4 sc.tsv)"
trec-info --json sc.csr >sci.json; made -s "sci.json"
eq "score: trec-info --json's max is the top score's text" "$(python3 rawnum.py sci.json values max)" "$(head -n 1 sc.tsv | cut -f4)"
ok "score: not a vacuous check (a fraction, not an integer)" sh -c "head -n 1 sc.tsv | cut -f4 | grep -q '[.e]'"
# a large value: JSON keeps the text form (1e+10), not cJSON's 10000000000
printf '1,1,1e10\n1,2,0.1\n' | trec-ingest -q - -o big.csr; made "big.csr"
trec-info --json big.csr >big.json; made -s "big.json"
eq "value: --dump and --json agree on 1e+10 and 0.1" \
    "$(python3 rawnum.py big.json values max) $(python3 rawnum.py big.json values min)" \
    "$(trec-info --dump big.csr | cut -f3 | sort -r | tr '\n' ' ' | sed 's/ $//')"
# A metric: trec-eval's table, --tsv, --json, --history, trec-report's page
# and --json show the same text.
trec-eval m.trec --test te.csr --train tr.csr -k 10 -q -o ev.txt; made -s "ev.txt"
trec-eval m.trec --test te.csr --train tr.csr -k 10 -q --tsv --no-header >ev.tsv; made -s "ev.tsv"
trec-eval m.trec --test te.csr --train tr.csr -k 10 -q --json >ev.json; made -s "ev.json"
rm -f dh.tsv
SOURCE_DATE_EPOCH=1767225600 trec-eval m.trec --test te.csr --train tr.csr -k 10 -q \
    --history dh.tsv >/dev/null; made "dh.tsv"
trec-report dh.tsv --no-plot -o dh.html --json >dh.json; made -s "dh.json"
v_tsv=$(awk -F'\t' '$1 == "test" && $3 == "model" && $4 == "recall@10" { print $5 }' ev.tsv)
ok "metric: a value with 6 decimals" sh -c "echo '$v_tsv' | grep -qx '[0-9]\.[0-9]\{6\}'"
eq "metric: --json has the --tsv text" "$(python3 rawnum.py ev.json splits 0 rankers 0 recall@10)" "$v_tsv"
eq "metric: the table has it" "$(awk '$1 == "model" { print $2; exit }' ev.txt)" "$v_tsv"
eq "metric: the history has it" "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "recall@10") c = i } NR == 2 { print $c }' dh.tsv)" "$v_tsv"
eq "metric: trec-report --json has it" "$(python3 rawnum.py dh.json last recall@10)" "$v_tsv"
contains "metric: the report's page has it" dh.html "<td>$v_tsv</td>"
# trec-fit's validation line and the model's META; trec-tune's leaderboard,
# JSON and summary
trec-fit fit.csr -o vm.trec --loss wmrb --min-rating 4 --components 4 --epochs 3 --valid va.csr \
    2>vm.err; made "vm.trec"
best=$(sed -n 's/.*validation on va.csr: best ndcg@10 \([^ ]*\) at.*/\1/p' vm.err)
trec-info --json vm.trec >vm.json; made -s "vm.json"
eq "metric: trec-fit's validation best is META's" "$(python3 rawnum.py vm.json meta validation best)" "$best"
ok "...with 6 decimals" sh -c "echo '$best' | grep -qx '[0-9]\.[0-9]\{6\}'"
$TUNE --json -q >tj.json; made -s "tj.json"
$TUNE --no-header 2>tn.err >tn.tsv; made -s "tn.tsv"
eq "metric: trec-tune's TSV and JSON values" "$(python3 rawnum.py tj.json leaderboard 0 value)" "$(head -n 1 tn.tsv | cut -f4)"
contains "metric: trec-tune's summary line" tn.err "ndcg@10 $(head -n 1 tn.tsv | cut -f4) at epoch"

# -q and -v on every tool; -v's own lines: the times of the steps, a
# progress line every epoch (20 epochs: by default every second one), the
# closing summary of the tools that print none by default
for t in "trec-ingest $S/synth-ratings.csv -o q.csr" "trec-split r.csr --train q1.csr --test q2.csr" \
    "trec-fit tr.csr -o q.trec --preset tensorrec --epochs 20" "trec-eval m.trec --test te.csr" \
    "trec-recommend m.trec --user 1" "trec-info r.csr" "trec-report h.tsv --no-plot -o q.html" \
    "$TUNE"; do
    name=${t%% *}
    case $name in
    trec-ingest) said="trec-ingest: read " ;;
    trec-split) said="s, split and wrote " ;;
    trec-fit) said="trec-fit: epoch 3/20 loss " ;;
    trec-eval) said="s, ranked " ;;
    trec-recommend) said="trec-recommend: 1 users, top 10, " ;;
    trec-info) said="trec-info: 1 file described, " ;;
    trec-report) said="trec-report: h.tsv: 1 run, 4 metrics, HTML q.html, no plot" ;;
    trec-tune) said="s of fitting): --lambda 10 " ;;
    esac
    $t -q >/dev/null 2>q.err; made "$name -q"
    eq "$name -q: nothing on stderr" "$(cat q.err)" ""
    $t -v >/dev/null 2>v.err; made "$name -v"
    contains "$name -v: its verbose lines" v.err "$said"
    fails "$name -q -v: usage error" 2 "-q and -v exclude each other" $t -q -v
done

# headers
trec-eval m.trec --test te.csr --tsv --no-header -q >nh.tsv; made -s "nh.tsv"
eq "trec-eval --tsv --no-header: data lines only" "$(grep -c '^split' nh.tsv)" 0
eq "...all of them (1 split x 2 rankers x 4 metrics)" "$(wc -l <nh.tsv)" 8
trec-eval m.trec --test te.csr --per-user pu.tsv --no-header -q >/dev/null; made -s "pu.tsv"
eq "trec-eval --per-user --no-header" "$(grep -c '^user' pu.tsv)" 0
trec-info --dump --header tr.csr >d.tsv; made -s "d.tsv"
eq "trec-info --dump --header" "$(head -n 1 d.tsv)" "row_label	col_label	value	timestamp"
eq "...then the entries" "$(($(wc -l <d.tsv) - 1))" "$(trec-info --dump tr.csr | wc -l)"
fails "--header without --dump" 2 "--header goes with --dump" trec-info --header tr.csr

# binary output to a terminal (script(1) gives the tools a terminal)
if command -v script >/dev/null 2>&1; then
    tty_run() { script -qec "$1" /dev/null >tty.out 2>&1; echo $?; }
    eq "trec-ingest -o - on a terminal: refused" \
        "$(tty_run "trec-ingest $S/synth-ratings.csv -o -")" 1
    contains "...saying why" tty.out "refusing to write a matrix (binary) to a terminal"
    eq "trec-split --test - on a terminal: refused" \
        "$(tty_run "trec-split $T/r.csr --train $T/t1.csr --test -")" 1
    eq "trec-fit -o - on a terminal: refused" "$(tty_run "trec-fit $T/tr.csr -o - --epochs 1")" 1
    eq "...and no output file was made by the refused split" "$(ls t1.csr 2>/dev/null)" ""
    eq "-f forces it" "$(tty_run "trec-ingest $S/synth-ratings.csv -o - -f -q")" 0
    ok "a pipe is not a terminal" sh -c "trec-ingest $S/synth-ratings.csv -o - -q | trec-info - >/dev/null"
    # progress of the long steps on a terminal, erased at the end
    tty_run "trec-eval $T/m.trec --test $T/te.csr -o /dev/null" >/dev/null
    contains "trec-eval on a terminal: the step under way" tty.out "trec-eval: ranking 292 items for 100 users..."
    tty_run "trec-eval $T/m.trec --test $T/te.csr -o /dev/null -q" >/dev/null
    eq "...none with -q" "$(cat tty.out)" ""
    tty_run "trec-recommend $T/m.trec --all-users -k 2 -o /dev/null" >/dev/null
    contains "trec-recommend --all-users: the step under way" tty.out "trec-recommend: ranking..."
    tty_run "trec-ingest $S/synth-ratings.csv -o $T/p.csr" >/dev/null
    contains "trec-ingest: the step under way" tty.out "trec-ingest: reading $S/synth-ratings.csv..."
    trec-eval m.trec --test te.csr -o /dev/null 2>notty.err; made "trec-eval, stderr not a terminal"
    eq "...no progress when stderr is not a terminal" "$(tr -d -c '\r' <notty.err | wc -c)" 0
else
    skip "binary output refused on a terminal (no script(1))"
fi

# make demo's scratch directory: removed unless kept (on the samples)
GS=$ROOT/scripts/getting-started.sh
SAMPLES=$T/samples
mkdir -p "$SAMPLES" tmp1 tmp2
cp "$S/synth-ratings.csv" "$SAMPLES/ratings.csv"
cp "$S/synth-movies.csv" "$SAMPLES/movies.csv"
ok "demo: runs in a scratch directory" env TMPDIR="$T/tmp1" TREC_ML_SMALL="$SAMPLES" \
    sh -c '"$0" "$1" >"$2"' "$GS" "$BIN" "$T/demo1.out"
eq "demo: the scratch directory is removed" "$(ls tmp1)" ""
contains "...and says so" demo1.out "work directory removed (--keep, or make demo KEEP=1, keeps it)"
ok "demo --keep" env TMPDIR="$T/tmp2" TREC_ML_SMALL="$SAMPLES" \
    sh -c '"$0" --keep "$1" >"$2"' "$GS" "$BIN" "$T/demo2.out"
eq "demo --keep: the scratch directory stays, with the models" \
    "$(ls tmp2/trec-walkthrough.*/hybrid.trec | wc -l)" 1
contains "...and is named" demo2.out "files in $T/tmp2/trec-walkthrough."
mkdir -p brokenbin tmp3
for t in trec-ingest trec-split trec-info trec-eval trec-recommend; do ln -sf "$BIN/$t" brokenbin/$t; done
printf '#!/bin/sh\necho "trec-fit: error: simulated failure" >&2\nexit 1\n' >brokenbin/trec-fit
chmod +x brokenbin/trec-fit
env TMPDIR="$T/tmp3" TREC_ML_SMALL="$SAMPLES" "$GS" "$T/brokenbin" >/dev/null 2>&1
eq "demo: a failed run removes its scratch directory too" "$(ls tmp3)" ""
