# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-recommend.sh - trec-recommend on the hand-computed model of
# tests/fixtures/eval (see test-eval.sh): users 11, 22, 33 score the items
# 101..106 as 6 5 4 4 2 1 (103 and 104 tie: lower index first), user 44 as
# -6 -5 -4 -4 -2 -1. Similar items: item x item values (no biases).
. "$FIX/eval/build-mkfix.sh"
LC_ALL=C; export LC_ALL
E=$FIX/eval
"$T/mkfix" model "$E/model.spec" m.trec; made "m.trec"
"$T/mkfix" matrix "$E/test.spec" test.csr; made "test.csr"
"$T/mkfix" matrix "$E/train.spec" train.csr; made "train.csr"
"$T/mkfix" matrix "$E/wide.spec" wide.csr; made "wide.csr"
"$T/mkfix" matrix "$E/reordered.spec" reordered.csr; made "reordered.csr"
isjson() { python3 -c 'import json,sys; json.load(sys.stdin)' <"$1"; }
TAB=$(printf '\t')

# ---- top-K for users ----
trec-recommend m.trec --user 11 -k 3 >u11.tsv; made -s "u11.tsv"
printf 'user\trank\titem\tscore\n11\t1\t101\t6\n11\t2\t102\t5\n11\t3\t103\t4\n' >want.tsv
same "--user 11 -k 3: TSV by rank, the tie 103/104 broken by index" u11.tsv want.tsv
trec-recommend m.trec --user 44 -k 4 --no-header >u44.tsv; made -s "u44.tsv"
printf '44\t1\t106\t-1\n44\t2\t105\t-2\n44\t3\t103\t-4\n44\t4\t104\t-4\n' >want.tsv
same "--user 44: reversed order; --no-header" u44.tsv want.tsv
trec-recommend m.trec --user 11,44 -k 2 >a.tsv; made -s "a.tsv"
trec-recommend m.trec --user 11 --user 44 -k 2 >b.tsv; made -s "b.tsv"
same "--user comma list = repeated --user" a.tsv b.tsv
eq "users in the order given" "$(trec-recommend m.trec --user 44,11 -k 1 --no-header | cut -f1 | tr '\n' ' ')" "44 11 "
trec-recommend m.trec --all-users -k 2 --no-header >all.tsv; made -s "all.tsv"
eq "--all-users: every user, model order" "$(cut -f1 all.tsv | uniq | tr '\n' ' ')" "11 22 33 44 "
eq "--all-users: k rows each" "$(wc -l <all.tsv | tr -d ' ')" "8"
eq "default -k is 10 (capped at 6 items)" "$(trec-recommend m.trec --user 22 --no-header | wc -l | tr -d ' ')" "6"
eq "-k beyond the items: all 6" "$(trec-recommend m.trec --user 22 -k 100 --no-header | wc -l | tr -d ' ')" "6"
trec-recommend m.trec --all-users -k 3 --threads 1 >t1.tsv; made -s "t1.tsv"
trec-recommend m.trec --all-users -k 3 --threads 3 >t3.tsv; made -s "t3.tsv"
same "--threads: same output" t1.tsv t3.tsv

# ---- a model whose user labels repeat (11 11 33 44; checksums fixed) ----
python3 -c '
import struct, sys, zlib
b = bytearray(open("m.trec", "rb").read())
n = struct.unpack_from("<I", b, 24)[0]
for i in range(n):
    e = 32 + 32 * i
    tag, _, off, size = struct.unpack_from("<4sIQQ", b, e)
    if tag != b"ULAB":
        continue
    count = struct.unpack_from("<Q", b, off)[0]
    offs = struct.unpack_from("<%dQ" % (count + 1), b, off + 8)
    blob = off + 8 + 8 * (count + 1)
    assert b[blob + offs[0]:blob + offs[1]] == b"11" and b[blob + offs[1]:blob + offs[2]] == b"22"
    b[blob + offs[1]:blob + offs[2]] = b"11"
    struct.pack_into("<I", b, e + 4, zlib.crc32(b[off:off + size]))
