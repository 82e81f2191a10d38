# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-inputs.sh - more inputs (issue 9): gzip-compressed text inputs read
# transparently (ratings, item features, titles, id lists, histories), and
# hints in errors: a tab-, '::'- or '|'-separated file read with another
# separator says which --sep to try; a text or gzip file where a trec file
# is expected says to run trec-ingest first.
LC_ALL=C; export LC_ALL
I=$BIN/trec-ingest
F=$FIX/ingest

# ---- gzip ----
gzip -c "$F/small-ratings.csv" >r.csv.gz
$I -q "$F/small-ratings.csv" -o plain.csr; made "plain.csr"
ok "ratings.csv.gz" $I -q r.csv.gz -o gz.csr
same "gzip: the same matrix as the plain file" gz.csr plain.csr
ok "gzip on stdin" sh -c "cat r.csv.gz | $I -q - -o gzs.csr"
same "gzip on stdin: the same matrix" gzs.csr plain.csr
ok "gzip, 16-byte blocks, 3 threads" $I -q --threads 3 --block-size 16 r.csv.gz -o gzb.csr
same "gzip in small blocks: the same matrix" gzb.csr plain.csr
# Concatenated members (cat a.gz b.gz) read as one file, as gzip -d does.
head -n 3 "$F/small-ratings.csv" | gzip -c >two.gz
tail -n +4 "$F/small-ratings.csv" | gzip -c >>two.gz
ok "concatenated gzip members" $I -q two.gz -o two.csr
same "concatenated members: the same matrix" two.csr plain.csr
gzip -c "$F/small-u.data" >u.data.gz
$I -q --sep tab "$F/small-u.data" -o u.csr; made "u.csr"
ok "u.data.gz with --sep tab" $I -q --sep tab u.data.gz -o ugz.csr
same "u.data.gz: the same matrix" ugz.csr u.csr
head -c 30 r.csv.gz >cut.gz
fails "a truncated gzip file" 1 "cut.gz: gzip: unexpected end of compressed data" $I -q cut.gz -o cut.csr
$I -q cut.gz -o cut.csr 2>err.txt
contains "truncated gzip: says so" err.txt "cut.gz: gzip: unexpected end of compressed data"
ok "truncated gzip: no output" test ! -e cut.csr
{ head -c 12 r.csv.gz; printf 'garbage garbage garbage garbage'; } >bad.gz
fails "corrupt gzip data" 1 "bad.gz: gzip:" $I -q bad.gz -o bad.csr
gzip -c "$F/small-movies.csv" >movies.csv.gz
$I -q --item-features "$F/small-movies.csv" -o g.csr; made "g.csr"
ok "item features from movies.csv.gz" $I -q --item-features movies.csv.gz -o ggz.csr
same "features from gzip: the same matrix" ggz.csr g.csr
# titles and id lists (trec-recommend) read through the same reader
trec-fit plain.csr -o m.trec --algorithm tensorrec --epochs 1 -q; made "m.trec"
trec-recommend m.trec --user 7 -k 2 --titles "$F/small-movies.csv" >t.tsv; made -s "t.tsv"
ok "--titles movies.csv.gz" sh -c "trec-recommend m.trec --user 7 -k 2 --titles movies.csv.gz >tgz.tsv"
same "titles from gzip: the same list" tgz.tsv t.tsv
printf '7\n3\n' | gzip -c >users.gz
trec-recommend m.trec --user 7 --user 3 -k 2 >u2.tsv; made -s "u2.tsv"
ok "--users from a gzip file" sh -c "trec-recommend m.trec --users users.gz -k 2 >ugz.tsv"
same "--users gzip: the same lists" ugz.tsv u2.tsv

