# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-report.sh - trec-report: a trec-eval --history file as plots (gnuplot:
# SVG, PNG) and a self-contained HTML page, checked for structure and, when
# chromium is installed, rendered by a real headless browser. Checks that
# need gnuplot or chromium are counted as skipped where they are missing.
. "$FIX/eval/build-mkfix.sh"
LC_ALL=C; export LC_ALL
E=$FIX/eval
"$T/mkfix" model "$E/model.spec" m.trec
"$T/mkfix" matrix "$E/test.spec" test.csr
"$T/mkfix" matrix "$E/train.spec" train.csr
EV="trec-eval m.trec --test test.csr --train train.csr -k 2 -q"
# three nightly runs, a day apart; the third fails its gate, and evaluates
# with train and test swapped (same settings, other figures: the table's
# change column is not 0)
SOURCE_DATE_EPOCH=1767225600 $EV --history h.tsv >/dev/null
SOURCE_DATE_EPOCH=1767312000 $EV --history h.tsv >/dev/null
SOURCE_DATE_EPOCH=1767398400 trec-eval m.trec --test train.csr --train test.csr -k 2 -q \
    --history h.tsv --fail-below recall@2=0.9 \
    >/dev/null 2>&1
eq "history of 3 runs" "$(wc -l <h.tsv)" 4

# pagecheck.py FILE: checks the page's structure and prints facts about it
cat >pagecheck.py <<'EOF2'
import sys
from html.parser import HTMLParser
VOID = {"meta", "img", "br", "link", "input", "hr"}
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.errors = []; s.rows = []; s.cells = None
        s.tags = {}; s.external = []; s.data = []
    def handle_starttag(s, t, a):
        s.tags[t] = s.tags.get(t, 0) + 1
        a = dict(a)
        for k in ("src", "href"):
            v = a.get(k) or ""
            if v and not v.startswith("data:") and not v.startswith("#"):
                s.external.append(v)
        if t == "tr": s.cells = []
        if t not in VOID and not (t in ("path", "circle", "rect", "line", "use", "polygon",
                                        "polyline", "image") and False):
            s.stack.append(t)
    def handle_startendtag(s, t, a):
        s.tags[t] = s.tags.get(t, 0) + 1
    def handle_endtag(s, t):
        if t in VOID: return
        if not s.stack or s.stack[-1] != t:
            s.errors.append("</%s> closes <%s>" % (t, s.stack[-1] if s.stack else "nothing"))
            return
        s.stack.pop()
        if t == "tr": s.rows.append(s.cells); s.cells = None
    def handle_data(s, d):
        if s.cells is not None and s.stack and s.stack[-1] in ("td", "th"):
            s.cells.append(d)
        s.data.append(d)
    def handle_entityref(s, n):
        if s.cells is not None: s.cells.append("-")
p = P(); p.feed(open(sys.argv[1]).read()); p.close()
print("errors", len(p.errors), *p.errors[:3])
print("unclosed", len(p.stack))
print("external", len(p.external))
print("tags", *sorted(k for k in p.tags if k in ("html", "head", "body", "title", "table",
      "svg", "img", "figure", "script", "link", "iframe")))
for r in p.rows: print("row", "|".join(c.strip() for c in r))
EOF2

# ---- the page without a plot: no gnuplot needed ----
ok "--no-plot page" trec-report h.tsv --no-plot -o np.html -q
python3 pagecheck.py np.html >np.txt
contains "page: well formed" np.txt "errors 0"
contains "page: every element closed" np.txt "unclosed 0"
contains "page: no external file" np.txt "external 0"
contains "page: html, head, body, title, table; no script" np.txt "tags body head html table title"
contains "page: header row" np.txt "row metric|model|change|most-popular|random|model on train"
# the last run (binary gain) against the previous one (exp gain): recall is
# the same, NDCG@2 changes
l3=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "ndcg@2") c = i }
    NR == 3 { a = $c } NR == 4 { printf "%.6f|%+.6f", $c, $c - a }' h.tsv)
