# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-ingest.sh - trec-ingest(1): every option, errors (exit status, file:line
# in the message, no output left behind), stdin, and ml-latest-small.
# Contents are checked through `trec-info --dump` (row TAB col TAB value [TAB time]).
I=$BIN/trec-ingest
F=$FIX/ingest
dump() { "$BIN/trec-info" --dump "$1"; }

# ---- ratings.csv --------------------------------------------------------------
ok "ratings.csv -> matrix" $I "$F/small-ratings.csv" -o r.csr
$I "$F/small-ratings.csv" -o r2.csr 2>sum.txt; made "r2.csr"
contains "summary: users, items, ratings" sum.txt "3 users, 4 items, 6 ratings (density 50%), 0 duplicates merged, 0 lines skipped"
eq "entries: rows in first-seen order, sorted by column, with timestamps" "$(dump r.csr | tr '\t' ' ' | tr '\n' ';')" \
   "7 30 4 100;7 10 3.5 101;7 20 5 102;3 30 0.5 201;3 10 1.5 200;9 40 2 300;"
$I -q "$F/small-ratings.csv" -o q.csr 2>q.err; made "q.csr"
eq "--quiet prints nothing" "$(cat q.err)" ""
same "--quiet: same matrix" r.csr q.csr

# ---- determinism: threads and block size ----------------------------------------
ok "--threads 3 --block-size 16" $I -q --threads 3 --block-size 16 "$F/small-ratings.csv" -o t3.csr
ok "--threads 1" $I -q --threads 1 "$F/small-ratings.csv" -o t1.csr
same "--threads 1 and --threads 3 (16-byte blocks) give identical files" t1.csr t3.csr
same "and the default" t1.csr r.csr

# ---- stdin / stdout, CRLF, BOM, no final newline --------------------------------
ok "- reads stdin" sh -c "cat '$F/small-ratings.csv' | $I -q - -o s.csr"
same "stdin gives the same matrix" s.csr r.csr
ok "-o - writes stdout" sh -c "$I -q '$F/small-ratings.csv' -o - > so.csr"
same "stdout gives the same bytes" so.csr r.csr
printf '\357\273\277' > crlf.csv
sed 's/$/\r/' "$F/small-ratings.csv" | head -c -2 >> crlf.csv
ok "BOM, CRLF, no final newline" $I -q crlf.csv -o crlf.csr
same "BOM/CRLF file gives the same matrix" crlf.csr r.csr

# ---- other formats ------------------------------------------------------------------
printf '7,30,4,100\n7,10,3,101\n3,10,1,200\n' > plain.csv
$I -q --no-header plain.csv -o plain.csr; made "plain.csr"
ok "u.data: --sep tab --no-header" $I -q --sep tab --no-header "$F/small-u.data" -o udata.csr
same "u.data matrix = the CSV one" udata.csr plain.csr
ok "ratings.dat: --sep ::" $I -q --sep :: "$F/ratings.dat" -o dat.csr
same "ratings.dat matrix = the CSV one" dat.csr plain.csr
tr ',' ';' < plain.csv > semi.csv
ok "--sep ';'" $I -q --sep ';' semi.csv -o semi.csr
same "semicolon matrix = the CSV one" semi.csr plain.csr
printf '"7,30,4,100\n' > q.csv
ok "--quote none" $I -q --quote none q.csv -o qn.csr
eq "--quote none keeps the quote in the id" "$(dump qn.csr | cut -f1)" '"7'
fails "quoting on: the same file is an unterminated quote" 1 "q.csv:1: unterminated quoted field (the input ends inside quotes)" $I -q q.csv -o qq.csr
contains "unterminated quote names file:line" "$T/.err" "q.csv:1: unterminated quoted field"

