# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-datasets.sh - synth-movielens, datasets/fetch-movielens.sh, the
# benchmark helpers (bench-csv-tokenize, peak-rss) and scripts/bench.sh.
# Sourced by run.sh in $T; see lib.sh.

SYN="$BIN/synth-movielens"
FETCH="$ROOT/datasets/fetch-movielens.sh"
differs_() {
    if cmp -s "$2" "$3"; then fail_ "$1" "$2 and $3 are identical"; else pass_ "$1"; fi
}
absent_() { # DESC PATH...: none of the paths exists
    d=$1; shift
    for p in "$@"; do
        if [ -e "$p" ] || [ -L "$p" ]; then fail_ "$d" "$p exists"; return; fi
    done
    pass_ "$d"
}
# mkzip ZIP PARENT NAME: zips PARENT/NAME (a directory) as NAME/... into ZIP
mkzip() {
    if command -v zip >/dev/null 2>&1; then
        (cd "$2" && zip -qr "$1" "$3")
    else
        (cd "$2" && python3 -m zipfile -c "$1" "$3")
    fi
}
command -v zip >/dev/null 2>&1 || echo "# note: zip missing, using python3 zipfile (Debian packages zip unzip)"
command -v unzip >/dev/null 2>&1 || echo "# note: unzip missing; fetch-movielens.sh falls back to python3"

# ---- synth-movielens: determinism ------------------------------------------

ok "synth: generates" "$SYN" --ratings 5000 --users 120 --items 400 --seed 7 --out "$T/a"
ok "synth: generates again" "$SYN" --ratings 5000 --users 120 --items 400 --seed 7 --out "$T/b"
same "synth: same seed, same ratings.csv bytes" "$T/a/ratings.csv" "$T/b/ratings.csv"
same "synth: same seed, same movies.csv bytes" "$T/a/movies.csv" "$T/b/movies.csv"
ok "synth: other seed" "$SYN" --ratings 5000 --users 120 --items 400 --seed 8 --out "$T/c"
differs_ "synth: other seed, other ratings.csv" "$T/a/ratings.csv" "$T/c/ratings.csv"
differs_ "synth: other seed, other movies.csv" "$T/a/movies.csv" "$T/c/movies.csv"
ok "synth: regenerate the committed samples (datasets/README.md command)" \
    "$SYN" --ratings 2000 --users 100 --items 300 --seed 1 --out "$T/samples"; made "samples"
same "synth: datasets/samples/synth-ratings.csv is up to date" "$T/samples/ratings.csv" "$ROOT/datasets/samples/synth-ratings.csv"
same "synth: datasets/samples/synth-movies.csv is up to date" "$T/samples/movies.csv" "$ROOT/datasets/samples/synth-movies.csv"
eq "synth: leaves no temp files" "$(ls -A "$T/a")" "movies.csv
ratings.csv"

# ---- synth-movielens: format and statistics (python3 csv module) -----------

cat >"$T/check.py" <<'EOF'
# check.py DIR N U: the MovieLens format and the promised statistics.
import csv, statistics, sys
d, n, u = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
GENRES = {"Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary",
          "Drama", "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance",
          "Sci-Fi", "Thriller", "War", "Western"}
GRID = {"%.1f" % (h / 2) for h in range(1, 11)}
def die(msg):
    print(msg); sys.exit(1)
movies = {}
with open(d + "/movies.csv", newline="") as f:
    raw = f.read()
rows = list(csv.reader(raw.splitlines()))
if rows[0] != ["movieId", "title", "genres"]: die("movies header %r" % rows[0])
last = 0
for r in rows[1:]:
    if len(r) != 3: die("movies row %r has %d fields" % (r, len(r)))
    mid = int(r[0])
    if mid <= last: die("movieIds not increasing at %d" % mid)
    last = mid
    g = r[2].split("|")
    if r[2] != "(no genres listed)" and not set(g) <= GENRES: die("bad genres %r" % r[2])
    if g != sorted(g): die("genres not sorted %r" % r[2])
    movies[mid] = r
titles = [r[1] for r in movies.values()]
if not any("," in t for t in titles): die("no title with a comma")
if not any('"' in t for t in titles): die("no title with a quote")
if '""' not in raw or ',"' not in raw: die("titles not CSV-quoted")
if not any(r[2] == "(no genres listed)" for r in movies.values()) and len(movies) >= 1000:
    die("no (no genres listed)")