# the table's recall@2 row, computed from the history's last two rows
want=$(python3 -c '
rows = [l.rstrip("\n").split("\t") for l in open("h.tsv")]
h, prev, last = rows[0], rows[-2], rows[-1]
v = lambda r, n: float(r[h.index(n)])
d = v(last, "recall@2") - v(prev, "recall@2")
print("row recall@2|%.6f|%+.6f (%+.1f%%)|%.6f|%.6f|%.6f" % (v(last, "recall@2"), d,
      100 * d / v(prev, "recall@2"), v(last, "most-popular:recall@2"),
      v(last, "random:recall@2"), v(last, "train:recall@2")))')
contains "page: last run's recall@2, its change, the baselines" np.txt "$want"
ok "...and the change is not 0 (the test is not vacuous)" sh -c "! echo '$want' | grep -q '|+0.000000'"
contains "page: ndcg@2 and its change from the history" np.txt "row ndcg@2|${l3%%|*}|${l3#*|}"
eq "page: a row per model metric (4) and the header" "$(grep -c '^row' np.txt)" 5
contains "page: the last run's failed gate" np.html '<span class="failed">failed</span>'
contains "page: 3 runs, first and last times" np.html \
    "3 runs from 2026-01-01T00:00:00Z to 2026-01-03T00:00:00Z (UTC)"
ok "--metric picks the table's rows" trec-report h.tsv --no-plot --metric ndcg@2 -o one.html -q
eq "...one row" "$(python3 pagecheck.py one.html | grep -c '^row ndcg@2')" 1
eq "...and only it" "$(python3 pagecheck.py one.html | grep -c '^row')" 2
ok "the page is deterministic" sh -c 'trec-report h.tsv --no-plot -q > np2.html && cmp np.html np2.html'
ok "--title" trec-report h.tsv --no-plot --title 'Nightly <ML>' -o t.html -q
contains "...escaped" t.html "<title>Nightly &lt;ML&gt;</title>"

# ---- errors ----
fails "no history" 2 "missing HISTORY (a trec-eval --history file)" trec-report
fails "missing file" 1 "nosuch.tsv: cannot open" trec-report nosuch.tsv --no-plot
printf 'time\tmodel\ttest\ttrain\tsettings\tstatus\trecall@2\n2026-01-01T00:00:00Z\tm\tt\t-\ts\tok\tabc\n' >bad.tsv
fails "a bad value" 1 "bad.tsv:2: field 7 (recall@2): 'abc' is not a number" trec-report bad.tsv --no-plot
contains "...named by file, line, field and column" .err "bad.tsv:2: field 7 (recall@2): 'abc' is not a number"
printf 'time\tmodel\ttest\ttrain\tsettings\tstatus\trecall@2\nyesterday\tm\tt\t-\ts\tok\t0.5\n' >bad2.tsv
fails "a bad time" 1 "bad2.tsv:2: field 1 (time): 'yesterday' is not a UTC time" trec-report bad2.tsv --no-plot
contains "...named" .err "bad2.tsv:2: field 1 (time): 'yesterday' is not a UTC time"
printf 'time\tmodel\ttest\ttrain\tsettings\tstatus\trecall@2\n2026-01-01T00:00:00Z\tm\tt\n' >bad3.tsv
fails "a short row" 1 "bad3.tsv:2: 3 fields, the header has 7" trec-report bad3.tsv --no-plot
contains "...named" .err "bad3.tsv:2: 3 fields, the header has 7"
printf 'user\titem\trating\n1\t2\t3\n' >notahistory.tsv
fails "not a history" 1 "notahistory.tsv:1: the header has 3 columns" trec-report notahistory.tsv --no-plot
# The message quoted the header field after the text was freed (found by
# make fuzz: a use after free under ASan, garbage in the message otherwise).
printf 'time\tmodl\ttest\ttrain\tsettings\tstatus\trecall@2\n' >badname.tsv
fails "a wrong header field" 1 \
    "badname.tsv:1: field 2 is 'modl', want 'model': not a trec-eval history" \
    trec-report badname.tsv --no-plot
head -n 1 h.tsv >empty.tsv
fails "a header only" 1 "empty.tsv: no run in the history (only a header)" trec-report empty.tsv --no-plot
fails "an unknown metric" 1 "h.tsv: no model metric 'recall@99' in the history" trec-report h.tsv --no-plot --metric recall@99
fails "--no-plot with --png" 2 "--no-plot excludes --svg and --png" trec-report h.tsv --no-plot --png x.png
fails "two outputs on stdout" 2 "only one output can be standard output" trec-report h.tsv -o - --svg -

# ---- plots (gnuplot) ----
if command -v gnuplot >/dev/null 2>&1; then
    ok "page with the SVG plot, PNG and SVG files" \
        trec-report h.tsv -o r.html --png p.png --svg p.svg -q
    eq "PNG: the PNG signature" "$(head -c 8 p.png | od -An -tx1 | tr -d ' ')" 89504e470d0a1a0a
    eq "PNG: 960 pixels wide (IHDR)" "$(od -An -tu1 -j16 -N4 p.png | awk '{ print $3 * 256 + $4 }')" 960
    contains "SVG: an svg element" p.svg "<svg"
    contains "SVG: a panel per model metric" p.svg "ndcg@2"
    contains "SVG: the baselines" p.svg "most-popular"
    contains "SVG: the failed gate mark" p.svg "gate failed"
    python3 pagecheck.py r.html >r.txt
    contains "page with plot: well formed" r.txt "errors 0"
    contains "page with plot: no external file" r.txt "external 0"
    contains "page with plot: the svg inlined in a figure" r.txt "tags body figure head html svg table title"
    eq "page with plot: no XML prolog inside HTML" "$(grep -c '<?xml' r.html)" 0
    ok "--plot-format png: a data: URI" trec-report h.tsv -o rp.html --plot-format png -q
    contains "...an img with a PNG data URI" rp.html '<img alt="metrics over time" src="data:image/png;base64,iVBORw0KGgo'
    ok "one run plots too" sh -c "head -n 2 h.tsv > one.tsv && trec-report one.tsv --svg one.svg -q"
    # The time axis: a tic label per round time (its HH:MM, HH:MM:SS or
    # YYYY-MM-DD line), 1 to 6 of them per panel (4 panels). A single run
    # once made a +-12 h range with a tic a minute: 1,440 labels a panel, a
    # 3.7 MB SVG; runs seconds apart had none.
    tics() { grep -cE '<text>([0-9]{2}:[0-9]{2}(:[0-9]{2})?|[0-9]{4}-[0-9]{2}-[0-9]{2})</text>' "$1"; }
    n=$(tics one.svg)
    ok "one run: 4 to 24 time tics in 4 panels ($n)" test "$n" -ge 4 -a "$n" -le 24
    ok "one run: the SVG is no bigger than 3 runs' ($(wc -c <one.svg) bytes)" \
        test "$(wc -c <one.svg)" -le "$(wc -c <p.svg)"
    contains "one run: its midnight is a tic" one.svg "<text>00:00</text>"
    ok "one run: a page as small as 3 runs'" sh -c \
        'trec-report one.tsv -o one.html -q && test $(wc -c <one.html) -le $(wc -c <r.html)'
    n=$(tics p.svg)
    ok "3 runs a day apart: 4 to 24 tics ($n)" test "$n" -ge 4 -a "$n" -le 24
    # the first run's row at other times: seconds apart, then 100 nights
    row=$(sed -n 2p h.tsv | cut -f 2-)
    { head -n 1 h.tsv
      for t in 00:00:31 00:00:34 00:00:38; do printf '2026-01-01T%sZ\t%s\n' $t "$row"; done
    } >sec.tsv
    ok "runs seconds apart" trec-report sec.tsv --svg sec.svg -q
    n=$(tics sec.svg)
    ok "...4 to 24 tics ($n)" test "$n" -ge 4 -a "$n" -le 24
    contains "...labelled with seconds" sec.svg "<text>00:00:34</text>"
    { head -n 1 h.tsv
      for d in $(seq 0 99); do
          printf '%s\t%s\n' "$(date -u -d "2026-01-01 03:00 UTC + $d days" +%Y-%m-%dT%H:%M:%SZ)" "$row"
      done
    } >days.tsv
    ok "100 nightly runs" trec-report days.tsv --svg days.svg -q
    n=$(tics days.svg)
    ok "...4 to 24 tics ($n)" test "$n" -ge 4 -a "$n" -le 24
    contains "...labelled with dates" days.svg "<text>2026-02-01</text>"
    ok "the plot is deterministic" sh -c 'trec-report h.tsv --svg p2.svg -q && cmp p.svg p2.svg'
    ok "--metric picks the panels" trec-report h.tsv --svg m.svg --metric recall@2 -q
    eq "...only that panel" "$(grep -c 'precision@2' m.svg)" 0
    if command -v script >/dev/null 2>&1; then
        script -qec "trec-report $T/h.tsv --png - -q" /dev/null >tty.out 2>&1
        eq "a PNG to a terminal is refused" "$?" 1
        contains "...saying why" tty.out "refusing to write a PNG to a terminal"
    else
        skip "a PNG to a terminal is refused (no script(1))"
    fi
else
    for c in "page with plot" "PNG file" "SVG file" "page with the PNG plot" "one-run plot" "time axis tics" \
        "deterministic plot" "--metric panels" "PNG refused on a terminal"; do
        skip "$c (no gnuplot: Debian package gnuplot-nox)"
    done
fi
fails "gnuplot missing" 1 "no-such-gnuplot': install gnuplot" trec-report h.tsv -o nog.html --gnuplot "$T/no-such-gnuplot"
contains "...names the package" .err "install gnuplot (Debian package gnuplot-nox)"
ok "...and leaves no page behind" test ! -e nog.html
printf '#!/bin/sh\necho "bad script" >&2\nexit 1\n' >badplot; chmod +x badplot
fails "gnuplot failing" 1 "./badplot failed (exit status 1)" trec-report h.tsv -o nog.html --gnuplot ./badplot
contains "...its message" .err "./badplot failed (exit status 1): bad script"

# ---- in a real browser ----
# Debian's chromium (installed by .ci/run, which sets TREC_REQUIRE_CHROMIUM so
# that its absence fails there; not by scripts/install-deps.sh: 112 packages,
# 5 minutes) renders the page when it is there: with the plot when gnuplot
# made one, else the --no-plot page. Its profile goes to $T, not
# $HOME; --no-sandbox because the tests may run as root.
if command -v chromium >/dev/null 2>&1; then
    page=np.html
    command -v gnuplot >/dev/null 2>&1 && [ -s r.html ] && page=r.html
    chrome() { timeout 120 chromium --headless --no-sandbox --disable-gpu \
        --user-data-dir="$T/chromium-profile" "$@" 2>>chromium.err; }
    # chromium parses the page as a browser does and prints the DOM it built
    chrome --dump-dom "file://$T/$page" >dom.html; made "chromium --dump-dom $page"
    tr -d '\n' <dom.html >dom1.html
    if [ "$page" = r.html ]; then
        eq "chromium: the inline svg is in the figure" \
            "$(grep -o '<figure id="plot"><svg' dom1.html | wc -l)" 1
    fi
    eq "chromium: the table's rows (header + 4)" \
        "$(grep -o '<table id="last">.*</table>' dom1.html | grep -o '<tr>' | wc -l)" 5
    # the last run's recall@2 in the history is the cell the browser shows
    v=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "recall@2") c = i } END { print $c }' h.tsv)
    eq "chromium: the last run's recall@2 cell ($v)" \
        "$(grep -o "<tr><td>recall@2</td><td>$v</td>" dom1.html | wc -l)" 1
    chrome --window-size=1000,1600 --screenshot="$T/shot.png" "file://$T/$page" >/dev/null
    made "chromium --screenshot of $page"
    eq "chromium: the screenshot is a PNG" "$(head -c 8 shot.png | od -An -tx1 | tr -d ' ')" \
        89504e470d0a1a0a
    eq "chromium: a 1000 x 1600 screenshot" \
        "$(od -An -tu1 -j16 -N8 shot.png | awk '{ print $3 * 256 + $4, $7 * 256 + $8 }')" "1000 1600"
    # not a blank screen: a page with nothing on it compresses far smaller
    printf '<!DOCTYPE html><html><head><title>x</title></head><body></body></html>\n' >blank.html
    chrome --window-size=1000,1600 --screenshot="$T/blank.png" "file://$T/blank.html" >/dev/null
    made "chromium --screenshot of an empty page"
    ok "chromium: the page's screenshot has content (3 x an empty page's bytes)" \
        test "$(wc -c <shot.png)" -gt "$((3 * $(wc -c <blank.png)))"
