# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-across.sh - files from different ingests used together (issue 9):
# trec-ingest --align REF for ratings (--new-ids append|drop|error), and the
# tools that take two files matching them by raw ids, not by shape.
# A small u.data-format pair (tab-separated user item rating time, like
# ml-100k's u1.base / u1.test) is generated here: the test split has a user
# and items the base split lacks.
LC_ALL=C; export LC_ALL
I=$BIN/trec-ingest
dump() { "$BIN/trec-info" --dump "$1"; }
awk 'BEGIN { s = 7; for (u = 1; u <= 40; u++) for (i = 1; i <= 60; i++) {
        s = (s * 1103515245 + 12345) % 2147483648
        if (s % 5 == 0) { r = 1 + int(s / 7) % 5; print u "\t" i "\t" r "\t" (880000000 + u * 100 + i) } } }' >u.data
awk 'NR % 5 != 0' u.data >u1.base
{ awk 'NR % 5 == 0' u.data; printf '41\t3\t5\t890000001\n41\t61\t4\t890000002\n7\t62\t3\t890000003\n'; } >u1.test

# ---- trec-ingest --align: ratings follow the reference's ids ----
ok "u1.base ingests" $I -q --sep tab u1.base -o base.csr
ok "u1.test --align base.csr" $I -q --sep tab u1.test --align base.csr -o test.csr
$I --sep tab u1.test --align base.csr -o - 2>sum.txt >/dev/null
contains "summary names the new ids" sum.txt "aligned to base.csr: 1 new users, 2 new items appended (0 entries dropped)"
eq "rows: base's users, then the new one" "$(trec-info test.csr | grep 'row labels')" \
   "$(trec-info base.csr | sed -n 's/^row labels: 40: /row labels: 41: /p')"
nb=$(trec-info --json base.csr | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["rows"], d["cols"])')
nt=$(trec-info --json test.csr | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["rows"], d["cols"])')
eq "appended: one row and two columns more than the reference" "$nt" "$(echo $nb | awk '{print $1+1, $2+2}')"
# The entries are the same, by raw ids, as a plain ingest of the file.
$I -q --sep tab u1.test -o plain.csr; made "plain.csr"
dump plain.csr | sort >plain.tsv; made -s "plain.tsv"
dump test.csr | sort >aligned.tsv; made -s "aligned.tsv"
same "aligned: the same (user, item, rating, time) entries by raw id" aligned.tsv plain.tsv
# Internal indices follow the reference: "u ROWID ROW" and "i ITEMID COL"
# lines of a matrix, from its dump with and without labels.
places() {
    "$BIN/trec-info" --dump --no-labels "$1" | cut -f1,2 >pl.idx
    dump "$1" | cut -f1,2 >pl.ids
    paste pl.ids pl.idx | awk -F'\t' '{print "u", $1, $3; print "i", $2, $4}' | sort -u
}
places base.csr >base.places
places test.csr >test.places
eq "every id in both files has the reference's row/column" \
   "$(sort base.places test.places | awk '{k=$1" "$2; if (k in v && v[k] != $3) bad++; v[k]=$3} END {print bad+0}')" "0"
eq "the new user comes after the reference's 40" "$(grep '^u 41 ' test.places)" "u 41 40"
eq "the new items after its columns" "$(grep -c '^i 6[12] ' test.places)" "2"