# ---- columns ------------------------------------------------------------------------
ok "--rating-col none" $I -q --rating-col none "$F/small-ratings.csv" -o imp.csr
eq "implicit values are 1" "$(dump imp.csr | cut -f3 | sort -u)" "1"
ok "--time-col none" $I -q --time-col none "$F/small-ratings.csv" -o nt.csr
eq "no timestamps" "$(dump nt.csr | head -n 1 | awk -F'\t' '{print NF}')" "3"
ok "columns by header name" $I -q --user-col movieId --item-col userId --rating-col rating --time-col timestamp "$F/small-ratings.csv" -o byname.csr
eq "swapped user and item" "$(dump byname.csr | head -n 1 | cut -f1,2 | tr '\t' ' ')" "30 7"
ok "columns by number" $I -q --user-col 2 --item-col 1 --rating-col 3 --time-col 4 "$F/small-ratings.csv" -o bynum.csr
same "by number = by name" bynum.csr byname.csr
fails "unknown column name" 1 "small-ratings.csv:1: --user-col nope: no column of that name in the header line" $I -q --user-col nope "$F/small-ratings.csv" -o x.csr
contains "unknown column: file:line" "$T/.err" "ratings.csv:1: --user-col nope: no column of that name"
fails "column beyond the fields" 1 "small-ratings.csv:1: column 9 (timestamp) does not exist: line 1 has 4 fields" $I -q --time-col 9 "$F/small-ratings.csv" -o x.csr
contains "column 9 does not exist" "$T/.err" "column 9 (timestamp) does not exist: line 1 has 4 fields"

# ---- header detection -----------------------------------------------------------------
printf 'user,item,score,when\n1,2,3,4\n' > h.csv
$I h.csv -o h.csr 2>h.err; made "h.csr"
contains "non-numeric rating/time in line 1: a header" h.err "1 users, 1 items, 1 ratings"
fails "--no-header on a header line: an error at line 1" 1 "small-ratings.csv:1: column 3 (rating): 'rating' is not a number" $I -q --no-header "$F/small-ratings.csv" -o x.csr
contains "line 1 rating is not a number" "$T/.err" "ratings.csv:1: column 3 (rating): 'rating' is not a number"
$I --header plain.csv -o ph.csr 2>ph.err; made "ph.csr"
contains "--header skips line 1" ph.err "2 users, 1 items, 2 ratings"

# ---- errors: exit 1, file:line:column, no output, no clobbering -------------------------
rm -f out.csr
fails "bad rating is an error" 1 "bad-rating.csv:3: column 3 (rating): 'x' is not a number" $I "$F/bad-rating.csv" -o out.csr
contains "error names file, line and column" "$T/.err" "trec-ingest: error: $F/bad-rating.csv:3: column 3 (rating): 'x' is not a number"
$I -q "$F/bad-rating.csv" -o out.csr 2>/dev/null; eq "exit status 1" "$?" "1"
eq "no output file created" "$(ls out.csr* 2>/dev/null)" ""
cp r.csr keep.csr
fails "bad input with an existing output" 1 "bad-rating.csv:3: column 3 (rating): 'x' is not a number" $I "$F/bad-rating.csv" -o keep.csr
same "existing output not clobbered" keep.csr r.csr
eq "no temporary file left" "$(ls keep.csr.* 2>/dev/null)" ""
printf 'u,i,r,t\n1,2,3,4\n%0300d,2,3,4\n' 0 > long.csv
fails "id over 256 bytes" 1 "long.csv:3: column 1 (user): id too long (300 bytes, at most 256)" $I long.csv -o x.csr
contains "id too long: file:line" "$T/.err" "long.csv:3: column 1 (user): id too long (300 bytes, at most 256)"
printf 'u,i,r,t\n1,2,3\n' > nf.csv
fails "wrong field count" 1 "nf.csv:2: 3 fields, expected 4 (as on line 1)" $I nf.csv -o x.csr
contains "field count: file:line" "$T/.err" "nf.csv:2: 3 fields, expected 4"
printf 'u,i,r,t\n1,2,nan,4\n' > nan.csv
fails "NaN rating" 1 "nan.csv:2: column 3 (rating): 'nan' is not a number" $I nan.csv -o x.csr
contains "NaN: file:line" "$T/.err" "nan.csv:2: column 3 (rating): 'nan' is not a number"
printf 'u,i,r,t\n1,2,3,4.5\n' > ts.csv
fails "non-integer timestamp" 1 "ts.csv:2: column 4 (timestamp): '4.5' is not an integer" $I ts.csv -o x.csr
contains "timestamp: file:line" "$T/.err" "ts.csv:2: column 4 (timestamp): '4.5' is not an integer"
printf 'u,i,r,t\n1,\377,3,4\n' > utf.csv
fails "invalid UTF-8 id" 1 "utf.csv:2: column 2 (item): bad id '?' (invalid UTF-8)" $I utf.csv -o x.csr
contains "UTF-8: file:line" "$T/.err" "utf.csv:2: column 2 (item): bad id '?' (invalid UTF-8)"
printf '' > empty.csv
fails "empty input" 1 "empty.csv: no interactions (the input is empty)" $I empty.csv -o x.csr
contains "empty input message" "$T/.err" "empty.csv: no interactions (the input is empty)"
printf 'userId,movieId,rating,timestamp\n' > ho.csv
fails "header-only input" 1 "ho.csv: no interactions (the input has only a header line)" $I ho.csv -o x.csr
contains "header-only message" "$T/.err" "ho.csv: no interactions (the input has only a header line)"
fails "missing input file" 1 "nonexistent.csv: cannot open: No such file or directory" $I nonexistent.csv -o x.csr
eq "no x.csr after all these errors" "$(ls x.csr* 2>/dev/null)" ""