seen, per_user, per_item, last_user = set(), {}, {}, 0
ratings, users_whole = [], {}
with open(d + "/ratings.csv", newline="") as f:
    lines = f.read().split("\n")
if lines[0] != "userId,movieId,rating,timestamp": die("ratings header %r" % lines[0])
if lines[-1] != "": die("no final newline")
for line in lines[1:-1]:
    f = line.split(",")
    if len(f) != 4: die("ratings row %r" % line)
    uid, mid, ts = int(f[0]), int(f[1]), int(f[3])
    if f[2] not in GRID: die("rating %r off the 0.5..5.0 grid" % f[2])
    if uid < last_user: die("rows not grouped by user at %r" % line)
    if uid > last_user: per_user[uid] = []
    last_user = uid
    if not 1 <= uid <= u: die("userId %d out of 1..%d" % (uid, u))
    if mid not in movies: die("movieId %d not in movies.csv" % mid)
    if (uid, mid) in seen: die("duplicate pair %d,%d" % (uid, mid))
    if not 820000000 <= ts <= 1600000000: die("timestamp %d not in MovieLens years" % ts)
    seen.add((uid, mid))
    per_user[uid].append(ts)
    per_item[mid] = per_item.get(mid, 0) + 1
    ratings.append(float(f[2]))
    users_whole.setdefault(uid, True)
    if f[2][-1] == "5": users_whole[uid] = False
if len(ratings) != n: die("%d ratings, wanted %d" % (len(ratings), n))
inc = sum(b >= a for t in per_user.values() for a, b in zip(t, t[1:]))
pairs = sum(len(t) - 1 for t in per_user.values())
if inc < 0.9 * pairs: die("timestamps not increasing-ish: %d of %d" % (inc, pairs))
if inc == pairs: die("timestamps strictly increasing: no jitter")
act = sorted(len(t) for t in per_user.values())
pop = sorted(per_item.values())
if n // u >= 40 and act[0] < 20: die("a user with %d < 20 ratings" % act[0])
if act[-1] < 3 * statistics.median(act): die("activity not heavy-tailed %r" % act[-5:])
if pop[-1] < 5 * statistics.median(pop): die("popularity not Zipf-like %r" % pop[-5:])
if not 3.0 < statistics.mean(ratings) < 4.0: die("mean rating %.2f" % statistics.mean(ratings))
if not any(users_whole.values()) or all(users_whole.values()): die("whole-star users: none or all")
print("ok")
EOF