elif [ -n "${TREC_REQUIRE_CHROMIUM:-}" ]; then
    fail_ "the page in headless chromium" "TREC_REQUIRE_CHROMIUM is set but chromium is not installed"
else
    skip "the page in headless chromium (no chromium: Debian package chromium)"
fi

# ---- trec-eval --json reports instead of a history ----
mkdir -p res
for d in 1 2 3; do
    $EV --json -o res/day$d.json
    touch -d "2026-01-0$d 02:00:00 UTC" res/day$d.json
done
ok "JSON reports: a page" trec-report res/day1.json res/day2.json res/day3.json --no-plot -o j.html -q
contains "...one run per file, at the file's time" j.html \
    "3 runs from 2026-01-01T02:00:00Z to 2026-01-03T02:00:00Z (UTC)"
python3 pagecheck.py j.html >j.txt
eq "...the same rows as from a history" "$(grep -c '^row' j.txt)" 5
contains "...with the reports' figures" j.txt "row recall@2|0.611111|+0.000000 (+0.0%)|0.277778|"
$EV --json >log.jsonl; made -s "log.jsonl"
$EV --json >>log.jsonl; made "log.jsonl"
ok "a JSON Lines log (trec-eval --json >> log.jsonl)" trec-report log.jsonl --no-plot -o l.html -q
contains "...one run per line" l.html "2 runs from"
$EV --pretty >pretty.json; made -s "pretty.json"
ok "a pretty-printed report" trec-report pretty.json --no-plot -o p.html -q
trec-eval m.trec --test test.csr -k 3 -q --json >k3.json; made -s "k3.json"
fails "reports with other metrics are refused" 1 "k3.json: its metrics differ from the first report's" trec-report res/day1.json k3.json --no-plot
contains "...naming the file" .err "k3.json: its metrics differ from the first report's"
printf '{"a":\n' >broken.json
fails "broken JSON" 1 "broken.json:1: not JSON" trec-report broken.json --no-plot
contains "...named with its line" .err "broken.json:1: not JSON"
fails "a history and JSON reports together" 2 "unexpected argument: res/day1.json" trec-report h.tsv res/day1.json --no-plot