# ---- --skip-bad ---------------------------------------------------------------------------
$I --skip-bad "$F/bad-rating.csv" -o sb.csr 2>sb.err; made "sb.csr"
eq "--skip-bad succeeds" "$?" "0"
contains "--skip-bad warns with file:line" sb.err "trec-ingest: warning: skipped $F/bad-rating.csv:3: column 3 (rating): 'x' is not a number"
contains "--skip-bad counts in the summary" sb.err "1 users, 2 items, 2 ratings (density 100%), 0 duplicates merged, 1 lines skipped"

# ---- duplicates -----------------------------------------------------------------------------
$I "$F/dups.csv" -o d.csr 2>d.err; made "d.csr"
contains "duplicates counted" d.err "2 items, 2 ratings (density 100%), 1 duplicates merged"
eq "default last: later line wins, with its timestamp" "$(dump d.csr | head -n 1 | tr '\t' ' ')" "1 1 5 12"
$I -q --duplicates max "$F/dups.csv" -o dm.csr; made "dm.csr"
eq "--duplicates max" "$(dump dm.csr | head -n 1 | tr '\t' ' ')" "1 1 5 12"
$I -q --duplicates sum "$F/dups.csv" -o ds.csr; made "ds.csr"
eq "--duplicates sum: latest timestamp" "$(dump ds.csr | head -n 1 | tr '\t' ' ')" "1 1 8 12"
fails "--duplicates error" 1 "dups.csv:4: duplicate rating: user '1', item '1' (first on line 2);" $I --duplicates error "$F/dups.csv" -o x.csr
contains "duplicate error names both lines" "$T/.err" "dups.csv:4: duplicate rating: user '1', item '1' (first on line 2)"

# ---- usage ---------------------------------------------------------------------------------
$I "$F/small-ratings.csv" 2>/dev/null; eq "no -o: exit 2" "$?" "2"
$I --bogus "$F/small-ratings.csv" -o x.csr 2>/dev/null; eq "unknown option: exit 2" "$?" "2"
fails "--duplicates foo" 2 "--duplicates: expected last, max, sum or error: foo" $I --duplicates foo "$F/small-ratings.csv" -o x.csr
fails "--threads 0" 2 "--threads: '0' is not an integer in [1, 1024]" $I --threads 0 "$F/small-ratings.csv" -o x.csr
ok "--align without --item-features: ratings aligned (test-across.sh)" $I -q --align r.csr "$F/small-ratings.csv" -o x.csr
fails "two inputs" 2 "more than one input file" $I "$F/small-ratings.csv" "$F/dups.csv" -o x.csr
$I --help > help.txt; eq "--help exits 0" "$?" "0"
contains "--help shows usage" help.txt "Usage: trec-ingest"
contains "--version" "$($I --version > v.txt; echo v.txt)" "trec-ingest (trec)"

