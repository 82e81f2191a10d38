# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-tune.sh - trec-tune: the space (lists, ranges, defaults, grid),
# successive halving, the leaderboard (TSV, --json), the best model, the
# log and --resume, the budget, errors. Fixtures: tests/fixtures/fit.
F=$FIX/fit
R=$F/ratings.csr
crcs() { trec-info "$1" | awk '$2 == "offset" && $1 != "META" { print $1, $NF }'; }
trec-split -q "$R" --train train.csr --valid valid.csr --test test.csr --seed 3; made "train.csr"
A="train.csr --valid valid.csr --algorithm als,ease --components 2,4 --trials 4"

# ---- a search ----
# shellcheck disable=SC2086
trec-tune $A --log t.log -o best.trec >b1.tsv 2>b1.err; made -s "b1.tsv"
eq "leaderboard header" "$(head -n 1 b1.tsv)" "rank	trial	algorithm	ndcg@10	best_epoch	epochs	rung	options"
eq "4 trials per algorithm" "$(awk -F'\t' 'NR > 1 { n[$3]++ } END { print n["als"], n["ease"] }' b1.tsv)" "4 4"
eq "ranks 1..8" "$(cut -f1 b1.tsv | tail -n +2 | tr '\n' ' ')" "1 2 3 4 5 6 7 8 "
eq "ease: one rung, no epochs" "$(awk -F'\t' '$3 == "ease" { print $6, $7 }' b1.tsv | sort -u)" "- 1/1"
eq "--components goes to als, not ease" \
    "$(awk -F'\t' '$3 == "ease" && $8 ~ /components/' b1.tsv | wc -l | tr -d ' ')" "0"
eq "als: the values of the list only" \
    "$(awk -F'\t' '$3 == "als" { split($8, w, " "); print w[2] }' b1.tsv | sort -u | tr '\n' ' ')" "2 4 "
eq "successive halving: 4, then ceil(4/3) = 2, then 1 als trials" \
    "$(awk -F'\t' '$3 == "als" { n[$2]++ } END { print n[0], n[1], n[2] }' t.log)" "4 2 1"
eq "... for 2, 5 and 15 of als's 15 epochs" \
    "$(awk -F'\t' '$3 == "als" { e[$2] = $4 } END { print e[0], e[1], e[2] }' t.log)" "2 5 15"
eq "leaderboard: finished trials by value" \
    "$(awk -F'\t' 'NR > 1 && ($7 == "3/3" || $7 == "1/1") { print $4 }' b1.tsv | sort -gr | tr '\n' ' ')" \
    "$(awk -F'\t' 'NR > 1 && ($7 == "3/3" || $7 == "1/1") { print $4 }' b1.tsv | tr '\n' ' ')"
contains "best trial said" b1.err "trec-tune: best: trial"
contains "most-popular said" b1.err "trec-tune: most-popular on valid.csr: ndcg@10"
# shellcheck disable=SC2086
trec-tune $A -q >b2.tsv; made -s "b2.tsv"
same "deterministic for a seed" b1.tsv b2.tsv
# shellcheck disable=SC2086
trec-tune $A -q --seed 2 >b3.tsv; made -s "b3.tsv"
ok "another seed draws other trials" sh -c "! cmp -s b1.tsv b3.tsv"
# shellcheck disable=SC2086
trec-tune $A -q --json >b.json; made -s "b.json"
eq "--json: the best is rank 1" "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["best"] == d["leaderboard"][0]["trial"], len(d["leaderboard"]), d["metric"])' <b.json)" "True 8 ndcg@10"
eq "--json = TSV" "$(python3 -c 'import json,sys; print(" ".join("%.6f" % e["value"] for e in json.load(sys.stdin)["leaderboard"]))' <b.json)" \
    "$(awk -F'\t' 'NR > 1 { printf "%s%s", s, $4; s = " " }' b1.tsv)"