# --new-ids drop: exactly the reference's shape; the dropped entries counted.
ok "--new-ids drop" $I -q --sep tab u1.test --align base.csr --new-ids drop -o drop.csr
$I --sep tab u1.test --align base.csr --new-ids drop -o - 2>sum.txt >/dev/null
contains "drop: counts" sum.txt "1 new users, 2 new items dropped (3 entries dropped)"
eq "drop: the reference's shape" "$(trec-info --json drop.csr | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["rows"], d["cols"])')" "$nb"
dump drop.csr | sort >drop.tsv; made -s "drop.tsv"
grep -v -e '^41	' -e '	6[12]	' plain.tsv >want.tsv; made -s "want.tsv"
same "drop: every other entry kept" drop.tsv want.tsv
# --new-ids error: the first new id in file order, with its line and field.
fails "--new-ids error" 1 "u1.test:93: field 1: user '41' is not in the reference (--new-ids error" $I --sep tab u1.test --align base.csr --new-ids error -o err.csr
n=$(wc -l <u1.test)
$I --sep tab u1.test --align base.csr --new-ids error -o err.csr 2>err.txt
contains "error: file, line, field, id" err.txt "u1.test:$((n - 2)): field 1: user '41' is not in the reference"
ok "error: no output left" test ! -e err.csr
ok "--new-ids error passes when nothing is new" $I -q --sep tab u1.base --align base.csr --new-ids error -o same.csr
same "aligning a file to itself changes nothing" same.csr base.csr
fails "--new-ids without --align" 2 "--new-ids goes with --align, for ratings" $I --sep tab u1.test --new-ids drop -o x.csr
fails "--new-ids: bad value" 2 "--new-ids: expected append, drop or error: keep" $I --sep tab u1.test --align base.csr --new-ids keep -o x.csr
fails "--new-ids with --item-features" 2 "--new-ids goes with --align, for ratings" $I --item-features u1.test --align base.csr --new-ids drop -o x.csr
fails "--align: not a trec file" 1 "u1.base: not a trec file (bad magic): it looks like text, such as a CSV file (run trec-ingest first" $I --sep tab u1.test --align u1.base -o x.csr
ok "--align to a model: its users and items" sh -c "trec-fit base.csr -o base.trec --algorithm tensorrec --epochs 1 -q"
ok "u1.test --align base.trec" $I -q --sep tab u1.test --align base.trec -o testm.csr
same "a model and its matrix give the same alignment" testm.csr test.csr

# ---- two files from different ingests: matched by raw ids ----
# Yesterday's model (base) on today's grown data (test, with a new user and
# new items): evaluated, what the model lacks skipped with counts.
trec-fit base.csr -o base3.trec --algorithm tensorrec --epochs 3 -q; made "base3.trec"
ok "yesterday's model on today's grown data" trec-eval base3.trec --test test.csr --train base.csr -o ev.txt
trec-eval base3.trec --test test.csr --train base.csr -o ev.txt 2>ev.err
contains "the skipped users and items counted" ev.err "warning: test.csr: 1 users and 2 items not in base3.trec skipped (3 entries)"
# The same numbers as evaluating the dropped copy (the model's shape exactly).
trec-eval base3.trec --test test.csr --train base.csr --tsv -q | sed 's/test\.csr/T/' >grown.tsv; made -s "grown.tsv"
trec-eval base3.trec --test drop.csr --train base.csr --tsv -q | sed 's/drop\.csr/T/' >dropped.tsv; made -s "dropped.tsv"
same "grown data evaluates as its copy without the new ids" grown.tsv dropped.tsv
eq "the test positives counted are the model's" "$(grep -c . dropped.tsv)" "$(grep -c . grown.tsv)"
trec-eval base3.trec --test test.csr -q 2>q.err >/dev/null
eq "--quiet: no warning" "$(cat q.err)" ""
# A matrix whose items were ingested in another order evaluates the same.
sort -t "$(printf '\t')" -k2,2n -k1,1n u1.test >u1.test.sorted
$I -q --sep tab u1.test.sorted -o sorted.csr; made "sorted.csr"
trec-eval base3.trec --test sorted.csr --train base.csr --tsv -q | sed 's/sorted\.csr/T/' >sorted.tsv; made -s "sorted.tsv"
same "a test file ingested on its own, in another order: the same evaluation" sorted.tsv grown.tsv
# trec-recommend --exclude with the grown matrix: known users' rows by id.
trec-recommend base3.trec --user 7 -k 60 --exclude test.csr --no-header -q | cut -f3 | sort >rx.items; made -s "rx.items"
dump test.csr | awk -F'\t' '$1 == 7 {print $2}' | sort >r7.items; made -s "r7.items"
eq "--exclude grown.csr: user 7's test items left out" "$(comm -12 rx.items r7.items)" ""
eq "and only those" "$(($(wc -l <rx.items) + $(grep -cv '^6[12]$' r7.items)))" "60"