struct.pack_into("<I", b, 28, zlib.crc32(bytes(b[:28]) + bytes(b[32:32 + 32 * n])))
open("dup.trec", "wb").write(b)
'
made "dup.trec"
fails "repeated user label: a single --user look-up (a scan) fails" 1 \
    "duplicate label \"11\" (labels 0 and 1)" trec-recommend dup.trec --user 11
printf '11\n' >dup-ids.txt
fails "... and so does a look-up through the id map (--users)" 1 \
    "duplicate label \"11\" (labels 0 and 1)" trec-recommend dup.trec --users dup-ids.txt
eq "a label that does not repeat still answers" \
    "$(trec-recommend dup.trec --user 33 -k 1 --no-header | cut -f1,3)" "33${TAB}101"

# ---- the model from standard input ----
trec-recommend - --user 11 -k 3 <m.trec >stdin.tsv; made "stdin.tsv"
printf 'user\trank\titem\tscore\n11\t1\t101\t6\n11\t2\t102\t5\n11\t3\t103\t4\n' >want.tsv
same "trec-recommend -: the model read from stdin" stdin.tsv want.tsv
trec-recommend - --similar-to 103 --similarity dot -k 3 <m.trec >stdin-s.tsv; made "stdin-s.tsv"
printf 'query\trank\titem\tscore\n103\t1\t101\t24\n103\t2\t102\t20\n103\t3\t104\t16\n' >want.tsv
same "trec-recommend -: --similar-to with the model from stdin" stdin-s.tsv want.tsv
fails "trec-recommend -: a matrix on stdin is not a model" 1 "<stdin>: is a matrix file, expected a model file" \
    sh -c 'trec-recommend - --user 11 <test.csr'

# ---- seen items ----
eq "--exclude train.csr: 44 loses 106" \
    "$(trec-recommend m.trec --user 44 -k 2 --exclude train.csr --no-header | cut -f3 | tr '\n' ' ')" "105 103 "
eq "--exclude train.csr: 22 loses 102, 104" \
    "$(trec-recommend m.trec --user 22 -k 6 --exclude train.csr --no-header | cut -f3 | tr '\n' ' ')" "101 103 105 106 "
eq "--exclude twice: train and test left out" \
    "$(trec-recommend m.trec --user 11 -k 6 --exclude train.csr --exclude test.csr --no-header | cut -f3 | tr '\n' ' ')" "103 105 "
eq "--exclude the same matrix twice: no harm" \
    "$(trec-recommend m.trec --user 11 -k 6 --exclude train.csr --exclude test.csr --exclude test.csr --no-header | wc -l | tr -d ' ')" "2"

# ---- similar items ----
trec-recommend m.trec --similar-to 103 --similarity dot -k 3 >s.tsv; made -s "s.tsv"
printf 'query\trank\titem\tscore\n103\t1\t101\t24\n103\t2\t102\t20\n103\t3\t104\t16\n' >want.tsv
same "--similar-to 103: item x item scores, itself left out" s.tsv want.tsv
eq "--similar-to: at most items - 1" "$(trec-recommend m.trec --similar-to 101 --similarity dot -k 50 --no-header | wc -l | tr -d ' ')" "5"
eq "--similar-to list" "$(trec-recommend m.trec --similar-to 101,106 --similarity dot -k 1 --no-header | cut -f1,3 | tr '\n' ' ')" \
    "101${TAB}102 106${TAB}101 "

