# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-gate.sh - trec-eval's quality gates (--fail-below,
# --fail-below-baseline: exit 3 with a one-line reason) and --history (one
# TSV row per run, header once, locked appends), on the hand-computed model
# of tests/fixtures/eval (see test-eval.sh): with -k 2 --gain binary the
# model's test recall@2 is (1/3 + 1/2 + 1) / 3 = 0.6111, most-popular's
# (1/3 + 1/2 + 0) / 3 = 0.2778.
. "$FIX/eval/build-mkfix.sh"
LC_ALL=C; export LC_ALL
E=$FIX/eval
"$T/mkfix" model "$E/model.spec" m.trec
"$T/mkfix" matrix "$E/test.spec" test.csr
"$T/mkfix" matrix "$E/train.spec" train.csr
TAB=$(printf '\t')
EV="trec-eval m.trec --test test.csr --train train.csr -k 2 --gain binary -q"

# status CMD...: prints the exit status, stderr to .err
status() { "$@" >.out 2>.err; echo $?; }

eq "gate passes at the model's value (0.6111 >= 0.61)" "$(status $EV --fail-below recall@2=0.61)" 0
eq "gate fails just above it: exit 3" "$(status $EV --fail-below recall@2=0.62)" 3
eq "the reason is one line" "$(wc -l <.err)" 1
contains "the reason names metric, value, threshold and split" .err \
    "trec-eval: quality gate failed: recall@2 = 0.611111 < 0.62 (test split of test.csr)"
ok "the report is still written on a failed gate" grep -q "most-popular" .out
# recall@1 is 1/6: 6 decimals round it up to 0.166667, above the threshold
eq "gate just above a value that rounds up: exit 3" \
    "$(status trec-eval m.trec --test test.csr --train train.csr -k 1 --gain binary -q \
        --fail-below recall@1=0.1666668)" 3
contains "...and the reason shows the digits that make it fail" .err \
    "recall@1 = 0.1666667 < 0.1666668 (test split of test.csr)"
eq "gates repeat: any failing one fails" \
    "$(status $EV --fail-below recall@2=0.5 --fail-below ndcg@2=0.99)" 3
contains "only the failing gate is named" .err "ndcg@2 = "
eq "...and not the passing one" "$(grep -c 'recall@2' .err)" 0
eq "two failing gates: one line, both reasons" \
    "$(status $EV --fail-below recall@2=0.9 --fail-below precision@2=0.9; wc -l <.err)" "3
1"
contains "both reasons, joined by ;" .err "recall@2 = 0.611111 < 0.9; precision@2 = "
eq "the model beats most-popular: passes" "$(status $EV --fail-below-baseline most-popular)" 0
eq "...and random, on NDCG" "$(status $EV --fail-below-baseline random:ndcg@2)" 0
eq "exit 0 without gates" "$(status $EV)" 0

eq "unknown baseline: usage error" "$(status $EV --fail-below-baseline bestseller)" 2
contains "...naming the available ones" .err "(available: random, most-popular)"
eq "most-popular needs --train" \
    "$(status trec-eval m.trec --test test.csr -k 2 --fail-below-baseline most-popular)" 2
eq "a cut-off not evaluated: usage error" "$(status $EV --fail-below recall@10=0.1)" 2
contains "...naming the evaluated ones" .err "K = 10 is not an evaluated cut-off (-k 2)"
eq "unknown metric: usage error" "$(status $EV --fail-below hitrate@2=0.1)" 2
eq "not a number: usage error" "$(status $EV --fail-below recall@2=high)" 2
eq "no value: usage error" "$(status $EV --fail-below recall@2)" 2

# ---- gates on every reported metric; AUC has no @K, as trec-eval prints it ----
EVA="$EV --metrics all"
auc=$($EVA | awk '$1 == "model" { print $NF; exit }')
lo=$(awk -v v="$auc" 'BEGIN { printf "%.6f", v - 0.000001 }')   # auc is rounded
eq "auc=V gates (auc as printed: no @K), passing just below the model's AUC ($auc)" \
    "$(status $EVA --fail-below auc=$lo)" 0
eq "...failing above it: exit 3" "$(status $EVA --fail-below auc=0.99)" 3
contains "...the reason names auc without a K" .err \
    "trec-eval: quality gate failed: auc = $auc < 0.99 (test split of test.csr)"
eq "auc with several cut-offs: one comparison" \
    "$(status trec-eval m.trec --test test.csr --train train.csr -k 1,2 --gain binary -q \
        --metrics all --fail-below auc=0.99)" 3
eq "...named once" "$(grep -o 'auc = ' .err | wc -l)" 1
eq "auc@2: usage error" "$(status $EVA --fail-below auc@2=0.5)" 2
contains "...auc takes no @K" .err "gate 'auc@2=0.5': auc takes no @K"
eq "auc not in --metrics: usage error" "$(status $EV --fail-below auc=0.5)" 2
contains "...saying to add it" .err "add it to --metrics: auc"
eq "the model beats most-popular on auc" "$(status $EVA --fail-below-baseline most-popular:auc)" 0
eq "coverage without @K: usage error (it depends on K)" \
    "$(status $EVA --fail-below coverage=0.5)" 2