# latent structure: a user x genre baseline must beat user + item biases on
# held-out ratings (the README's claim), i.e. there is taste to learn
cat >"$T/learn.py" <<'EOF'
import csv, math, random, sys
from collections import defaultdict
d = sys.argv[1]
genres = {r["movieId"]: r["genres"].split("|") for r in csv.DictReader(open(d + "/movies.csv"))}
rows = [(r["userId"], r["movieId"], float(r["rating"])) for r in csv.DictReader(open(d + "/ratings.csv"))]
random.Random(1).shuffle(rows)
test, train = rows[: len(rows) // 5], rows[len(rows) // 5:]
mu = sum(r for _, _, r in train) / len(train)
def shrunk(pairs, k):
    s, c = defaultdict(float), defaultdict(int)
    for key, v in pairs: s[key] += v; c[key] += 1
    return {key: s[key] / (c[key] + k) for key in s}
bi = shrunk(((m, r - mu) for _, m, r in train), 5)
bu = shrunk(((u, r - mu - bi[m]) for u, m, r in train), 5)
ug = shrunk((((u, g), r - mu - bi[m] - bu[u]) for u, m, r in train for g in genres[m]), 3)
base = lambda u, m: mu + bi.get(m, 0) + bu.get(u, 0)
taste = lambda u, m: base(u, m) + sum(ug.get((u, g), 0) for g in genres[m]) / len(genres[m])
rmse = lambda f: math.sqrt(sum((r - f(u, m)) ** 2 for u, m, r in test) / len(test))
b, t = rmse(base), rmse(taste)
print("biases %.4f, +user x genre %.4f" % (b, t))
sys.exit(0 if t < 0.98 * b else 1)
EOF

if command -v python3 >/dev/null 2>&1; then
    ok "synth: format and statistics (5000 ratings)" python3 "$T/check.py" "$T/a" 5000 120
    ok "synth: format and statistics (defaults from --ratings 30000)" sh -c \
        "'$SYN' --ratings 30000 --out '$T/d' && python3 '$T/check.py' '$T/d' 30000 200"
    mkdir -p "$T/committed"
    cp "$ROOT/datasets/samples/synth-ratings.csv" "$T/committed/ratings.csv"
    cp "$ROOT/datasets/samples/synth-movies.csv" "$T/committed/movies.csv"
    ok "synth: committed samples pass the checks" python3 "$T/check.py" "$T/committed" 2000 100
    ok "synth: ratings have learnable taste (user x genre beats biases)" python3 "$T/learn.py" "$T/d"
    # every user rates every item: the rejection sampler must fall back
    ok "synth: users rating the whole catalogue" "$SYN" --ratings 200 --users 2 --items 100 --out "$T/full"
    ok "synth: whole catalogue, no duplicates" python3 -c "
import csv; r = list(csv.reader(open('$T/full/ratings.csv')))[1:]
assert len(r) == 200 and len({(x[0], x[1]) for x in r}) == 200"
else
    skip "python3 missing: synthetic-data format checks"
fi

fails "synth: more ratings than users x items" 2 "2 users x 10 items cannot hold 100 distinct ratings" "$SYN" --ratings 100 --users 2 --items 10 --out "$T/x"
fails "synth: a bad number" 2 "--ratings: '12abc' is not an integer in [1, 100000000000]" "$SYN" --ratings 12abc --out "$T/x"
fails "synth: --out is required" 2 "--out DIR is required (try --help)" "$SYN" --ratings 10
: >"$T/afile"
fails "synth: unwritable output directory" 1 "afile/sub: Not a directory" "$SYN" --ratings 10 --out "$T/afile/sub"

# ---- fetch-movielens.sh: names, no network ----------------------------------

fails "fetch: unknown dataset" 2 "unknown dataset 'ml-foo' (known: ml-latest-small ml-100k ml-1m ml-25m)" "$FETCH" --dir "$T/c0" ml-foo
contains "fetch: unknown dataset lists the known ones" "$T/.err" "ml-latest-small ml-100k ml-1m ml-25m"
fails "fetch: no dataset given" 2 "no dataset NAME given (one of: ml-latest-small ml-100k ml-1m ml-25m)" "$FETCH" --dir "$T/c0"
fails "fetch: unknown option" 2 "unknown option '--bogus'" "$FETCH" --bogus ml-100k
fails "fetch: no network gives a clear error" 1 "cannot download http://127.0.0.1:9/ml-100k.zip.md5" env TREC_MOVIELENS_URL=http://127.0.0.1:9 "$FETCH" --dir "$T/c0" ml-100k
contains "fetch: no network error mentions the mirror" "$T/.err" "TREC_DATASETS_MIRROR"
eq "fetch: nothing left behind after a failure" "$(ls -A "$T/c0" 2>/dev/null)" ""

# ---- fetch-movielens.sh: the download path, from a file:// "server" ---------

mkdir -p "$T/src/ml-100k" "$T/srv"
"$SYN" --ratings 600 --users 20 --items 80 --seed 3 --out "$T/src/ml-100k"; made "src/ml-100k"
mkzip "$T/srv/ml-100k.zip" "$T/src" ml-100k
(cd "$T/srv" && md5sum ml-100k.zip >ml-100k.zip.md5)
URL="file://$T/srv"
ok "fetch: download, MD5 check, unzip" env TREC_MOVIELENS_URL="$URL" "$FETCH" --dir "$T/dl" ml-100k
same "fetch: downloaded ratings.csv intact" "$T/dl/ml-100k/ratings.csv" "$T/src/ml-100k/ratings.csv"
same "fetch: downloaded movies.csv intact" "$T/dl/ml-100k/movies.csv" "$T/src/ml-100k/movies.csv"
contains "fetch: manifest written" "$T/dl/ml-100k/.trec-sha256" "ratings.csv"
mv "$T/srv/ml-100k.zip" "$T/srv/away.zip"
env TREC_MOVIELENS_URL="$URL" "$FETCH" --dir "$T/dl" ml-100k >"$T/again.out" 2>&1
eq "fetch: second run succeeds without the server" "$?" 0
contains "fetch: second run does nothing" "$T/again.out" "already present and verified"
mv "$T/srv/away.zip" "$T/srv/ml-100k.zip"
echo "9,9,1.0,0" >>"$T/dl/ml-100k/ratings.csv"
ok "fetch: a modified cache is fetched again" env TREC_MOVIELENS_URL="$URL" "$FETCH" --dir "$T/dl" ml-100k
same "fetch: refetched ratings.csv intact" "$T/dl/ml-100k/ratings.csv" "$T/src/ml-100k/ratings.csv"

cp "$T/srv/ml-100k.zip" "$T/srv/ml-1m.zip"
echo "MD5 (ml-1m.zip) = 0123456789abcdef0123456789abcdef" >"$T/srv/ml-1m.zip.md5"
fails "fetch: MD5 mismatch rejected" 1 "ml-1m.zip: MD5 mismatch (expected 0123456789abcdef0123456789abcdef from" env TREC_MOVIELENS_URL="$URL" "$FETCH" --dir "$T/dl" ml-1m
contains "fetch: MD5 mismatch says so" "$T/.err" "MD5 mismatch"
contains "fetch: MD5 mismatch removes the download" "$T/.err" "download removed"
eq "fetch: MD5 mismatch leaves nothing" "$(ls -A "$T/dl")" "ml-100k"
cp "$T/srv/ml-100k.zip" "$T/srv/ml-25m.zip"
fails "fetch: no .md5 on the server, no download" 1 "cannot download $URL/ml-25m.zip.md5" env TREC_MOVIELENS_URL="$URL" "$FETCH" --dir "$T/dl" ml-25m
absent_ "fetch: no .md5 leaves nothing" "$T/dl/ml-25m"
mkdir -p "$T/dl2/ml-100k"
fails "fetch: refuses a directory it did not make" 1 "ml-100k exists but was not made by fetch-movielens.sh (no" env TREC_MOVIELENS_URL="$URL" "$FETCH" --dir "$T/dl2" ml-100k
contains "fetch: says the directory is not its own" "$T/.err" "not made by"

# unzip missing: python3's zipfile extracts instead (PATH without unzip)
if command -v python3 >/dev/null 2>&1; then
    mkdir -p "$T/pbin"
    for f in /usr/local/bin/* /usr/bin/* /bin/*; do
        n=${f##*/}
        [ "$n" = unzip ] || [ -e "$T/pbin/$n" ] || ln -s "$f" "$T/pbin/$n"
    done
    rm -f "$T/pbin/python3"
    ln -s "$(python3 -c 'import sys; print(sys.executable)')" "$T/pbin/python3"
    ok "fetch: extracts with python3 when unzip is missing" \
        env PATH="$T/pbin" TREC_MOVIELENS_URL="$URL" "$FETCH" --dir "$T/dl3" ml-100k
    same "fetch: python3-extracted ratings.csv intact" "$T/dl3/ml-100k/ratings.csv" "$T/src/ml-100k/ratings.csv"