# ---- titles ----
trec-recommend m.trec --user 11 -k 3 --titles "$E/titles.csv" >ti.tsv; made -s "ti.tsv"
printf 'user\trank\titem\tscore\ttitle\n11\t1\t101\t6\tAlpha, The (1990)\n11\t2\t102\t5\t"Quoted" Beta (1991)\n11\t3\t103\t4\tGamma (1992)\n' >want.tsv
same "--titles: quoted titles with commas and quotes" ti.tsv want.tsv
eq "--titles with --similar-to" "$(trec-recommend m.trec --similar-to 101 --similarity dot -k 1 --titles "$E/titles.csv" --no-header | cut -f5)" "\"Quoted\" Beta (1991)"
fails "--titles: an item without a title" 1 "movies-missing.csv: no title for item '101' (the titles file does not" trec-recommend m.trec --user 11 -k 3 --titles "$E/movies-missing.csv"
trec-recommend m.trec --user 11 -k 3 --titles "$E/movies-missing.csv" >partial.tsv 2>err.txt
contains "missing title: message names file and item" err.txt "movies-missing.csv: no title for item '101'"
eq "missing title: nothing printed" "$(cat partial.tsv)" ""
ok "missing title of an item not listed: fine" trec-recommend m.trec --user 44 -k 3 --titles "$E/movies-missing.csv"
fails "--titles: bad movies.csv line" 1 "movies-bad.csv:3: wrong number of fields: 4 fields, expected 3 like the header" trec-recommend m.trec --user 11 --titles "$E/movies-bad.csv"
trec-recommend m.trec --user 11 --titles "$E/movies-bad.csv" 2>err.txt
contains "bad movies.csv: file:line" err.txt "movies-bad.csv:3: wrong number of fields: 4 fields, expected 3"
fails "--titles: missing file" 1 "nonexistent.csv: cannot open: No such file or directory" trec-recommend m.trec --user 11 --titles nonexistent.csv

# ---- JSON ----
trec-recommend m.trec --user 11,44 -k 2 --titles "$E/titles.csv" --exclude train.csr --json >r.json; made -s "r.json"
ok "--json parses" isjson r.json
eq "--json: content" "$(python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["k"], d["exclude"], [(r["user"], [(i["rank"], i["item"], i["score"], i["title"]) for i in r["items"]]) for r in d["results"]])' <r.json)" \
    "2 ['train.csr'] [('11', [(1, '102', 5, '\"Quoted\" Beta (1991)'), (2, '103', 4, 'Gamma (1992)')]), ('44', [(1, '105', -2, 'Epsilon, Part II (1994)'), (2, '103', -4, 'Gamma (1992)')])]"
trec-recommend m.trec --similar-to 103 --similarity dot -k 1 --json >s.json; made -s "s.json"
eq "--json --similar-to: query key" "$(python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; print(r["query"], r["items"][0]["item"])' <s.json)" "103 101"
trec-recommend m.trec --user 11 -o out.tsv; made -s "out.tsv"
trec-recommend m.trec --user 11 >stdout.tsv; made -s "stdout.tsv"
same "-o writes what stdout gets" out.tsv stdout.tsv
ok "--help" trec-recommend --help