# ---- hints ----
fails "u.data read as CSV" 1 "(the line looks tab-separated: try --sep tab)" $I "$F/small-u.data" -o x.csr
$I "$F/small-u.data" -o x.csr 2>err.txt
contains "u.data as CSV: try --sep tab" err.txt "line 1 has 1 field (the line looks tab-separated: try --sep tab)"
$I "$F/ratings.dat" -o x.csr 2>err.txt
contains "ratings.dat as CSV: try --sep ::" err.txt "(the line looks '::'-separated: try --sep ::)"
$I --sep tab "$F/ratings.dat" -o x.csr 2>err.txt
contains "ratings.dat with --sep tab: try --sep ::" err.txt "try --sep ::"
$I --sep :: "$F/small-ratings.csv" -o x.csr 2>err.txt
contains "a CSV with --sep :: : try --sep comma" err.txt "try --sep comma"
tr ',' '|' <"$F/small-movies.csv" >movies.psv
$I --item-features movies.psv -o x.csr 2>err.txt
contains "features: a '|' file read as CSV" err.txt "(the line looks '|'-separated: try --sep pipe)"
$I "$F/small-ratings.csv" --no-header --user-col 1 --item-col 2 -o x.csr -q 2>/dev/null
$I "$F/bad-rating.csv" -o x.csr 2>err.txt
eq "no hint when the separator is right" "$(grep -c 'try --sep' err.txt)" "0"
C=$F/small-ratings.csv
trec-info "$C" 2>e1.txt
trec-eval "$C" --test "$C" 2>e2.txt
trec-fit "$C" -o x.trec 2>e3.txt
trec-split "$C" --train a.csr --test b.csr 2>e4.txt
trec-recommend m.trec --user 7 --exclude "$C" 2>e5.txt
for n in 1 2 3 4 5; do
    contains "a CSV where a trec file is expected ($(cut -d: -f1 e$n.txt)): run trec-ingest first" e$n.txt "it looks like text, such as a CSV file (run trec-ingest first to make a matrix)"
done
trec-info r.csv.gz 2>err.txt
contains "trec-info on a .gz: gzip, run trec-ingest first" err.txt "it is gzip-compressed data (run trec-ingest first"
head -c 100 /dev/zero >zeros.bin
trec-info zeros.bin 2>err.txt
eq "binary junk: no hint" "$(grep -c 'trec-ingest' err.txt)" "0"

# ---- ml-100k u.item: one-hot genre flags ----
# id|title|release|video release|URL|19 genre flags (unknown, Action, ...)
z15='0|0|0|0|0|0|0|0|0|0|0|0|0|0|0'
cat >u.item <<EOI
1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|$z15
2|GoldenEye (1995)|01-Jan-1995||http://y|0|1|1|0|$z15
3|Four Rooms (1995)|01-Jan-1995||http://z|0|0|0|0|$(echo $z15 | sed 's/0$/1/')
EOI
fails "--feature-col on a 0/1 flag column is refused" 1 "u.item: column 6 (features) holds only the values 0 and 1" $I --item-features --sep pipe --no-header --id-col 1 --feature-col 6 u.item -o x.csr
$I --item-features --sep pipe --no-header --id-col 1 --feature-col 6 u.item -o x.csr 2>err.txt
contains "refused: says to use --feature-flags" err.txt "column 6 (features) holds only the values 0 and 1"
ok "--feature-flags 6-24" $I -q --item-features --sep pipe --no-header --id-col 1 --feature-flags 6-24 u.item -o genres.csr
eq "flags: the items' genres (columns named colN, in column order)" "$(trec-info --dump genres.csr | tr '\t\n' ' ;')" \
   "1 col9 1;2 col7 1;2 col8 1;3 col24 1;"
eq "flags: 19 feature columns, in the order given" "$(trec-info genres.csr | grep 'col labels')" "col labels: 19: col6, col7, col8, col9, col10, ..."
printf 'id|title|Action|Comedy|Drama\n5|x|1|0|1\n6|y|0|1|0\n' >h.psv
ok "--feature-flags by header names and numbers" $I -q --item-features --sep pipe --id-col id --feature-flags Drama,3-4 h.psv -o h.csr
eq "header names name the features" "$(trec-info --dump h.csr | tr '\t\n' ' ;')" "5 Drama 1;5 Action 1;6 Comedy 1;"
printf '5|x|1|2\n' >b.psv
fails "a flag that is not 0 or 1" 1 "b.psv:1: column 4 (flag): '2' is not 0 or 1" $I --item-features --sep pipe --no-header --id-col 1 --feature-flags 3-4 b.psv -o x.csr
$I --item-features --sep pipe --no-header --id-col 1 --feature-flags 3-4 b.psv -o x.csr 2>err.txt
contains "bad flag: file, line, column" err.txt "b.psv:1: column 4 (flag): '2' is not 0 or 1"
fails "--feature-flags beyond the fields" 1 "b.psv:1: --feature-flags: column 5 does not exist: line 1 has 4 fields" $I --item-features --sep pipe --no-header --id-col 1 --feature-flags 3-9 b.psv -o x.csr
fails "--feature-flags with --feature-col" 2 "--feature-flags replaces --feature-col and --feature-sep" $I --item-features --sep pipe --feature-col 2 --feature-flags 3 h.psv -o x.csr
fails "--feature-flags: the id column" 1 "b.psv:1: --feature-flags: column 1 is the id column" $I --item-features --sep pipe --no-header --id-col 1 --feature-flags 1-3 b.psv -o x.csr
fails "--feature-flags: a bad range" 1 "b.psv:1: --feature-flags: bad range '4-3'" $I --item-features --sep pipe --no-header --id-col 1 --feature-flags 4-3 b.psv -o x.csr
fails "--feature-flags without --item-features" 2 "--feature-flags, --feature-value and --repeated-ids need --item-features or --user-features" $I --feature-flags 3 b.psv -o x.csr