# ---- item features --------------------------------------------------------------------------
ok "--item-features" $I --item-features "$F/small-movies.csv" -o g.csr
eq "genre columns sorted, titles with commas and quotes parsed" "$(dump g.csr | tr '\t' ' ' | tr '\n' ';')" \
   "30 Comedy 1;30 Drama 1;30 Romance 1;10 Comedy 1;50 (no genres listed) 1;"
$I --item-features "$F/small-movies.csv" --align r.csr -o ga.csr 2>ga.err; made "ga.csr"
eq "--align exits 0" "$?" "0"
contains "--align summary: missing and dropped" ga.err "4 items x 4 features, 4 nonzeros, 2 aligned items without features, 1 file items not in the matrix (dropped)"
eq "--align rows = the matrix's items" "$(dump ga.csr | cut -f1 | tr '\n' ' ')" "30 30 30 10 "
ok "--id-col/--feature-col/--feature-sep" $I -q --item-features --id-col 1 --feature-col 3 --feature-sep '|' "$F/small-movies.csv" -o g2.csr
same "explicit defaults = defaults" g2.csr g.csr
fails "--item-features with --duplicates" 2 "--user-col, --item-col, --rating-col, --time-col and --duplicates are" $I --item-features --duplicates sum "$F/small-movies.csv" -o x.csr
fails "--align on a missing matrix" 1 "nope.csr: cannot open: No such file or directory" $I --item-features --align nope.csr "$F/small-movies.csv" -o x.csr

# ---- inputs found by `make fuzz` (run under the sanitizers by make test-sanitize) --------------
printf ',,,\n1,2,3,4\n' >empty-fields.csv
fails "a first record of empty fields" 1 "empty-fields.csv:1: column 3 (rating): '' is not a number" $I --no-header empty-fields.csv -o x.csr
contains "... names line 1" "$T/.err" "empty-fields.csv:1: column 3 (rating): '' is not a number"
fails "fuzzer input: empty fields at a block start" 1 "csv-empty-fields.csv:2: 2 fields, expected 9 (as on line 1)" $I --block-size 64 "$ROOT/tests/fixtures/fuzz/csv-empty-fields.csv" -o x.csr
printf 'movieId,title,genres\n1,A,\n2,B,\n' >nogenres.csv
ok "items without any feature: an items x 0 matrix" $I -q --item-features nogenres.csv -o nog.csr
eq "... of 2 rows and no columns" "$(trec-info nog.csr | grep '^shape:')" "shape:      2 rows x 0 columns"
ok "fuzzer input: no features at all" $I -q --item-features "$ROOT/tests/fixtures/fuzz/movies-no-features.csv" -o nog2.csr

# ---- repeated ids: tags.csv, one tag a line ------------------------------------------------
printf 'userId,movieId,tag,timestamp\n1,30,funny,1\n2,30,dark,2\n3,10,funny,3\n4,30,funny,4\n' >tags.csv
fails "a repeated id is an error by default" 1 "tags.csv:3: column 2 (id): duplicate id '30' (first on line 2)" $I --item-features --id-col movieId --feature-col tag tags.csv -o x.csr
contains "... naming both lines" "$T/.err" "tags.csv:3: column 2 (id): duplicate id '30' (first on line 2)"
ok "--repeated-ids merge" $I -q --item-features --id-col movieId --feature-col tag --repeated-ids merge tags.csv -o tags.csr
eq "... unites each item's features (first-seen item order, sorted names, once each)" \
   "$(dump tags.csr | tr '\t' ' ' | tr '\n' ';')" "30 dark 1;30 funny 1;10 funny 1;"