# ---- trec-fit --init on a grown matrix ----
ok "--init on a grown matrix" trec-fit test.csr --init base3.trec -o grown0.trec --algorithm tensorrec --epochs 0 -q
trec-fit test.csr --init base3.trec -o grown0.trec --algorithm tensorrec --epochs 0 2>fit.err
contains "--init: counts" fit.err "--init base3.trec matched by ids: 1 new users and 2 new items initialised, 0 users and 0 items of the model not in the data left out"
# With 0 epochs the known users and items keep their weights exactly: their
# scores are unchanged (user 7 over every item both models have).
trec-recommend base3.trec --user 7 -k 60 --no-header -q | sort -k3,3 >s.old; made -s "s.old"
trec-recommend grown0.trec --user 7 -k 62 --no-header -q | awk -F'\t' '$3 < 61' | sort -k3,3 | cut -f3,4 >s.new; made -s "s.new"
cut -f3,4 s.old >s.old2; made -s "s.old2"
same "known rows keep their weights" s.new s.old2
ok "the new user has a list" trec-recommend grown0.trec --user 41 -k 3 -q -o n41.tsv
ok "--init and training on: the grown model fits" trec-fit test.csr --init base3.trec -o grown.trec --algorithm tensorrec --epochs 2 -q
ok "als --init on a grown matrix" sh -c "trec-fit base.csr -o als.trec --algorithm als --epochs 2 -q && trec-fit test.csr --algorithm als --init als.trec -o als2.trec --epochs 0 -q"
trec-recommend als.trec --user 7 -k 60 --no-header -q | cut -f3,4 | sort >a.old; made -s "a.old"
trec-recommend als2.trec --user 7 -k 62 --no-header -q | awk -F'\t' '$3 < 61' | cut -f3,4 | sort >a.new; made -s "a.new"
same "als: known rows keep their weights" a.new a.old
# A shrunk matrix: users the data no longer has are left out.
awk -F'\t' '$1 != 1' u1.base >u1.less
$I -q --sep tab u1.less -o less.csr
trec-fit less.csr --init base3.trec -o less.trec --algorithm tensorrec --epochs 0 2>less.err
contains "users of the model not in the data counted" less.err "1 users and 0 items of the model not in the data left out"

# ---- the nightly line as README and trec(7) write it: --init alone ----
# trec-fit today.csr --init yesterday.trec -o today.trec continues
# yesterday's algorithm with the settings its META records (factor models),
# or refits a closed-form model (ease) with them; options given with --init
# override them. today.csr: all of yesterday's data and the new, --align'ed.
cat u1.base u1.test >today.tsv
$I -q --sep tab today.tsv --align base.csr -o today.csr
meta() { f=$1; shift; trec-info --json "$f" | python3 -c 'import json,sys; m=json.load(sys.stdin)["meta"]; print(" ".join(str(m.get(k)) for k in sys.argv[1:]))' "$@"; }
for a in tensorrec sgd als; do
    case $a in
    tensorrec) opts="--algorithm tensorrec --loss wmrb --min-rating 3 --components 6 --epochs 3" ;;
    sgd) opts="--algorithm sgd --loss bpr --components 6 --learning-rate 0.03 --epochs 3" ;;
    als) opts="--algorithm als --components 6 --lambda 0.05 --min-rating 3 --other-weight 0.5 --epochs 3" ;;
    esac
    # shellcheck disable=SC2086
    trec-fit base.csr -o yesterday.trec $opts -q
    rm -f today.trec
    ok "$a: trec-fit today.csr --init yesterday.trec -o today.trec (README)" trec-fit today.csr --init yesterday.trec -o today.trec
    trec-fit today.csr --init yesterday.trec -o today.trec 2>init.err
    contains "$a: says it continues, with the settings" init.err "--init yesterday.trec: continuing its fit with its settings (the options given here override them): --algorithm $a --components 6"
    contains "$a: matched by ids" init.err "--init yesterday.trec matched by ids: 1 new users and 2 new items initialised"
    eq "$a: the same algorithm and settings, epochs added up" "$(meta today.trec algorithm components loss min_rating other_weight epochs epochs_total)" \
       "$(meta yesterday.trec algorithm components loss min_rating other_weight epochs) 6"
    eq "$a: META names yesterday's model as its start" "$(trec-info --json today.trec | python3 -c 'import json,sys; print(json.load(sys.stdin)["meta"]["inputs"]["init"]["file"])')" "yesterday.trec"
    # its weights, not a fresh start: with 0 epochs (an explicit option keeps
    # its meaning) user 7's scores over yesterday's items are unchanged
    trec-fit today.csr --init yesterday.trec -o today0.trec --epochs 0 -q
    trec-recommend yesterday.trec --user 7 -k 60 --no-header -q | cut -f3,4 | sort >y.s
    trec-recommend today0.trec --user 7 -k 62 --no-header -q | awk -F'\t' '$3 < 61' | cut -f3,4 | sort >t.s
    same "$a: --epochs 0: known rows keep yesterday's weights" t.s y.s
    eq "$a: --epochs 0: the other settings still yesterday's" "$(meta today0.trec components epochs)" "6 0"
    fails "$a: an explicit option that contradicts the model" 1 "--init model does not match this fit" trec-fit today.csr --init yesterday.trec --components 8 -o bad.trec