# ---- the best model ----
trec-tune train.csr --valid valid.csr --algorithm als --components 2,4 --trials 3 -q -o als.trec >ba.tsv; made -s "ba.tsv"
opts=$(awk -F'\t' 'NR == 2 { print $8 }' ba.tsv)
ep=$(awk -F'\t' 'NR == 2 { print $6 }' ba.tsv)
be=$(awk -F'\t' 'NR == 2 { print $5 }' ba.tsv)
# shellcheck disable=SC2086
trec-fit -q train.csr -o same.trec --preset als $opts --epochs "$ep" --valid valid.csr --patience 3 2>/dev/null; made "same.trec"
eq "-o: the best trial's model (trec-fit of its options)" "$(crcs als.trec)" "$(crcs same.trec)"
# shellcheck disable=SC2086
trec-fit -q train.csr -o same2.trec --preset als $opts --epochs "$be"; made "same2.trec"
eq "... = trec-fit --epochs best_epoch" "$(crcs als.trec)" "$(crcs same2.trec)"
contains "-o: META of trec-fit" als.trec '"algorithm":"als"'

# ---- grid ----
trec-tune train.csr --valid valid.csr --algorithm ease --lambda 100,200 --other-weight 0,0.4 --trials 4 -q >g.tsv; made -s "g.tsv"
eq "a list-only space within --trials: the whole grid" "$(awk -F'\t' 'NR > 1 { print $2 ": " $8 }' g.tsv | sort -n | tr '\n' ';')" \
    "1: --lambda 100 --other-weight 0;2: --lambda 100 --other-weight 0.4;3: --lambda 200 --other-weight 0;4: --lambda 200 --other-weight 0.4;"
trec-tune train.csr --valid valid.csr --algorithm ease --lambda 100,200 --other-weight 0,0.4 --trials 3 -q >g3.tsv; made -s "g3.tsv"
eq "a larger grid: --trials distinct draws" "$(tail -n +2 g3.tsv | cut -f8 | sort -u | wc -l | tr -d ' ')" "3"
trec-tune train.csr --valid valid.csr --algorithm ease --lambda 10..1000 --trials 5 -q >r.tsv; made -s "r.tsv"
ok "a range: values within it" awk -F'\t' 'NR > 1 { split($8, w, " "); if (w[2] < 10 || w[2] > 1000) exit 1 }' r.tsv

# ---- the issue's command line ----
cp train.csr train2.csr
ok "trec-tune train.csr --valid valid.csr --algorithm als,ease --components 32,64,128 --alpha 1e-4..1e-1 --budget 5m" \
    sh -c 'trec-tune train.csr --valid valid.csr --algorithm als,ease --components 32,64,128 --alpha 1e-4..1e-1 --budget 5m >issue.tsv 2>issue.err'
contains "... --alpha, which neither takes, is left out with a warning" issue.err \
    "warning: --alpha applies to none of the algorithms searched (als,ease): left out"
ok "... a leaderboard" test "$(wc -l <issue.tsv)" -gt 1

# ---- the log and --resume ----
# shellcheck disable=SC2086
trec-tune $A --log t.log --resume >r1.tsv 2>r1.err
same "--resume of a whole log: the same leaderboard" b1.tsv r1.tsv
contains "... with no fit" r1.err "0 fits, 11 from the log"
head -n 7 t.log >part.log
# shellcheck disable=SC2086
trec-tune $A --log part.log --resume >r2.tsv 2>r2.err
same "--resume of an interrupted search: the same leaderboard" b1.tsv r2.tsv; made -s "r2.tsv"
contains "... fitting only the rest" r2.err "6 fits, 5 from the log"
eq "... and the same log (but the times)" "$(cut -f1-6,8 part.log)" "$(cut -f1-6,8 t.log)"
# shellcheck disable=SC2086
trec-tune $A -q --log new.log --resume >r3.tsv; made -s "r3.tsv"
same "--resume without a log yet: a fresh start" b1.tsv r3.tsv
# shellcheck disable=SC2086
fails "--resume of another metric's log" 1 "t.log:1: the log is of another metric (this search: recall@5)" trec-tune $A --metric recall@5 --log t.log --resume
{ head -n 3 t.log; echo "garbage"; } >bad.log
# shellcheck disable=SC2086
fails "--resume of a bad log" 1 "bad.log:4: not a trial line (trial, rung, algorithm, epochs, value," trec-tune $A --log bad.log --resume
contains "... names file and line" "$T/.err" "bad.log:4: not a trial line"

