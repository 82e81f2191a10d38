# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-man.sh - the manual pages: each renders without a warning (man -l;
# mandoc -Tlint when installed), all share one header style, each SEE ALSO
# names every other trec page, every EXAMPLES command has its "$ " prompt,
# and the EXAMPLES commands (the lines with a "$ " prompt) run verbatim on
# ml-latest-small, each page's in a fresh copy of a directory holding the
# files they name (a trec-tune --budget is cut to 20 s).
LC_ALL=C; export LC_ALL
PAGES=$(ls "$ROOT"/man/man1/*.1 "$ROOT"/man/man5/*.5 "$ROOT"/man/man7/*.7)
NAMES=$(for p in $PAGES; do b=$(basename "$p"); echo "${b%.*}(${b##*.})"; done)
if command -v man >/dev/null 2>&1; then
    for p in $PAGES; do
        b=$(basename "$p")
        MANWIDTH=80 man --warnings -l "$p" >/dev/null 2>man.err
        eq "$b renders without warnings" "$(cat man.err)" ""
    done
else
    skip "rendering the pages (no man(1))"
fi
if command -v mandoc >/dev/null 2>&1; then
    for p in $PAGES; do
        mandoc -Tlint -W warning "$p" >lint.out 2>&1
        eq "$(basename "$p"): mandoc -Tlint has no warning" "$(cat lint.out)" ""
    done
else
    skip "mandoc -Tlint (no mandoc: Debian package mandoc)"
fi
for p in $PAGES; do
    b=$(basename "$p")
    # the first line after the comments (the licence notice)
    eq "$b: the common header (date, source, section title)" \
        "$(grep -v '^\.\\"' "$p" | head -n 1 | sed 's/^\.TH [A-Z0-9-]* [157] //')" \
        "$(case $b in *.1) echo '2026-12-02 "trec 0.1.0" "User Commands"' ;;
            *.5) echo '2026-12-02 "trec 0.1.0" "File Formats"' ;;
            *.7) echo '2026-12-02 "trec 0.1.0" "Miscellaneous"' ;; esac)"
    seealso=$(sed -n '/^\.SH SEE ALSO/,/^\.SH/p' "$p" | sed -n 's/^\.BR \\%\{0,1\}\([a-z0-9-]*\) (\([0-9]\)).*/\1(\2)/p')
    missing=""
    for n in $NAMES; do
        [ "$n" = "${b%.*}(${b##*.})" ] && continue
        echo "$seealso" | grep -qxF "$n" || missing="$missing $n"
    done
    eq "$b: SEE ALSO names every other trec page" "$missing" ""
done

# ---- EXAMPLES: every command has its "$ " prompt ----
# (the prompt is what marks a line as a command to run below: a command
# without one would silently go untested). In the EXAMPLES section's .EX
# blocks, a line that starts with a command name and is not the
# continuation of a command (after a trailing \e or |) lacks its prompt;
# output lines ("trec-eval: warning: ...") start with a name and a colon.
cat >prompts.py <<'EOF2'
import re, sys
bad = []
for path in sys.argv[1:]:
    lines = open(path).read().split("\n")
    section, inex, cont = "", False, False
    for i, l in enumerate(lines):
        if l.startswith(".SH"):
            section = l[3:].strip()
        if section != "EXAMPLES":
            continue
        if l.startswith(".EX"):
            inex, cont = True, False
            continue
        if l.startswith(".EE"):
            inex = False
            continue
        if inex:
            if not cont and re.match(r"^(trec-[a-z]+|awk|sort|gzip|cat|printf|echo|jq|mpirun|crontab)( |$)", l):
                bad.append("%s:%d: %s" % (path.split("/")[-1], i + 1, l))
            cont = l.rstrip().endswith(("\\e", "|", "&&")) or (cont and l.startswith(" "))
print("\n".join(bad))
EOF2
eq "EXAMPLES: every command line has its \$ prompt" "$(python3 prompts.py $PAGES)" ""

# ---- EXAMPLES, verbatim ----
# examples.py PAGE: the EXAMPLES commands of the rendered page, one per
# line of output, continuation lines joined (as the shell would read them)
cat >examples.py <<'EOF2'
import re, sys
text = open(sys.argv[1]).read().split("\n")
try:
    start = text.index("EXAMPLES")
except ValueError:
    sys.exit(0)
cmds, cur, indent = [], None, 0
for line in text[start + 1:]:
    if line and not line[0].isspace():
        break                        # the next section
    m = re.match(r"^( *)\$ (.*)$", line)
    if m:
        if cur is not None: cmds.append(cur)
        cur, indent = m.group(2), len(m.group(1))
    elif cur is not None and line.startswith(" " * (indent + 1)) and line.strip():
        cur += "\n" + line[indent:]
    else:
        if cur is not None: cmds.append(cur)
        cur = None
if cur is not None: cmds.append(cur)
for c in cmds:
    print(c.replace("\\", "\\\\").replace("\n", "\\n"))
EOF2
if have_ml && command -v man >/dev/null 2>&1; then
    mkdir -p ex && cd ex
    ln -s "$ML/ratings.csv" ratings.csv
    ln -s "$ML/movies.csv" movies.csv
    ln -s "$ML" ml-latest-small
    # the files the examples name, made quickly (few epochs, but for the
    # hybrid: the examples are checked for running, not for their figures)
    trec-ingest ratings.csv -o ratings.csr -q
    trec-ingest --item-features movies.csv --align ratings.csr -o genres.csr -q
    trec-split ratings.csr --train train.csr --test test.csr --seed 1 -q
    trec-fit train.csr -o wmrb.trec --loss wmrb --min-rating 4 --components 5 --epochs 3 -q
    # the recommended hybrid (trec(7)) in full: the gate examples need its quality
    trec-fit train.csr -o hybrid.trec --item-features genres.csr --loss wmrb --min-rating 4 \
        --components 10 --alpha 3e-4 --sampled-items 1000 -q
    trec-fit train.csr -o content.trec --loss wmrb --min-rating 4 --epochs 3 \
        --item-features genres.csr --no-item-identity -q
    trec-fit train.csr -o als.trec --algorithm als --min-rating 4 --epochs 2 -q
    printf 'userId,movieId,rating\n1,1,5\n1,260,4\n1,296,5\n' >new-ratings.csv
    SOURCE_DATE_EPOCH=1767225600 trec-eval hybrid.trec --test test.csr --train train.csr \
        --min-rating 4 --history h.tsv -q >/dev/null
    SOURCE_DATE_EPOCH=1767312000 trec-eval hybrid.trec --test test.csr --train train.csr \
        --min-rating 4 --history h.tsv -q >/dev/null
    # nightly JSON reports (trec-report(1): results/*.json)
    mkdir -p results
    for d in 2026-01-01 2026-01-02; do
        trec-eval hybrid.trec --test test.csr --train train.csr --min-rating 4 --json -q \
            -o results/$d.json
    done
    cd ..
    for p in $PAGES; do
        b=$(basename "$p")
        # each page's examples in a fresh copy of the prepared files: one
        # page's examples (trec-fit(1) writes its own train.csr, hybrid.trec)
        # must not change another's inputs
        rm -rf ex-page && cp -a ex ex-page && cd ex-page
        MANWIDTH=250 man -l "$p" 2>/dev/null >page.txt
        python3 ../examples.py page.txt >cmds.txt
        n=0
        while IFS= read -r c; do
            n=$((n + 1))
            cmd=$(printf '%b' "$c")
            case $cmd in
            *"| jq "*) command -v jq >/dev/null 2>&1 || { skip "$b example $n (no jq)"; continue; } ;;
            *ml-100k/*|*ml100k.csr*|*u1.base.csr*|*u1.trec*) skip "$b example $n (no ml-100k here)"; continue ;;
            *ml-1m/*) skip "$b example $n (no ml-1m here)"; continue ;;
            *ml-25m/*|*genome.csr*) skip "$b example $n (no ml-25m here)"; continue ;;
            esac
            # a search of minutes (trec-tune --budget) runs 20 s here: its
            # syntax and files are what is checked, not its result
            cmd=$(printf '%s' "$cmd" | sed 's/--budget [0-9]*[smh]\{0,1\}/--budget 20s/')
            if out=$(sh -c "$cmd" 2>&1 </dev/null); then
                pass_ "$b example $n runs"
            else
                fail_ "$b example $n runs" "$cmd
$out"
            fi
        done <cmds.txt
        cd ..
    done
elif ! have_ml; then
    skip_ml "the EXAMPLES of every page"
else
    skip "the EXAMPLES of every page (no man(1))"
fi