# ---- bad input ----
fails "no MODEL" 2 "missing MODEL" trec-recommend --user 11
fails "nobody to recommend for" 2 "say whom to recommend for: --user ID, --users FILE, --all-users, --similar-to ITEM," trec-recommend m.trec
fails "--user and --similar-to" 2 "--user, --users, --all-users, --similar-to, --liked and --history exclude each other" trec-recommend m.trec --user 11 --similar-to 101
fails "--user and --all-users" 2 "--user, --users, --all-users, --similar-to, --liked and --history exclude each other" trec-recommend m.trec --user 11 --all-users
fails "--exclude with --similar-to" 2 "--exclude removes a user's items; it does not go with --similar-to" trec-recommend m.trec --similar-to 101 --similarity dot --exclude train.csr
fails "--json with --no-header" 2 "--no-header is for TSV output, not --json" trec-recommend m.trec --user 11 --json --no-header
fails "unknown user" 1 "m.trec: no user '12' in the model (4 users)" trec-recommend m.trec --user 12
trec-recommend m.trec --user 11,12 2>err.txt >/dev/null
contains "unknown user: message" err.txt "m.trec: no user '12' in the model (4 users)"
fails "unknown item" 1 "m.trec: no item '999' in the model (6 items)" trec-recommend m.trec --similar-to 999
trec-recommend m.trec --similar-to 999 --similarity dot 2>err.txt
contains "unknown item: message" err.txt "m.trec: no item '999' in the model (6 items)"
fails "empty id in a list" 1 "m.trec: no user '' in the model (4 users)" trec-recommend m.trec --user 11,
fails "missing model file" 1 "nonexistent.trec: cannot open: No such file or directory" trec-recommend nonexistent.trec --user 11
fails "a matrix as the model" 1 "test.csr: is a matrix file, expected a model file" trec-recommend test.csr --user 11
fails "--exclude: missing file" 1 "nonexistent.csr: cannot open: No such file or directory" trec-recommend m.trec --user 11 --exclude nonexistent.csr
# --exclude matrices are matched to the model by ids: 11 rated 102 in both.
trec-recommend m.trec --user 11 -k 3 --exclude wide.csr >xw.tsv; made "xw.tsv"
trec-recommend m.trec --user 11 -k 3 --exclude reordered.csr >xr.tsv; made "xr.tsv"
printf 'user\trank\titem\tscore\n11\t1\t101\t6\n11\t2\t103\t4\n11\t3\t104\t4\n' >want.tsv
same "--exclude with an extra item: matched by ids" xw.tsv want.tsv
same "--exclude with items in another order: matched by ids" xr.tsv want.tsv
fails "-k 0" 2 "-k: '0' is not an integer in [1, 1000000000]" trec-recommend m.trec --user 11 -k 0
fails "-k not a number" 2 "-k: 'x' is not an integer in [1, 1000000000]" trec-recommend m.trec --user 11 -k x
fails "--threads 0" 2 "--threads: '0' is not an integer in [1, 1024]" trec-recommend m.trec --user 11 --threads 0

# ---- cold start: --item-features / --user-features on a model with metadata ----
FF=$FIX/fit
trec-fit -q "$FF/ratings.csr" -o hyb.trec --item-features "$FF/genres.csr" --components 3 --epochs 5 --loss wmrb; made "hyb.trec"
ok "--item-features with the training genres" trec-recommend hyb.trec --user u1 -k 15 --item-features "$FF/genres.csr" -o same.tsv
trec-recommend hyb.trec --user u1 -k 15 -o plain.tsv; made -s "plain.tsv"
same "... recomputes exactly the representations trec-fit stored" same.tsv plain.tsv
printf 'movieId,title,genres\nnew1,A New One,odd|any\nnew2,Another,even\n' >newitems.csv
trec-ingest -q --item-features newitems.csv -o newitems.csr; made "newitems.csr"
trec-recommend hyb.trec --user u1 -k 17 --item-features newitems.csr --no-header -o cold.tsv; made -s "cold.tsv"
eq "new items become candidates (15 + 2 ranked)" "$(wc -l <cold.tsv | tr -d ' ')" 17
eq "... both of them" "$(cut -f3 cold.tsv | grep -c '^new')" 2
ok "--similar-to a new item" trec-recommend hyb.trec --similar-to new1 -k 3 --item-features newitems.csr
printf 'movieId,title,genres\nnew3,Strange,space opera\n' >unknown.csv
trec-ingest -q --item-features unknown.csv -o unknown.csr; made "unknown.csr"
fails "a feature the model does not know" 1 "unknown.csr: feature 'space opera' is not one of the model's 3 item features" trec-recommend hyb.trec --user u1 --item-features unknown.csr
contains "... is named" "$T/.err" "feature 'space opera' is not one of the model's 3 item features"
fails "user features for a model without user metadata" 1 "newitems.csr: the model has no user metadata features (it was fitted" trec-recommend hyb.trec --user u1 --user-features newitems.csr
contains "... says so" "$T/.err" "the model has no user metadata features"
fails "--exclude with --item-features" 2 "--exclude goes with the model's own users and items, not with" trec-recommend hyb.trec --user u1 --item-features newitems.csr --exclude "$FF/ratings.csr"
# a content model of users (no user identity): a new user with u1's features
# (users.csr: u1 has feature 0 only) gets u1's list, scores included
trec-fit -q "$FF/ratings.csr" -o ucont.trec --user-features "$FF/users.csr" --no-user-identity --components 2 --epochs 5 --loss wmrb; made "ucont.trec"
printf 'userId,group\nnewbie,0\nother,1\n' >newusers.csv
trec-ingest -q --user-features --feature-col group newusers.csv -o nu.csr; made "nu.csr"
trec-recommend ucont.trec --user u1 -k 5 --no-header | cut -f2- >u1.tsv; made -s "u1.tsv"
trec-recommend ucont.trec --user newbie -k 5 --no-header --user-features nu.csr >newbie.tsv; made -s "newbie.tsv"
eq "a new user is named in the output" "$(cut -f1 newbie.tsv | sort -u)" newbie
cut -f2- newbie.tsv >newbie2.tsv; made -s "newbie2.tsv"
same "a new user with u1's features gets u1's recommendations" newbie2.tsv u1.tsv
fails "an id in neither the model nor the features" 1 "ucont.trec: no user 'nobody' in the model (14 users)" trec-recommend ucont.trec --user nobody --user-features nu.csr