else
    skip "python3 missing: fetch's python3 unzip fallback"
fi

# ---- pinned SHA-256 of ml-latest-small ---------------------------------------

mkdir -p "$T/fake/ml-latest-small" "$T/srv2"
"$SYN" --ratings 300 --users 10 --items 50 --out "$T/fake/ml-latest-small"; made "fake/ml-latest-small"
for f in tags.csv links.csv; do echo "x" >"$T/fake/ml-latest-small/$f"; done
mkzip "$T/srv2/ml-latest-small.zip" "$T/fake" ml-latest-small
(cd "$T/srv2" && md5sum ml-latest-small.zip >ml-latest-small.zip.md5)
fails "fetch: download with right MD5 but wrong pinned SHA-256 rejected" 1 "links.csv: SHA-256 mismatch (expected" \
    env TREC_MOVIELENS_URL="file://$T/srv2" "$FETCH" --dir "$T/dl4" ml-latest-small
contains "fetch: pinned mismatch says so" "$T/.err" "SHA-256 mismatch"
contains "fetch: pinned mismatch removes the file" "$T/.err" "file removed"
absent_ "fetch: pinned mismatch installs nothing" "$T/dl4/ml-latest-small"
eq "fetch: pinned mismatch leaves no temp dir" "$(ls -A "$T/dl4")" ""
fails "fetch: mirror with wrong pinned SHA-256 rejected" 1 "ml-latest-small: rejected (checksum mismatch), nothing copied" \
    env TREC_DATASETS_MIRROR="$T/fake" "$FETCH" --dir "$T/dl5" ml-latest-small
