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
$I -q --sep tab u1.test -o plain.csr
dump plain.csr | sort >plain.tsv
dump test.csr | sort >aligned.tsv
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
dump drop.csr | sort >drop.tsv
grep -v -e '^41	' -e '	6[12]	' plain.tsv >want.tsv
same "drop: every other entry kept" drop.tsv want.tsv
# --new-ids error: the first new id in file order, with its line and field.
fails "--new-ids error" $I --sep tab u1.test --align base.csr --new-ids error -o err.csr
n=$(wc -l <u1.test)
$I --sep tab u1.test --align base.csr --new-ids error -o err.csr 2>err.txt
contains "error: file, line, field, id" err.txt "u1.test:$((n - 2)): field 1: user '41' is not in the reference"
ok "error: no output left" test ! -e err.csr
ok "--new-ids error passes when nothing is new" $I -q --sep tab u1.base --align base.csr --new-ids error -o same.csr
same "aligning a file to itself changes nothing" same.csr base.csr
fails "--new-ids without --align" $I --sep tab u1.test --new-ids drop -o x.csr
fails "--new-ids: bad value" $I --sep tab u1.test --align base.csr --new-ids keep -o x.csr
fails "--new-ids with --item-features" $I --item-features u1.test --align base.csr --new-ids drop -o x.csr
fails "--align: not a trec file" $I --sep tab u1.test --align u1.base -o x.csr
ok "--align to a model: its users and items" sh -c "trec-fit base.csr -o base.trec --epochs 1 -q"
ok "u1.test --align base.trec" $I -q --sep tab u1.test --align base.trec -o testm.csr
same "a model and its matrix give the same alignment" testm.csr test.csr