contains "...asking for METRIC@K" .err "want METRIC@K (e.g. recall@10), or auc"
for m in map mrr hit-rate coverage; do
    v=$($EVA --tsv | awk -F'\t' -v m="$m@2" '$1 == "test" && $3 == "model" && $4 == m { print $5 }')
    lo=$(awk -v v="$v" 'BEGIN { printf "%.6f", v - 0.000001 }')   # v is rounded
    eq "$m@2 gates: passes just below the model's value ($lo)" "$(status $EVA --fail-below $m@2=$lo)" 0
    eq "...fails above it" "$(status $EVA --fail-below $m@2=1.01)" 3
    contains "...named" .err "$m@2 = $v < 1.01"
done

# ---- --history ----
SOURCE_DATE_EPOCH=1767225600 $EV --history h.tsv >/dev/null
SOURCE_DATE_EPOCH=1767312000 $EV --history h.tsv --fail-below recall@2=0.9 >/dev/null 2>&1
eq "history: a header and one row per run" "$(wc -l <h.tsv)" 3
eq "history: the header's fixed columns" "$(cut -f 1-7 h.tsv | head -n 1)" \
    "time${TAB}model${TAB}test${TAB}train${TAB}settings${TAB}status${TAB}recall@2"
contains "history: baseline and train columns" h.tsv \
    "most-popular:recall@2${TAB}most-popular:precision@2"
contains "history: train split columns" h.tsv "train:recall@2"
eq "history: UTC time, files, settings, status, 6 decimals" "$(sed -n 2p h.tsv | cut -f 1-7)" \
    "2026-01-01T00:00:00Z${TAB}m.trec${TAB}test.csr${TAB}train.csr${TAB}all-items min-rating=none gain=binary${TAB}ok${TAB}0.611111"
eq "history: a failed gate is recorded as failed" "$(sed -n 3p h.tsv | cut -f 1,6)" \
    "2026-01-02T00:00:00Z${TAB}failed"
eq "history: most-popular's recall@2" "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++)
    if ($i == "most-popular:recall@2") c = i } NR == 2 { print $c }' h.tsv)" 0.277778
eq "history: every row has the header's field count" \
    "$(awk -F'\t' '{ print NF }' h.tsv | sort -u | wc -l)" 1
cp h.tsv h.before
eq "history: other cut-offs refused (exit 1)" \
    "$(status trec-eval m.trec --test test.csr --train train.csr -k 3 -q --history h.tsv)" 1
contains "...naming the first column that differs" .err \
    "h.tsv:1: column 7 is 'recall@2' in the file but 'recall@3' in this run"
cp h.tsv h.before
for s in "--exclude-train" "--min-rating 1" "--gain exp"; do
    eq "history: other settings ($s) refused (exit 1)" \
        "$(status trec-eval m.trec --test test.csr --train train.csr -k 2 --gain binary $s -q --history h.tsv)" 1
done
contains "...naming both settings" .err \
    "h.tsv: the last run's settings were 'all-items min-rating=none gain=binary', this run's are 'all-items min-rating=none gain=exp'"
same "...and the history is unchanged" h.tsv h.before
same "...and the history is unchanged" h.tsv h.before
printf 'time\tmodel\n' >bad.tsv
fails "history: not a trec-eval history (the first missing column named)" 1 \
    "bad.tsv:1: column 3 is '' in the file but 'test' in this run" $EV --history bad.tsv
printf "$(head -n 1 h.tsv)\n2026-01-01T00:00:00Z\tm" >cut.tsv
fails "history: a last row without newline is refused" 1 \
    "cut.tsv: the last row has no newline" $EV --history cut.tsv
fails "history: - is not a file" 2 "--history wants a file" $EV --history -
fails "history: unwritable directory" 1 \
    "nosuchdir/h.tsv: cannot open the history file" $EV --history nosuchdir/h.tsv
ok "history: no history file is made by a usage error" sh -c \
    "! $EV --history u.tsv --fail-below x@1=1 2>/dev/null && test ! -e u.tsv"

# concurrent appends: 8 runs at once, one header, 8 whole rows
i=0
while [ $i -lt 8 ]; do $EV --history c.tsv >/dev/null & i=$((i + 1)); done
wait
eq "concurrent appends: one header" "$(grep -c '^time' c.tsv)" 1
eq "concurrent appends: 8 rows" "$(grep -c '^20' c.tsv)" 8
eq "concurrent appends: every row whole" "$(awk -F'\t' '{ print NF }' c.tsv | sort -u)" \
    "$(head -n 1 c.tsv | awk -F'\t' '{ print NF }')"