contains "fetch: rejected mirror copies nothing" "$T/.err" "nothing copied"
absent_ "fetch: rejected mirror installs nothing" "$T/dl5/ml-latest-small"
[ -f "$T/fake/ml-latest-small/ratings.csv" ]
eq "fetch: the mirror itself is left alone" "$?" 0
fails "fetch: mirror that is not a directory" 2 "nowhere is not a directory" env TREC_DATASETS_MIRROR="$T/nowhere" "$FETCH" --dir "$T/dl5" ml-100k

# a dataset without pins is copied from the mirror, with a note
env TREC_DATASETS_MIRROR="$T/src" "$FETCH" --dir "$T/dl6" ml-100k >"$T/m.out" 2>"$T/m.err"
eq "fetch: unpinned mirror copy succeeds" "$?" 0
contains "fetch: unpinned mirror copy says it is not verified" "$T/m.err" "not verified"
same "fetch: unpinned mirror copy intact" "$T/dl6/ml-100k/ratings.csv" "$T/src/ml-100k/ratings.csv"
# a dataset absent from the mirror is downloaded
env TREC_DATASETS_MIRROR="$T/src" TREC_MOVIELENS_URL="file://$T/srv2" "$FETCH" --dir "$T/dl6" ml-latest-small >"$T/m.out" 2>"$T/m.err"
contains "fetch: a dataset absent from the mirror is downloaded" "$T/m.err" "not in mirror"

if have_ml; then
    # the real files: the mirror is $ML's parent when it is named ml-latest-small
    if [ "$(basename "$ML")" = ml-latest-small ]; then
        MIR=$(dirname "$ML")
    else
        mkdir -p "$T/mir" && ln -s "$ML" "$T/mir/ml-latest-small" && MIR="$T/mir"
    fi
    ok "fetch: mirror copy of ml-latest-small verifies" env TREC_DATASETS_MIRROR="$MIR" "$FETCH" --dir "$T/m1" ml-latest-small
    for f in ratings.csv movies.csv tags.csv links.csv; do
        same "fetch: mirror copy of $f" "$T/m1/ml-latest-small/$f" "$ML/$f"
    done
    env TREC_DATASETS_MIRROR="$MIR" "$FETCH" --dir "$T/m1" ml-latest-small >"$T/m.out" 2>&1
    contains "fetch: mirror copy is idempotent" "$T/m.out" "already present and verified"
    ok "fetch: mirror --link" env TREC_DATASETS_MIRROR="$MIR" "$FETCH" --link --dir "$T/m2" ml-latest-small
    [ -L "$T/m2/ml-latest-small/ratings.csv" ]
    eq "fetch: --link makes symlinks" "$?" 0
    # one changed byte in a mirror file
    mkdir -p "$T/bad/ml-latest-small"
    cp "$ML"/*.csv "$T/bad/ml-latest-small/" && chmod u+w "$T/bad/ml-latest-small"/*.csv
    sed '2s/$/0/' "$ML/ratings.csv" >"$T/bad/ml-latest-small/ratings.csv"
    differs_ "fetch: corrupted mirror copy differs" "$T/bad/ml-latest-small/ratings.csv" "$ML/ratings.csv"
    fails "fetch: corrupted mirror file rejected" 1 "ratings.csv: SHA-256 mismatch" env TREC_DATASETS_MIRROR="$T/bad" "$FETCH" --dir "$T/m3" ml-latest-small
    absent_ "fetch: corrupted mirror installs nothing" "$T/m3/ml-latest-small"
    # the download path with the real files: pinned checksums hold
    mkdir -p "$T/srv3"
    mkzip "$T/srv3/ml-latest-small.zip" "$MIR" ml-latest-small
    (cd "$T/srv3" && md5sum ml-latest-small.zip >ml-latest-small.zip.md5)
    env TREC_MOVIELENS_URL="file://$T/srv3" "$FETCH" --dir "$T/m4" ml-latest-small >"$T/m.out" 2>&1
    contains "fetch: real ml-latest-small zip downloads, 4 pins verified" "$T/m.out" "4 pinned SHA-256 verified"
else
    skip_ml "real ml-latest-small fetch tests"
fi

# ---- bench helpers -----------------------------------------------------------

S="$T/samples" # the generated copy of datasets/samples, MovieLens file names
"$BIN/bench-csv-tokenize" "$S/ratings.csv" >"$T/tok.out"
eq "bench-csv-tokenize: records" "$(sed 's/.*records=\([0-9]*\).*/\1/' "$T/tok.out")" "$(wc -l <"$S/ratings.csv" | tr -d ' ')"
eq "bench-csv-tokenize: fields" "$(sed 's/.*fields=\([0-9]*\).*/\1/' "$T/tok.out")" "$(($(wc -l <"$S/ratings.csv") * 4))"
eq "bench-csv-tokenize: bytes" "$(sed 's/.*bytes=\([0-9]*\).*/\1/' "$T/tok.out")" "$(wc -c <"$S/ratings.csv" | tr -d ' ')"
"$BIN/bench-csv-tokenize" "$S/movies.csv" >"$T/tok.out"
eq "bench-csv-tokenize: quoted commas are not field separators" \
    "$(sed 's/.*fields=\([0-9]*\).*/\1/' "$T/tok.out")" "$(($(wc -l <"$S/movies.csv") * 3))"
