# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-rules.sh - trec-recommend's batch and business rules (issue 9):
# --users FILE|- (unknown ids warned and skipped, exit status 3; --strict
# makes them fatal), --allow-items / --deny-items, --similar-to by id or
# exact title, --similarity cosine|dot. On the hand-computed model of
# tests/fixtures/eval (see test-eval.sh: users 11, 22, 33 rank 101..106 in
# order, user 44 the reverse) and a k = 2 model where cosine and dot differ.
. "$FIX/eval/build-mkfix.sh"
LC_ALL=C; export LC_ALL
E=$FIX/eval
"$T/mkfix" model "$E/model.spec" m.trec
TAB=$(printf '\t')

# ---- --users ----
printf '22\n# a comment\n\n  44 \r\n' >users.txt
ok "--users FILE" trec-recommend m.trec --users users.txt -k 2 -o u.tsv
printf 'user\trank\titem\tscore\n22\t1\t101\t6\n22\t2\t102\t5\n44\t1\t106\t-1\n44\t2\t105\t-2\n' >want.tsv
same "--users: one list per id, file order; comments, blanks, spaces, CR skipped" u.tsv want.tsv
trec-recommend m.trec --user 22 --user 44 -k 2 >u2.tsv; made -s "u2.tsv"
same "--users = the same --user ids" u.tsv u2.tsv
ok "--users - reads stdin" sh -c "cat users.txt | trec-recommend m.trec --users - -k 2 -o us.tsv"
same "--users -: the same lists" us.tsv u.tsv
printf '22\nnobody\n44\nghost\n' >some.txt
trec-recommend m.trec --users some.txt -k 2 >s.tsv 2>s.err
eq "unknown users: exit status 3" "$?" "3"
same "unknown users: skipped, the others listed" s.tsv want.tsv
contains "unknown users: warned with the count and the first" s.err "warning: some.txt: 2 user ids not in m.trec, skipped (first: 'nobody', line 2)"
trec-recommend m.trec --users some.txt -k 2 -q >/dev/null 2>q.err
eq "-q: exit status 3 still, no warning" "$?:$(cat q.err)" "3:"
fails "--strict: an unknown user is an error" 1 "some.txt:2: no user 'nobody' in m.trec (--strict)" trec-recommend m.trec --users some.txt --strict -o strict.tsv
trec-recommend m.trec --users some.txt --strict -o strict.tsv 2>err.txt
contains "--strict: file, line, id" err.txt "some.txt:2: no user 'nobody' in m.trec (--strict)"
ok "--strict: nothing written" test ! -e strict.tsv
trec-recommend m.trec --users users.txt --strict -k 2 >/dev/null
eq "--strict with known users: exit 0" "$?" "0"
printf '' >empty.txt
trec-recommend m.trec --users empty.txt >e.tsv; made -s "e.tsv"
eq "--users of an empty file: the header only" "$(cat e.tsv)" "$(printf 'user\trank\titem\tscore')"
fails "--users: missing file" 1 "nonexistent.txt: cannot open: No such file or directory" trec-recommend m.trec --users nonexistent.txt
printf '22\n\001x\n' >bad.txt
fails "--users: a control character" 1 "bad.txt:2: bad id (control character)" trec-recommend m.trec --users bad.txt
trec-recommend m.trec --users bad.txt 2>err.txt
contains "--users: bad id names file and line" err.txt "bad.txt:2: bad id"
fails "--users and --user" 2 "--user, --users, --all-users, --similar-to, --liked and --history exclude each other" trec-recommend m.trec --users users.txt --user 11

# ---- --allow-items / --deny-items ----
printf '104\n106\n999\n' >allow.txt
printf '104\n' >deny.txt
trec-recommend m.trec --user 11 -k 3 --allow-items allow.txt --no-header >a.tsv 2>a.err
eq "--allow-items: only those items" "$(cut -f3 a.tsv | tr '\n' ' ')" "104 106 "
eq "--allow-items: an unknown item id: exit status 3" "$(trec-recommend m.trec --user 11 --allow-items allow.txt -q >/dev/null; echo $?)" "3"
contains "--allow-items: the unknown item warned" a.err "allow.txt: 1 item id not in m.trec, skipped (first: '999', line 3)"
eq "--deny-items: never those" "$(trec-recommend m.trec --user 11 -k 6 --deny-items deny.txt --no-header | cut -f3 | tr '\n' ' ')" "101 102 103 105 106 "
eq "--allow-items and --deny-items: allowed minus denied" \
   "$(trec-recommend m.trec --user 11 -k 6 --allow-items allow.txt --deny-items deny.txt --no-header -q | cut -f3 | tr '\n' ' ')" "106 "