# ---- the walkthrough on ml-latest-small (user 433 is internal user 432) ----
if have_ml && command -v trec-ingest >/dev/null && command -v trec-split >/dev/null; then
    trec-ingest "$ML/ratings.csv" -o ml.csr -q; made "ml.csr"
    trec-split ml.csr --train mltr.csr --test mlte.csr --test-fraction 0.2 --seed 1 -q; made "mltr.csr"
    "$T/mkfix" random-model mltr.csr ml.trec 5 dot 1; made "ml.trec"
    ok "user 433 with real titles" trec-recommend ml.trec --user 433 -k 10 \
        --titles "$ML/movies.csv" --exclude mltr.csr -o w.tsv
    eq "user 433: 10 rows, 5 columns" "$(tail -n +2 w.tsv | awk -F"$TAB" 'NF == 5' | wc -l | tr -d ' ')" "10"
    trec-info --dump mltr.csr | awk -F"$TAB" '$1 == 433 { print $2 }' | sort >seen.txt; made -s "seen.txt"
    eq "user 433: no training item recommended" \
        "$(tail -n +2 w.tsv | cut -f3 | sort | comm -12 - seen.txt | wc -l | tr -d ' ')" "0"
    ok "--similar-to Toy Story (1)" trec-recommend ml.trec --similar-to 1 --titles "$ML/movies.csv" -o sim.tsv
    ok "--all-users --json on 610 users" trec-recommend ml.trec --all-users --json -o allml.json
    ok "--all-users --json parses" isjson allml.json
    # every score as the shortest "%.Ng" that reads back as the same float32
    # (Python's own rounding as the reference)
    ok "--all-users TSV on 610 users" trec-recommend ml.trec --all-users -o allml.tsv
    eq "--all-users TSV: scores are the shortest round-trip text" "$(tail -n +2 allml.tsv | python3 -c '
import math, struct, sys
def f32(x): return struct.unpack("f", struct.pack("f", x))[0]
bad = n = 0
for line in sys.stdin:
    s = line.rstrip("\n").split("\t")[3]
    v, n = f32(float(s)), n + 1
    a = abs(v)
    first = math.floor(math.log10(a)) + 1 if a >= 1 else 1
    for p in range(min(first, 9), 10):
        t = "%.*g" % (p, v)
        if f32(float(t)) == v:
            break
    bad += t != s
print(n, bad)')" "6100 0"
else
    skip_ml "MovieLens recommend checks"
fi