# ---- budget ----
# shellcheck disable=SC2086
fails "a budget too small for one trial" 1 "no trial finished within --budget" trec-tune $A --budget 1e-9 -o bad.trec
contains "... says so" "$T/.err" "no trial finished within --budget"
# shellcheck disable=SC2086
trec-tune $A -q --budget 1h >bh.tsv; made -s "bh.tsv"
same "a budget not reached: the same leaderboard" b1.tsv bh.tsv

# ---- --valid from another ingest: matched by raw ids, as trec-fit --valid ----
# valid.csr with a new user and a new item, ingested on its own --align'ed
# to train.csr (so it has more users and items): the ids train.csr lacks are
# skipped and counted, and the search is the one on valid.csr itself.
{ trec-info --dump valid.csr; printf 'unew\ti1\t5\nu1\tinew\t4\n'; } >grown.tsv
trec-ingest -q --sep tab --no-header --time-col none grown.tsv --align train.csr -o grown.csr
ok "--valid of a grown matrix" trec-tune train.csr --valid grown.csr --algorithm ease --lambda 10,100 --trials 2 -o gv.trec
trec-tune train.csr --valid grown.csr --algorithm ease --lambda 10,100 --trials 2 >gv.tsv 2>gv.err
contains "--valid: what the training matrix lacks is counted" gv.err "warning: grown.csr: 1 users and 1 items not in train.csr skipped (2 entries)"
trec-tune train.csr --valid valid.csr --algorithm ease --lambda 10,100 --trials 2 >gv0.tsv 2>/dev/null
same "--valid grown: the leaderboard of --valid valid.csr" gv.tsv gv0.tsv
trec-tune train.csr --valid grown.csr --algorithm ease --lambda 10,100 --trials 2 -q >/dev/null 2>gvq.err
eq "-q: no warning" "$(cat gvq.err)" ""

# ---- errors ----
fails "no --valid" 2 "missing --valid FILE (trec-tune never looks at test: carve a validation" trec-tune train.csr --algorithm ease
eq "... a usage error (2)" "$(trec-tune train.csr >/dev/null 2>&1; echo $?)" "2"
fails "unknown algorithm" 2 "--algorithm: unknown algorithm 'knn' (tensorrec, sgd, als, ease)" trec-tune train.csr --valid valid.csr --algorithm knn
fails "unknown option" 2 "unrecognized option '--colour'" trec-tune train.csr --valid valid.csr --colour red
fails "a flag cannot be searched" 2 "--no-biases cannot be searched by trec-tune (a flag)" trec-tune train.csr --valid valid.csr --no-biases
fails "a file option cannot be searched" 2 "--item-features cannot be searched by trec-tune" trec-tune train.csr --valid valid.csr --item-features x.csr
fails "a bad value in a list" 2 "--components: '0' is not an integer in [1, 1048576]" trec-tune train.csr --valid valid.csr --components 2,0
fails "a bad range" 2 "--components: range '8..2' is empty (LO must be below HI)" trec-tune train.csr --valid valid.csr --components 8..2
fails "a range of words" 2 "--loss: a range 'a..b' of an option that is not a number" trec-tune train.csr --valid valid.csr --algorithm sgd --loss a..b
fails "--resume without --log" 2 "--resume needs --log FILE" trec-tune train.csr --valid valid.csr --resume
fails "a bad --budget" 2 "--budget wants a time: seconds, or a number with s, m or h: 5x" trec-tune train.csr --valid valid.csr --budget 5x
# (unlabelled.csr has the training shape: it was refused for sharing positives)
fails "--valid without ids to match by" 1 "users.csr: 2 items, but the training matrix has 15 and one of them has no item labels (raw ids) to match them by" trec-tune train.csr --valid "$F/users.csr" --algorithm ease -o bad.trec
fails "missing TRAIN" 1 "nope.csr: cannot open: No such file or directory" trec-tune nope.csr --valid valid.csr
eq "no model left by the failures" "$(ls bad.trec 2>/dev/null)" ""
ok "--help" trec-tune --help
ok "--version" trec-tune --version