ok "--repeated-ids merge with --align" $I -q --item-features --id-col movieId --feature-col tag --repeated-ids merge --align r.csr tags.csv -o tagsa.csr
eq "... rows are the matrix's items" "$(dump tagsa.csr | cut -f1 | tr '\n' ' ')" "30 30 10 "
fails "--repeated-ids with a bad value" 2 "--repeated-ids: expected merge or error: sometimes" $I --item-features --repeated-ids sometimes tags.csv -o x.csr
fails "--repeated-ids without features" 2 "--id-col, --feature-col, --feature-sep, --feature-flags, --feature-value and --repeated-ids need" $I --repeated-ids merge "$F/small-ratings.csv" -o x.csr

# ---- user features --------------------------------------------------------------------------
printf 'userId,age,occupation\n3,25,writer|artist\n99,40,engineer\n7,31,"programmer, senior"\n' >users.csv
$I --user-features --feature-col occupation users.csv --align r.csr -o uf.csr 2>uf.err; made "uf.csr"
eq "--user-features --align exits 0" "$?" "0"
contains "--user-features summary: users, missing and dropped" uf.err "users x 4 features, 3 nonzeros"
contains "--user-features summary: dropped" uf.err "1 file users not in the matrix (dropped)"
eq "--user-features rows = the matrix's users, with their labels" \
   "$(trec-info --json uf.csr | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["rows"], d["row_labels"]["sample"])')" \
   "$(trec-info --json r.csr | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["rows"], d["row_labels"]["sample"])')"
eq "--user-features: each user's features" "$(dump uf.csr | tr '\t' ' ' | tr '\n' ';')" \
   "7 programmer, senior 1;3 artist 1;3 writer 1;"
ok "trec-fit takes the user features" trec-fit -q r.csr -o uf.trec --algorithm tensorrec --user-features uf.csr --components 2 --epochs 2
fails "--user-features without --feature-col" 2 "--user-features needs --feature-col COL" $I --user-features users.csv -o x.csr
fails "--user-features with --item-features" 2 "--item-features and --user-features exclude each other" $I --user-features --item-features --feature-col occupation users.csv -o x.csr
fails "--user-features with a ratings option" 2 "--user-col, --item-col, --rating-col, --time-col and --duplicates are" $I --user-features --feature-col occupation --rating-col 3 users.csv -o x.csr

# ---- ml-latest-small ----------------------------------------------------------------------
if have_ml; then
    $I "$ML/ratings.csv" -o ml.csr 2>ml.err; made "ml.csr"
    contains "ml-latest-small: 610 users, 9724 items, 100836 ratings" ml.err "610 users, 9724 items, 100836 ratings"
    "$BIN/trec-info" --json ml.csr > ml.json
    contains "trec-info agrees: 100836 entries" ml.json '"nnz":100836'
    $I -q --threads 2 --block-size 100000 "$ML/ratings.csv" -o ml2.csr; made "ml2.csr"
    same "ml-latest-small: --threads 2, small blocks: identical" ml.csr ml2.csr
    eq "first-seen order: user 1 first, its first movie 1" "$(dump ml.csr | head -n 1 | tr '\t' ' ')" "1 1 4 964982703"
    $I --item-features "$ML/movies.csv" --align ml.csr -o genres.csr 2>gen.err; made "genres.csr"
    contains "genres: 9724 items x 20 features" gen.err "9724 items x 20 features"
    "$BIN/trec-info" genres.csr > gen.txt
    contains "genres: (no genres listed) first" gen.txt "col labels: 20: (no genres listed), Action"
    eq "Toy Story genres" "$(dump genres.csr | awk -F'\t' '$1=="1" {print $2}' | tr '\n' ' ')" \
       "Adventure Animation Children Comedy Fantasy "
else
    skip_ml "MovieLens ingest checks"
fi