fails "bench-csv-tokenize: missing file" 1 "nonexistent.csv: No such file or directory" "$BIN/bench-csv-tokenize" "$T/nonexistent.csv"

"$BIN/peak-rss" sh -c 'exit 3' 2>"$T/p.err"
eq "peak-rss: passes the exit status on" "$?" 3
contains "peak-rss: reports peak memory" "$T/p.err" "max_rss_kib="
if command -v python3 >/dev/null 2>&1; then
    "$BIN/peak-rss" python3 -c 'b = bytearray(64 << 20); b[::4096] = b"x" * len(b[::4096])' 2>"$T/p.err"
    kib=$(sed -n 's/.*max_rss_kib=\([0-9]*\).*/\1/p' "$T/p.err")
    ok "peak-rss: measures the command's memory (64 MiB, got ${kib:-?} KiB)" test "${kib:-0}" -ge 65536
else
    skip "python3 missing: peak-rss memory measure"
fi
"$BIN/peak-rss" "$T/no-such-command" 2>"$T/p.err"
eq "peak-rss: a command that cannot run gives 127" "$?" 127

# ---- scripts/bench.sh, with a stand-in trec-ingest -------------------------

mkdir -p "$T/fb"
for t in peak-rss bench-csv-tokenize synth-movielens; do ln -s "$BIN/$t" "$T/fb/$t"; done
printf '#!/bin/sh\ncp "$1" "$3"\n' >"$T/fb/trec-ingest" && chmod +x "$T/fb/trec-ingest"
env TREC_BENCH_DIR="$T/bd" TREC_BENCH_RATINGS=20000 TREC_BENCH_REPEAT=1 TREC_ML_SMALL="$T/none" TREC_BENCH_SECTIONS="ingest walkthrough" \
    "$ROOT/scripts/bench.sh" "$T/fb" >"$T/bench.out" 2>&1
eq "bench.sh: runs" "$?" 0
contains "bench.sh: libcsv row" "$T/bench.out" "libcsv tokenize"
contains "bench.sh: ingest --threads 2 row" "$T/bench.out" "trec-ingest --threads 2"
contains "bench.sh: compares thread outputs" "$T/bench.out" "outputs identical"
[ -f "$T/bd/synth-20000/ratings.csv" ]
eq "bench.sh: synthetic input cached" "$?" 0
printf '#!/bin/sh\necho "trec-ingest: error: broken" >&2; exit 1\n' >"$T/fb/trec-ingest"
env TREC_BENCH_DIR="$T/bd" TREC_BENCH_RATINGS=20000 TREC_BENCH_REPEAT=1 TREC_ML_SMALL="$T/none" TREC_BENCH_SECTIONS="ingest walkthrough" \
    "$ROOT/scripts/bench.sh" "$T/fb" >"$T/bench.out" 2>&1
eq "bench.sh: a failing ingest fails the benchmark" "$?" 1
contains "bench.sh: shows the ingest error" "$T/bench.out" "trec-ingest: error: broken"
