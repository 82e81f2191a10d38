# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-nightly.sh - the nightly job of trec(7) (NIGHTLY JOBS), taken verbatim
# from the rendered man page and run end to end on ml-latest-small: a good
# night appends an "ok" row and draws the report; a regression (the same job
# fitting for 1 epoch instead of 100) trips both gates: exit
# 3, a one-line reason, a "failed" row, the chain stopped before the report.
if ! have_ml; then
    skip_ml "the nightly job of trec(7)"
elif ! command -v man >/dev/null 2>&1; then
    skip "the nightly job of trec(7) (no man(1) to render the page)"
else
    MANWIDTH=200 man -l "$ROOT/man/man7/trec.7" 2>/dev/null |
        sed -n '/^ *\$ cat nightly.sh$/,/^$/p' | sed '1d; /^$/d; s/^       //' >nightly.sh
    contains "nightly.sh from trec(7): starts with the ingest" nightly.sh \
        "trec-ingest ratings.csv -o ratings.csr -q &&"
    contains "...ends with the report" nightly.sh "trec-report h.tsv -o report.html -q"
    ln -s "$ML/ratings.csv" ratings.csv
    ln -s "$ML/movies.csv" movies.csv
    SOURCE_DATE_EPOCH=1767236400 sh nightly.sh >out.txt 2>err.txt
    eq "a good night: exit 0" "$?" 0
    eq "...silent (nothing for cron to mail)" "$(cat out.txt err.txt)" ""
    eq "...one ok row in the history" "$(cut -f 1,2,6 h.tsv | tail -n +2)" \
        "2026-01-01T03:00:00Z	model.trec	ok"
    if command -v gnuplot >/dev/null 2>&1; then
        contains "...the report, with the plot" report.html "<svg"
    else
        contains "...the report" report.html "<table id=\"last\">"
    fi
    cp report.html report.before
    sed "s/--sampled-items 1000/--sampled-items 1000 --epochs 1/" nightly.sh >regressed.sh
    SOURCE_DATE_EPOCH=1767322800 sh regressed.sh >out.txt 2>err.txt
    eq "a regression: exit 3" "$?" 3
    eq "...one line on stderr" "$(wc -l <err.txt)" 1
    contains "...the gate's reason" err.txt "trec-eval: quality gate failed: recall@10 = 0.0"
    contains "...both gates named" err.txt "is no better than most-popular"
    eq "...a failed row appended" "$(cut -f 1,6 h.tsv | tail -n +2)" \
        "2026-01-01T03:00:00Z	ok
2026-01-02T03:00:00Z	failed"
    same "...the chain stopped: the report is yesterday's" report.html report.before
    ok "the report of both nights" trec-report h.tsv --no-plot -o both.html -q
    contains "...shows the drop" both.html '<td class="down">-0.0'
fi