# ---- --feature-value: weighted features, a long (id, feature, value) file ----
# (MovieLens' tag genome, genome-scores.csv: movieId,tagId,relevance)
printf 'movieId,tagId,relevance\n30,funny,0.75\n10,funny,0.5\n30,dark,-2\n20,dark,1e-3\n20,funny,0\n' >w.csv
ok "--feature-value relevance, --repeated-ids merge" $I -q --item-features --feature-col tagId --feature-value relevance --repeated-ids merge w.csv -o w.csr
eq "the values are the column's; 0 stores nothing" "$(trec-info --dump w.csr | tr '\t\n' ' ;')" "30 dark -2;30 funny 0.75;10 funny 0.5;20 dark 0.001;"
ok "--feature-value by number, no header" sh -c "tail -n +2 w.csv | $I -q --item-features --no-header --id-col 1 --feature-col 2 --feature-value 3 --repeated-ids merge - -o wn.csr"
same "by number: the same matrix" wn.csr w.csr
# A value column of 1s is the multi-hot matrix, byte for byte.
printf 'movieId,genre,w\n30,Comedy,1\n30,Drama,1\n10,Comedy,1\n' >one.csv
printf 'movieId,genre\n30,Comedy\n30,Drama\n10,Comedy\n' >hot.csv
$I -q --item-features --feature-col genre --repeated-ids merge hot.csv -o hot.csr; made "hot.csr"
ok "values of 1" $I -q --item-features --feature-col genre --feature-value w --repeated-ids merge one.csv -o one.csr
same "values of 1: the multi-hot matrix" one.csr hot.csr
for v in abc nan inf -inf 0x10 1e60 1e-50 ''; do
    printf 'movieId,tagId,relevance\n30,funny,0.75\n10,funny,%s\n' "$v" >bad-v.csv
    case $v in
    1e60) why="'1e60' is out of range (beyond float range)" ;;
    1e-50) why="'1e-50' is not 0 but too small for a float (below 1.18e-38)" ;;
    '') why="'' is empty (a number is expected)" ;;
    *) why="'$v' is not a number (a finite decimal number is expected)" ;;
    esac
    fails "--feature-value '$v' refused: file, line, column" 1 "bad-v.csv:3: column 3 (value): $why" $I --item-features --feature-col tagId --feature-value relevance bad-v.csv -o bad-v.csr