eq "--deny-items with --exclude" \
   "$("$T/mkfix" matrix "$E/train.spec" train.csr; trec-recommend m.trec --user 11 -k 6 --deny-items deny.txt --exclude train.csr --no-header | cut -f3 | tr '\n' ' ')" "102 103 105 106 "
eq "--deny-items with --similar-to" \
   "$(trec-recommend m.trec --similar-to 103 --similarity dot -k 6 --deny-items deny.txt --no-header | cut -f3 | tr '\n' ' ')" "101 102 105 106 "
eq "--allow-items with --all-users" \
   "$(trec-recommend m.trec --all-users -k 6 --allow-items deny.txt --no-header | cut -f3 | sort -u)" "104"
fails "--allow-items --strict: an unknown item is an error" 1 "allow.txt:3: no item '999' in m.trec (--strict)" trec-recommend m.trec --user 11 --allow-items allow.txt --strict

# ---- --similar-to by title; --similarity ----
eq "--similar-to an exact title (with --titles)" \
   "$(trec-recommend m.trec --similar-to 'Gamma (1992)' --similarity dot -k 1 --titles "$E/titles.csv" --no-header | cut -f1,3)" "103${TAB}101"
eq "--similar-to a title with a comma" \
   "$(trec-recommend m.trec --similar-to 'Alpha, The (1990)' --similarity dot -k 1 --titles "$E/titles.csv" --no-header | cut -f1,3)" "101${TAB}102"
eq "--similar-to an id and a title, comma-separated" \
   "$(trec-recommend m.trec --similar-to '106,Gamma (1992)' --similarity dot -k 1 --titles "$E/titles.csv" --no-header | cut -f1 | tr '\n' ' ')" "106 103 "
fails "--similar-to a title without --titles" 1 "m.trec: no item 'Gamma (1992)' in the model (6 items); a title needs --titles" trec-recommend m.trec --similar-to 'Gamma (1992)'
trec-recommend m.trec --similar-to 'Gamma (1992)' 2>err.txt
contains "a title without --titles: the hint" err.txt "a title needs --titles"
fails "--similar-to a title that is not there" 1 "m.trec: no item 'Omega (2000)' in the model (6 items)" trec-recommend m.trec --similar-to 'Omega (2000)' --titles "$E/titles.csv"
printf 'movieId,title\n101,Same (2000)\n102,Same (2000)\n' >dup.csv
fails "--similar-to an ambiguous title" 1 "dup.csv: 2 items have the title 'Same (2000)': give the item id" trec-recommend m.trec --similar-to 'Same (2000)' --titles dup.csv
trec-recommend m.trec --similar-to 'Same (2000)' --titles dup.csv 2>err.txt
contains "ambiguous title: says so" err.txt "2 items have the title 'Same (2000)': give the item id"
cat >k2.spec <<'EOS'
predict dot
k 2
user 1 1 1 0
item a 1 0 0
item b 10 10 0
item c 1 0.1 0
EOS
"$T/mkfix" model k2.spec k2.trec
eq "--similar-to: cosine by default" \
   "$(trec-recommend k2.trec --similar-to a -k 2 --no-header | cut -f3 | tr '\n' ' ')" "c b "
eq "--similarity cosine: the same" \
   "$(trec-recommend k2.trec --similar-to a -k 2 --similarity cosine --no-header | cut -f3,4 | tr '\n' ' ')" \
   "$(trec-recommend k2.trec --similar-to a -k 2 --no-header | cut -f3,4 | tr '\n' ' ')"
eq "--similarity dot: b first" \
   "$(trec-recommend k2.trec --similar-to a -k 2 --similarity dot --no-header | cut -f3,4 | tr '\n' ' ')" "b${TAB}10 c${TAB}1 "
eq "cosine: the score is the cosine" \
   "$(trec-recommend k2.trec --similar-to a -k 1 --no-header | cut -f4 | cut -c1-6)" "0.9950"
fails "--similarity without --similar-to" 2 "--similarity goes with --similar-to" trec-recommend k2.trec --user 1 --similarity dot
fails "--similarity: bad value" 2 "--similarity: expected cosine or dot: euclid" trec-recommend k2.trec --similar-to a --similarity euclid
