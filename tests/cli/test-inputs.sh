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
$I -q "$F/small-ratings.csv" -o plain.csr
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
$I -q --sep tab "$F/small-u.data" -o u.csr
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
$I -q --item-features "$F/small-movies.csv" -o g.csr
ok "item features from movies.csv.gz" $I -q --item-features movies.csv.gz -o ggz.csr
same "features from gzip: the same matrix" ggz.csr g.csr
# titles and id lists (trec-recommend) read through the same reader
trec-fit plain.csr -o m.trec --algorithm tensorrec --epochs 1 -q
trec-recommend m.trec --user 7 -k 2 --titles "$F/small-movies.csv" >t.tsv
ok "--titles movies.csv.gz" sh -c "trec-recommend m.trec --user 7 -k 2 --titles movies.csv.gz >tgz.tsv"
same "titles from gzip: the same list" tgz.tsv t.tsv
printf '7\n3\n' | gzip -c >users.gz
trec-recommend m.trec --user 7 --user 3 -k 2 >u2.tsv
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
fails "--feature-flags without --item-features" 2 "--feature-flags and --repeated-ids need --item-features or --user-features" $I --feature-flags 3 b.psv -o x.csr

# ---- ml-1m movies.dat titles: '::', Latin-1 ----
"$BIN/trec-ingest" -q --sep :: "$F/ratings.dat" -o dat.csr
trec-fit dat.csr -o dat.trec --algorithm tensorrec --epochs 1 -q
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