done
ok "a bad value: nothing written" test ! -e bad-v.csr
ok "--skip-bad skips a bad value" $I -q --skip-bad --item-features --feature-col tagId --feature-value relevance bad-v.csv -o skip-v.csr
eq "skipped: the good line stays" "$(trec-info --dump skip-v.csr | tr '\t\n' ' ;')" "30 funny 0.75;"
printf 'movieId,tagId,relevance\n30,funny,0.75\n10,dark,1\n30,funny,0.25\n' >twice.csv
fails "a feature of an item twice, with values" 1 "twice.csv:4: feature 'funny' of id '30' again, with a value (first on line 2)" $I --item-features --feature-col tagId --feature-value relevance --repeated-ids merge twice.csv -o x.csr
fails "--feature-value with --feature-flags" 2 "--feature-value goes with --feature-col" $I --item-features --id-col 1 --feature-flags 2 --feature-value 3 w.csv -o x.csr
fails "--feature-value is the feature column" 2 "--feature-value tagId is also the feature column" $I --item-features --feature-col tagId --feature-value tagId w.csv -o x.csr
fails "--feature-value is the id column (by number)" 2 "--feature-value 1 is also the id column" $I --item-features --no-header --id-col 1 --feature-col 2 --feature-value 1 w.csv -o x.csr
fails "--feature-value: no such header name" 1 "w.csv:1: --feature-value score: no column of that name in the header line" $I --item-features --feature-col tagId --feature-value score w.csv -o x.csr
fails "--feature-value beyond the fields" 1 "w.csv:1: --feature-value 7: line 1 has 3 fields" $I --item-features --feature-col tagId --feature-value 7 --repeated-ids merge w.csv -o x.csr
fails "--feature-value by name with --no-header" 2 "--feature-value relevance: columns given by name need a header line" $I --item-features --no-header --id-col 1 --feature-col 2 --feature-value relevance w.csv -o x.csr
fails "--feature-value without features" 2 "--feature-value and --repeated-ids need --item-features" $I --feature-value 3 w.csv -o x.csr
# Weighted features feed trec-fit: aligned to a ratings matrix, and the
# weights matter (doubled weights give another model than the 1s).
$I -q "$F/small-ratings.csv" -o r.csr; made "r.csr"
printf 'movieId,genre,w\n30,Comedy,2\n30,Drama,2\n10,Comedy,2\n' >two.csv
$I -q --item-features --feature-col genre --feature-value w --repeated-ids merge --align r.csr one.csv -o one-al.csr; made "one-al.csr"
$I -q --item-features --feature-col genre --feature-value w --repeated-ids merge --align r.csr two.csv -o two-al.csr; made "two-al.csr"
eq "aligned weighted features: one row per item of the matrix" "$(trec-info --dump two-al.csr | tr '\t\n' ' ;')" "30 Comedy 2;30 Drama 2;10 Comedy 2;"
ok "trec-fit --item-features on weighted features" trec-fit r.csr -o wfit2.trec -q --algorithm tensorrec --epochs 3 --components 2 --seed 1 --item-features two-al.csr
trec-fit r.csr -o wfit1.trec -q --algorithm tensorrec --epochs 3 --components 2 --seed 1 --item-features one-al.csr; made "wfit1.trec"
trec-fit r.csr -o wfit1b.trec -q --algorithm tensorrec --epochs 3 --components 2 --seed 1 --item-features one-al.csr; made "wfit1b.trec"
same "weighted features: the fit is deterministic" wfit1.trec wfit1b.trec
ok "weighted features: the weights change the model" sh -c "! cmp -s wfit1.trec wfit2.trec"
ok "a model fitted on weighted features recommends" trec-recommend wfit2.trec --user 7 -k 2 --no-header

# ---- ml-1m movies.dat titles: '::', Latin-1 ----
"$BIN/trec-ingest" -q --sep :: "$F/ratings.dat" -o dat.csr; made "dat.csr"
trec-fit dat.csr -o dat.trec --algorithm tensorrec --epochs 1 -q; made "dat.trec"
printf '10::Caf\351 (1995)::Comedy\n20::Toy Story (1995)::Animation\n30::Heat (1995)::Action\n' >movies.dat
ok "--titles movies.dat --titles-sep :: --encoding latin1" sh -c "trec-recommend dat.trec --user 7 -k 3 --titles movies.dat --titles-sep :: --encoding latin1 >t.tsv"
eq "Latin-1 titles printed as UTF-8" "$(grep -c 'Café (1995)' t.tsv)" "1"
eq "--similar-to by a Latin-1 title" "$(trec-recommend dat.trec --similar-to 'Café (1995)' -k 1 --titles movies.dat --titles-sep :: --encoding latin1 --no-header | cut -f1)" "10"
fails "a Latin-1 movies.dat without --encoding" 1 "movies.dat:1: title: invalid UTF-8 (Latin-1 text? try --encoding latin1)" trec-recommend dat.trec --user 7 --titles movies.dat --titles-sep ::
trec-recommend dat.trec --user 7 --titles movies.dat --titles-sep :: 2>err.txt
contains "invalid UTF-8: try --encoding latin1" err.txt "movies.dat:1: title: invalid UTF-8 (Latin-1 text? try --encoding latin1)"
trec-recommend dat.trec --user 7 --titles movies.dat --encoding latin1 2>err.txt
contains "movies.dat read as CSV: try --titles-sep ::" err.txt "try --titles-sep ::"
gzip -c movies.dat >movies.dat.gz
ok "a gzip movies.dat" sh -c "trec-recommend dat.trec --user 7 -k 3 --titles movies.dat.gz --titles-sep :: --encoding latin1 >tz.tsv"
same "gzip movies.dat: the same" tz.tsv t.tsv
fails "--titles-sep without --titles" 2 "--titles-sep and --encoding describe the --titles file" trec-recommend dat.trec --user 7 --titles-sep ::
fails "--encoding: unknown" 2 "--encoding: expected latin1 or utf-8: ebcdic" trec-recommend dat.trec --user 7 --titles movies.dat --encoding ebcdic