done
# A closed-form model (ease) has nothing to continue from: refitted with its
# settings, the same model as those settings give.
trec-fit base.csr -o yesterday.trec --algorithm ease --lambda 30 --min-rating 3 --other-weight 0.2 --user-exponent 0.5 -q
ok "ease: trec-fit today.csr --init yesterday.trec -o today.trec (README)" trec-fit today.csr --init yesterday.trec -o today.trec
trec-fit today.csr --init yesterday.trec -o today.trec 2>init.err
contains "ease: says it refits, with the settings" init.err "--init yesterday.trec: a closed-form model (nothing to continue from), refitted with its settings (the options given here override them): --algorithm ease --min-rating 3 --other-weight 0.2 --values binary --lambda 30 --user-exponent 0.5"
trec-fit today.csr -o ref.trec --algorithm ease --lambda 30 --min-rating 3 --other-weight 0.2 --user-exponent 0.5 -q
trec-recommend today.trec --user 41 -k 20 -q >r1.tsv
trec-recommend ref.trec --user 41 -k 20 -q >r2.tsv
same "ease: the model of its settings on today's data" r1.tsv r2.tsv
eq "ease: the settings in META" "$(meta today.trec algorithm lambda min_rating other_weight user_exponent users)" "ease 30 3 0.2 0.5 41"
trec-fit today.csr --init yesterday.trec --lambda 60 -o today60.trec -q
eq "ease: an explicit option overrides the recorded one" "$(meta today60.trec lambda min_rating)" "60 3"
fails "ease: --algorithm ease --init is still refused" 2 "--init does not apply to --algorithm ease" trec-fit today.csr --algorithm ease --init yesterday.trec -o bad.trec
fails "an item-item model cannot start a factor fit" 1 "--init model is an item-item model, which has no factors to start from" trec-fit today.csr --algorithm sgd --init yesterday.trec -o bad.trec

# ---- trec-fit feature files from another ingest: rows matched by ids ----
awk 'BEGIN { print "movieId,title,genres"; for (i = 1; i <= 62; i++) print i ",m" i "," (i % 3 ? "Drama" : "Comedy|Drama") }' >items.csv
$I -q --item-features items.csv --align base.csr -o base-genres.csr
ok "--item-features of yesterday's items on today's grown matrix" \
   trec-fit test.csr --item-features base-genres.csr -o hyb.trec --algorithm tensorrec --epochs 1 -q
trec-fit test.csr --item-features base-genres.csr -o hyb.trec --algorithm tensorrec --epochs 1 2>hyb.err
contains "the items without a features row counted" hyb.err "base-genres.csr: matched by ids: 0 items not in the interaction matrix skipped, 2 items of the matrix without a row (no metadata features)"
$I -q --item-features items.csv --align test.csr -o test-genres.csr
trec-fit test.csr --item-features test-genres.csr -o hyb2.trec --algorithm tensorrec --epochs 1 2>hyb2.err; made "hyb2.trec"
eq "features of the same ingest: no warning" "$(grep -c warning hyb2.err)" "0"
trec-fit base.csr --item-features test-genres.csr -o hyb3.trec --algorithm tensorrec --epochs 1 2>hyb3.err
contains "rows the matrix lacks: skipped, counted" hyb3.err "2 items not in the interaction matrix skipped, 0 items of the matrix without a row"

# ---- trec-fit --valid from another ingest: matched by ids ----
ok "--valid with a grown matrix" trec-fit base.csr --valid test.csr -o v.trec --algorithm tensorrec --epochs 2 -q
trec-fit base.csr --valid test.csr -o v.trec --algorithm tensorrec --epochs 2 2>v.err
contains "--valid: what the training matrix lacks is counted" v.err "warning: test.csr: 1 users and 2 items not in base.csr skipped (3 entries)"
trec-fit base.csr --valid drop.csr -o v2.trec --algorithm tensorrec --epochs 2 -q --log v2.tsv; made -s "v2.tsv"
trec-fit base.csr --valid test.csr -o v1.trec --algorithm tensorrec --epochs 2 -q --log v1.tsv; made -s "v1.tsv"
cut -f1-6 v1.tsv >v1.cut; cut -f1-6 v2.tsv >v2.cut
same "--valid grown = --valid of its copy without the new ids (the curve, times aside)" v1.cut v2.cut
