# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-hardening.sh - the failures of issue 7 (an attack run on the tools),
# one section per item: outputs to devices, pipes and links; forged and
# endless inputs; long records; file modes; option exit codes; stale
# temporary files; what --skip-bad, --duplicates sum and tiny ratings report.
LC_ALL=C; export LC_ALL
umask 022
code() { "$@" >/dev/null 2>&1; echo $?; }
lines() { wc -l <"$1" | tr -d ' '; }
no_temps() { # desc: no temporary file left in the current directory
    eq "$1: no temporary file left" "$(ls | grep '\.tmp\.' | tr '\n' ' ')" ""
}
printf 'userId,movieId,rating,timestamp\n1,10,4,100\n2,10,3,101\n3,20,5,102\n1,20,2,103\n2,30,1,104\n' >tiny.csv
ok "make tiny.csr" trec-ingest -q tiny.csv -o tiny.csr
trec-info --dump tiny.csr >tiny.tsv; made -s "tiny.tsv"

# ---- 1. every output works to a device, a FIFO, a pipe or '-' ----
ok "split: --train /dev/null" trec-split -q tiny.csr --train /dev/null --test te.csr
ok "split: --train /dev/null: test written" trec-info te.csr
fails "split: --train tr.csr --test /dev/full fails" 1 "/dev/full: write failed: No space left on device" trec-split -q tiny.csr --train tr.csr --test /dev/full
eq "split: /dev/full: exit 1" "$(code trec-split -q tiny.csr --train tr.csr --test /dev/full)" 1
eq "split: /dev/full: train not written" "$(ls tr.csr 2>/dev/null)" ""
no_temps "split: /dev/full"
trec-split -q tiny.csr --train tr.csr --test te.csr; made "tr.csr"
trec-split -q tiny.csr --train /dev/fd/1 --test te2.csr >tr2.csr; made "tr2.csr"
same "split: --train /dev/fd/1 = a file" tr2.csr tr.csr
trec-split -q tiny.csr --train tr3.csr --test - | cat >te3.csr; made "tr3.csr"
same "split: --test - into a pipe = a file" te3.csr te.csr
mkfifo split.fifo
cat split.fifo >fifo.csr &
ok "split: --train FIFO" trec-split -q tiny.csr --train split.fifo --test te4.csr
wait
same "split: what the FIFO carried = a file" fifo.csr tr.csr
no_temps "split: devices and pipes"
mkfifo ingest.fifo
cat ingest.fifo >ingest-fifo.csr &
ok "ingest: -o FIFO" trec-ingest -q tiny.csv -o ingest.fifo
wait
same "ingest: what the FIFO carried = a file" ingest-fifo.csr tiny.csr
ok "ingest: -o /dev/null" trec-ingest -q tiny.csv -o /dev/null
fails "ingest: -o /dev/full fails" 1 "/dev/full: write failed: No space left on device" trec-ingest -q tiny.csv -o /dev/full
fails "info: -o /dev/full fails" 1 "/dev/full: write failed: No space left on device" trec-info tiny.csr -o /dev/full
mkfifo info.fifo
cat info.fifo >info-fifo.tsv &
ok "info: --dump -o FIFO" trec-info --dump tiny.csr -o info.fifo
wait
same "info: what the FIFO carried = stdout" info-fifo.tsv tiny.tsv
ok "fit: -o /dev/null" trec-fit -q tiny.csr --algorithm tensorrec --components 2 --epochs 1 -o /dev/null
trec-fit -q tiny.csr --algorithm tensorrec --components 2 --epochs 1 -o m.trec; made "m.trec"
mkfifo fit.fifo
cat fit.fifo >fit-fifo.trec &
ok "fit: -o FIFO" trec-fit -q tiny.csr --algorithm tensorrec --components 2 --epochs 1 -o fit.fifo
wait
same "fit: what the FIFO carried = a file" fit-fifo.trec m.trec
fails "eval: -o /dev/full fails" 1 "/dev/full: write failed: No space left on device" trec-eval -q m.trec --test tiny.csr -o /dev/full
ok "recommend: -o /dev/null" trec-recommend m.trec --user 1 -o /dev/null
rm -f ./*.fifo
no_temps "every tool"

# ---- 2. -o through a symbolic link writes the link's target ----
ln -s /proc/self/fd/1 mystdout
trec-info --dump tiny.csr -o mystdout >out.tsv 2>link.err; made -s "out.tsv"
same "link to /proc/self/fd/1: the dump reaches stdout" out.tsv tiny.tsv
eq "link to /proc/self/fd/1: still a link" "$([ -L mystdout ] && echo link)" link
trec-info --dump tiny.csr -o /dev/fd/1 >out2.tsv 2>link.err; made -s "out2.tsv"
same "-o /dev/fd/1: the dump reaches stdout" out2.tsv tiny.tsv
echo first >log.tsv
trec-info --dump tiny.csr -o /dev/fd/1 >>log.tsv; made "log.tsv"
eq "-o /dev/fd/1 >> log: appended, nothing replaced" "$(head -n 1 log.tsv) $(lines log.tsv)" \
    "first $(($(lines tiny.tsv) + 1))"
echo old >real.tsv
ln -s real.tsv link.tsv
ok "link to a file: written" trec-info --dump tiny.csr -o link.tsv
eq "link to a file: still a link" "$([ -L link.tsv ] && echo link)" link
same "link to a file: the target has the dump" real.tsv tiny.tsv
ln -s real.csr link.csr
ok "link to a missing file: written" trec-ingest -q tiny.csv -o link.csr
eq "link to a missing file: still a link" "$([ -L link.csr ] && echo link)" link
same "link to a missing file: the target was created" real.csr tiny.csr
mkdir sub
ln -s ../tiny-copy.csr sub/up.csr
ok "relative link in another directory" trec-ingest -q tiny.csv -o sub/up.csr
same "relative link: resolved from the link's directory" tiny-copy.csr tiny.csr
no_temps "links"

# ---- 3. a forged header cannot make a reader allocate by its dimensions ----
# One python3 run (its start-up is slow) forges the files of this section
# and makes the wide CSV of section 7.
cat >forge.py <<'PY'
import struct, zlib
def container(out, kind, secs):  # a container with valid checksums (trec-formats(5))
    n = len(secs); head = 32 + 32 * n; pos = (head + 63) // 64 * 64
    table = b""; body = b""; start = pos
    for i, (tag, data) in enumerate(secs):
        body += b"\0" * (pos - start - len(body)) + data
        table += struct.pack("<4sIQQQ", tag, zlib.crc32(data), pos, len(data), 0)
        pos += len(data)
        if i + 1 < n: pos = (pos + 63) // 64 * 64
    h = b"TREC\r\n\x1a\n" + struct.pack("<IIQI", 1, kind, start + len(body), n)
    open(out, "wb").write(h + struct.pack("<I", zlib.crc32(h + table)) + table +
                          b"\0" * (start - head) + body)
def matrix(out, cols, col):
    container(out, 1, [(b"DIMS", struct.pack("<QQQ", 1, cols, 1)),
                       (b"RPTR", struct.pack("<QQ", 0, 1)),
                       (b"CIDX", struct.pack("<I", col)), (b"VALS", struct.pack("<f", 1))])
matrix("wide.csr", 1 << 30, 5)
matrix("wide2.csr", 3000, 2999)
with open("wide.csv", "w") as f:
    f.write(",".join("c%d" % i for i in range(1100)) + "\n")
    f.write(",".join(str(i) for i in range(1100)) + "\n")
PY
python3 forge.py; made "wide.csr, wide2.csr, wide.csv"
eq "forged: 1 row, 1 entry, 2^30 columns in $(wc -c <wide.csr | tr -d ' ') bytes" \
    "$(wc -c <wide.csr | tr -d ' ')" 388
fails "forged: 2^30 columns in 388 bytes refused" 1 "wide.csr: shape 1 x 1073741824 with 1 entries does not fit a 388-byte file" timeout 60 trec-info wide.csr
contains "forged: says the shape does not fit" "$T/.err" "wide.csr: shape 1 x 1073741824 with 1 entries does not fit a 388-byte file"
ok "forged: 3000 unlabelled columns in 388 bytes still read" trec-info wide2.csr
ok "split of a matrix with empty columns" trec-split -q wide2.csr --train w-tr.csr --test w-te.csr

# ---- 4. reading stops where the header says the file ends ----
fails "/dev/zero is not read without end" 1 "/dev/zero: not a trec file (bad magic)" timeout 20 trec-info /dev/zero
contains "/dev/zero: not a trec file" "$T/.err" "/dev/zero: not a trec file"
{ cat tiny.csr; head -c 100000 /dev/zero; } >trailing.bin
fails "a valid header and more bytes on a pipe" 1 "<stdin>: more bytes than the 686 its header says (damaged, or not a" sh -c 'cat tiny.csr /dev/zero | timeout 20 trec-info -'
contains "... says there are more bytes than declared" "$T/.err" "<stdin>: more bytes than the $(wc -c <tiny.csr | tr -d ' ') its header says"
fails "a valid header and more bytes in a file" 1 "trailing.bin: file is 100686 bytes but its header says 686 (damaged)" trec-info trailing.bin
contains "... says how long the file is" "$T/.err" "trailing.bin: file is $(wc -c <trailing.bin | tr -d ' ') bytes but its header says"
fails "split: /dev/zero" 1 "/dev/zero: not a trec file (bad magic)" timeout 20 trec-split /dev/zero --train a.csr --test b.csr

# ---- 5. records longer than twice the block size ----
# (Both 17 MB with the default 8 MiB block and 9 MB with a 4 MiB one failed:
# the block buffer could not grow past twice its size.)
{ printf 'userId,movieId,rating,timestamp,comment\n1,10,4,100,short\n2,10,3,101,'
  head -c 17000000 /dev/zero | tr '\0' 'x'; printf '\n3,20,5,102,short\n'; } >long.csv
ok "ratings: a 17 MB field in an unused column" trec-ingest -q long.csv --time-col 4 -o long.csr
eq "ratings: the long line is read" "$(trec-info --dump long.csr | wc -l | tr -d ' ')" 3
ok "... with --threads 2 and a small block" trec-ingest -q long.csv --time-col 4 --block-size 4096 --threads 2 -o long2.csr
same "... the same matrix" long2.csr long.csr
{ printf 'movieId,title,genres\n10,'; head -c 9000000 /dev/zero | tr '\0' 't'; printf ',Drama\n20,b,Comedy\n'; } >long-movies.csv
ok "item features: a 9 MB title, 4 MiB blocks" trec-ingest -q --item-features long-movies.csv --block-size 4194304 -o long-genres.csr
eq "item features: both items read" "$(trec-info --dump long-genres.csr | wc -l | tr -d ' ')" 2
fails "an unbalanced quote, then an endless stream" 1 "<stdin>:4: a record longer than 67108864 bytes, the limit (64 MiB or" sh -c \
    '{ printf "userId,movieId,rating\n1,2,3\n4,5,6\n\"unbalanced,1,2\n"; cat /dev/zero; } | timeout 60 trec-ingest - -o z.csr'
contains "... names the line and the limit" "$T/.err" "<stdin>:4: a record longer than 67108864 bytes, the limit (64 MiB or the block size)"
contains "... and suggests the quote" "$T/.err" "an unbalanced quote character?"
no_temps "long records"

# ---- 6. a rewritten output keeps its mode ----
for tool in ingest info split; do
    rm -f "mode-$tool.out"
    : >"mode-$tool.out"
    chmod 600 "mode-$tool.out"
    case $tool in
    ingest) trec-ingest -q tiny.csv -o "mode-$tool.out" ;;
    info) trec-info tiny.csr -o "mode-$tool.out" ;;
    split) trec-split -q tiny.csr --train "mode-$tool.out" --test mode-te.csr ;;
    esac
    made "mode-$tool.out"
    eq "$tool: a 0600 output stays 0600" "$(stat -c %a "mode-$tool.out")" 600
done
eq "a new output gets the umask's mode" "$(stat -c %a mode-te.csr)" 644

# ---- 7. bad option values exit 2 ----
usage2() { # desc message args...: trec-ingest ARGS exits 2 with an error saying message
    d=$1; m=$2; shift 2
    fails "usage: $d" 2 "$m" trec-ingest "$@" -o x.csr
}
usage2 "--user-col 0" "--user-col 0: columns are numbered from 1" tiny.csv --user-col 0
usage2 "--sep ''" "separator '': give one character" tiny.csv --sep ''
usage2 "--quote ''" "quote '': give one character or 'none'" tiny.csv --quote ''
usage2 "--quote ," "quote character cannot be a space, a line break or part of the separator" tiny.csv --quote ,
usage2 "user and item both column 1" "the user and item columns are the same (1)" tiny.csv --user-col 1 --item-col 1
usage2 "--item-col 1 (the user's)" "the user and item columns are the same (1)" tiny.csv --item-col 1
usage2 "user and item the same name" "the user and item columns are the same (userId)" tiny.csv --user-col userId --item-col userId
usage2 "--user-col none" "--user-col cannot be 'none'" tiny.csv --user-col none
usage2 "--user-col 99999999999" "--user-col 99999999999: column numbers go up to 1024" tiny.csv --user-col 99999999999
contains "--user-col 99999999999: the limit, not 'numbered from 1'" "$T/.err" "--user-col 99999999999: column numbers go up to 1024"
usage2 "--feature-sep ''" "the feature separator is empty" --item-features "$FIX/ingest/small-movies.csv" --feature-sep ''
usage2 "--id-col 0" "--id-col 0: columns are numbered from 1" --item-features "$FIX/ingest/small-movies.csv" --id-col 0
usage2 "id and feature column the same" "the id and feature columns are the same (2)" --item-features "$FIX/ingest/small-movies.csv" --id-col 2 --feature-col 2
usage2 "--user-col 1100 (beyond the fields read)" "--user-col 1100: column numbers go up to 1024" wide.csv --user-col 1100
usage2 "--id-col 1100" "--id-col 1100: column numbers go up to 1024" --item-features wide.csv --id-col 1100 --feature-col 5
fails "--user-col 3 meets the default rating column: input error" 1 "the user and rating columns are the same (3)" trec-ingest tiny.csv --user-col 3 -o x.csr
eq "... exit 1" "$(code trec-ingest tiny.csv --user-col 3 -o x.csr)" 1

# ---- 8. stale temporary files are removed by the next run ----
mkfifo in.fifo
trec-info --dump in.fifo -o stale.tsv 2>/dev/null &
pid=$!
i=0
while [ $i -lt 100 ] && ! ls stale.tsv.tmp.* >/dev/null 2>&1; do sleep 0.05; i=$((i + 1)); done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
eq "kill -9 mid-write leaves a temporary" "$(ls stale.tsv.tmp.* 2>/dev/null | wc -l | tr -d ' ')" 1
tmp=$(ls stale.tsv.tmp.* 2>/dev/null)
eq "the temporary is named NAME.tmp.HOST.PID.XXXXXX" \
    "$(echo "$tmp" | grep -cE "^stale\.tsv\.tmp\.[0-9a-f]{8}\.$pid\.[A-Za-z0-9]{6}$")" 1
host=${tmp#stale.tsv.tmp.}; host=${host%%.*}
: >"stale.tsv.tmp.$host.$$.AAAAAA"        # a live writer's (this shell's)
: >"stale.tsv.tmp.00000000.$pid.BBBBBB"   # another machine's
ok "the next run" trec-info --dump tiny.csr -o stale.tsv
same "... writes the file" stale.tsv tiny.tsv
eq "... and removes the dead writer's temporary" "$(ls "$tmp" 2>/dev/null)" ""
eq "... but not a live writer's" "$(ls "stale.tsv.tmp.$host.$$.AAAAAA")" "stale.tsv.tmp.$host.$$.AAAAAA"
eq "... nor another machine's" "$(ls stale.tsv.tmp.00000000.$pid.BBBBBB)" "stale.tsv.tmp.00000000.$pid.BBBBBB"
rm -f in.fifo stale.tsv.tmp.*
if strace -f -o /dev/null true 2>/dev/null; then
    # LeakSanitizer cannot run under ptrace (a sanitized build would print a
    # fatal error at exit): leaks are checked everywhere else
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
        strace -f -e trace=fsync,rename -o trace.txt trec-ingest -q tiny.csv -o synced.csr
    made "trec-ingest under strace"
    eq "fsync the file, rename, fsync the directory" \
        "$(sed -n 's/^[0-9]* *\(fsync\|rename\)(.*/\1/p' trace.txt | tr '\n' ' ')" "fsync rename fsync "
else
    skip "strace unusable here: fsync order"
fi
contains "trec-formats(5) documents the temporary names" "$ROOT/man/man5/trec-formats.5" "tmp.\fIHOST\fP.\fIPID\fP"

# ---- 9. what --skip-bad, --duplicates sum and tiny ratings report ----
printf 'userId,movieId,rating\n1,2,x\n2,3,y\n' >allbad.csv
fails "--skip-bad, every record bad" 1 "allbad.csv: no interactions (all 2 records were bad and skipped)" trec-ingest --skip-bad allbad.csv -o x.csr
contains "... the warnings say why" "$T/.err" "skipped allbad.csv:2: column 3 (rating): 'x' is not a number"
contains "... then the error" "$T/.err" "error: allbad.csv: no interactions (all 2 records were bad and skipped)"
printf 'userId,movieId,rating\n1,1,3e38\n1,2,1\n2,1,1\n1,1,3e38\n1,1,3e38\n' >sum.csv
fails "--duplicates sum beyond float range" 1 "sum.csv:6: column 3 (rating): the sum of the 3 ratings of user '1'," trec-ingest --duplicates sum sum.csv -o x.csr
contains "... names the lines and the column" "$T/.err" "sum.csv:6: column 3 (rating): the sum of the 3 ratings of user '1', item '1' (the first on line 2) is out of float range"
ok "--duplicates sum --threads 2: same rows" trec-ingest -q --duplicates sum --threads 2 --block-size 16 tiny.csv -o sum2.csr
same "... as without duplicates" sum2.csr tiny.csr
printf 'userId,movieId,rating\n1,1,4\n1,2,1e-50\n' >tinyrating.csv
fails "a rating of 1e-50" 1 "tinyrating.csv:3: column 3 (rating): '1e-50' is not 0 but too small for" trec-ingest tinyrating.csv -o x.csr
contains "... is refused, not stored as 0" "$T/.err" "tinyrating.csv:3: column 3 (rating): '1e-50' is not 0 but too small for a float"
printf 'userId,movieId,rating\n1,1,0\n1,2,-0.0\n2,1,0e-50\n2,2,2e-38\n' >zeros.csv
ok "zeros in any spelling, and 2e-38, are fine" trec-ingest -q zeros.csv -o zeros.csr
no_temps "the end"

# ---- 9b. a fit that goes non-finite reports divergence, never the output ----
# (--alpha 1e30: the penalty's gradient overflows Adam's second moment while
# the weights stay finite; the writer used to blame a.trec for it)
fails "tensorrec --alpha 1e30 diverges" 1 "the fit diverged at epoch 1: the gradients overflowed" \
    trec-fit -q tiny.csr --algorithm tensorrec --alpha 1e30 --epochs 5 -o a.trec
contains "... names the options" "$T/.err" "try a smaller --learning-rate (now 0.1) or --alpha (now 1e+30)"
eq "... no model written" "$(ls a.trec 2>/dev/null)" ""
fails "tensorrec --alpha 1e30, loss wmrb" 1 "the fit diverged at epoch 1" \
    trec-fit -q tiny.csr --algorithm tensorrec --loss wmrb --alpha 1e30 --epochs 3 -o a.trec
fails "tensorrec relu, --learning-rate 1e10" 1 "the fit diverged at epoch" \
    trec-fit -q tiny.csr --algorithm tensorrec --user-repr relu --learning-rate 1e10 --epochs 3 -o a.trec
fails "als --lambda 1e30 diverges" 1 "the fit diverged at epoch 1: the loss or the factors became infinite or NaN" \
    trec-fit -q tiny.csr --algorithm als --lambda 1e30 --epochs 3 -o a.trec
contains "... names --lambda" "$T/.err" "try a --lambda nearer the default 0.1 (now 1e+30)"
fails "als --confidence-scale 1e30 diverges" 1 "a smaller --confidence-scale (now 1e+30)" \
    trec-fit -q tiny.csr --algorithm als --confidence-scale 1e30 --epochs 3 -o a.trec
fails "sgd --learning-rate 1e30 diverges" 1 "the fit diverged at epoch 1" \
    trec-fit -q tiny.csr --algorithm sgd --loss logistic --schedule sgd --learning-rate 1e30 --alpha 0 --epochs 3 -o a.trec
fails "als cholesky --lambda 1e-30: says to raise --lambda" 1 "(try a larger --lambda)" \
    trec-fit -q tiny.csr --algorithm als --solver cholesky --lambda 1e-30 --epochs 3 -o a.trec
eq "no model left by the divergences" "$(ls a.trec 2>/dev/null)" ""
no_temps "divergence"

# ---- 9c. two outputs naming the same file are refused ----
trec-fit -q tiny.csr --algorithm als --components 2 --epochs 2 -o als.trec; made "als.trec"
fails "eval: -o X --per-user X" 2 "-o and --per-user name the same file: X" trec-eval -q als.trec --test tiny.csr --per-user X -o X
eq "... nothing written" "$(ls X 2>/dev/null)" ""
fails "eval: -o ./X --per-user X" 2 "-o and --per-user name the same file" trec-eval -q als.trec --test tiny.csr --per-user X -o ./X
ln -s X X.link
fails "eval: -o a link to X, --per-user X" 2 "-o and --per-user name the same file" trec-eval -q als.trec --test tiny.csr --per-user X -o X.link
mkdir -p d && ln -s d d.link
fails "eval: through a linked directory" 2 "-o and --per-user name the same file" trec-eval -q als.trec --test tiny.csr --per-user d/X -o d.link/X
echo old >H && ln H H.hard
fails "eval: hard links to one file" 2 "-o and --per-user name the same file" trec-eval -q als.trec --test tiny.csr --per-user H.hard -o H
fails "eval: --history and -o the same file" 2 "-o and --history name the same file" trec-eval -q als.trec --test tiny.csr --history ./H -o H
fails "eval: -o - --per-user - (both stdout)" 2 "-o and --per-user cannot both be '-' (stdout)" trec-eval -q als.trec --test tiny.csr --per-user -
ok "eval: --per-user /dev/null -o /dev/null (devices may be shared)" trec-eval -q als.trec --test tiny.csr --per-user /dev/null -o /dev/null
ok "eval: distinct files" trec-eval -q als.trec --test tiny.csr --per-user pu.tsv -o X
eq "... both written" "$(ls X pu.tsv | tr '\n' ' ')" "X pu.tsv "
fails "split: --train ./s.csr --test s.csr (neither exists yet)" 2 "--train and --test name the same file" trec-split -q tiny.csr --train ./s.csr --test s.csr
ok "split: --train /dev/null --test /dev/null" trec-split -q tiny.csr --train /dev/null --test /dev/null
fails "fit: -o and --log the same file" 2 "-o and --log name the same file" \
    trec-fit -q tiny.csr --algorithm als --epochs 2 --valid tiny.csr --log ./m.log -o m.log
fails "tune: -o and --log the same file" 2 "-o and --log name the same file" \
    trec-tune tiny.csr --valid tiny.csr --algorithm als --log ./t.out -o t.out
printf 'date\tmodel\tndcg@10\n' >hist.tsv
fails "report: -o and --svg the same file" 2 "-o and --svg name the same file" trec-report -q hist.tsv -o p.html --svg ./p.html
eq "no file left by the refusals" "$(ls m.log t.out p.html s.csr 2>/dev/null)" ""
no_temps "two outputs"

# ---- 9d, 9f. scores that overflow: one rule for TSV and JSON, and a warning ----
# Forged models (valid checksums): representations of 1e30, finite as the
# format requires, whose scores overflow single precision: dot gives +inf;
# Euclidean gives inf - inf = NaN, which counts as -inf.
cat >patch.py <<'PY'
import struct, sys, zlib
def patch(src, out, secs):  # whole float sections replaced, checksums recomputed
    b = bytearray(open(src, "rb").read())
    n = struct.unpack_from("<I", b, 24)[0]
    for i in range(n):
        at = 32 + 32 * i
        tag, crc, off, size, _ = struct.unpack_from("<4sIQQQ", b, at)
        if tag in secs:
            v = secs[tag]
            data = struct.pack("<%df" % (size // 4), *[v[j % len(v)] for j in range(size // 4)])
            b[off:off + size] = data
            struct.pack_into("<I", b, at + 4, zlib.crc32(data))
    struct.pack_into("<I", b, 28, zlib.crc32(bytes(b[:28]) + bytes(b[32:32 + 32 * n])))
    open(out, "wb").write(b)
patch("als.trec", "inf.trec", {b"UREP": [1e30], b"IREP": [1e30]})
patch("euc.trec", "nan.trec", {b"UREP": [1e30], b"IREP": [1e30]})
PY
trec-fit -q tiny.csr --algorithm tensorrec --predict euclidean --components 2 --epochs 1 -o euc.trec; made "euc.trec"
python3 patch.py; made "forged inf.trec and nan.trec"
ok "forged models are valid" trec-info inf.trec nan.trec
trec-recommend nan.trec --user 1 -k 3 >nan.tsv 2>nan.err; made "recommend nan.trec"
trec-recommend nan.trec --user 1 -k 3 --json >nan.json 2>/dev/null; made "recommend nan.trec --json"
eq "NaN scores: -inf in TSV" "$(cut -f 4 nan.tsv | tail -n +2 | tr '\n' ' ')" "-inf -inf -inf "
eq "NaN scores: the same word in JSON (a string, not null)" \
    "$(grep -o '"score":[^,}]*' nan.json | tr '\n' ' ')" '"score":"-inf" "score":"-inf" "score":"-inf" '
contains "NaN scores: a warning names the model" nan.err "warning: nan.trec: 3 listed scores overflowed single precision"
trec-recommend inf.trec --user 1 -k 3 >inf.tsv 2>inf.err; eq "inf scores: exit 0" "$?" 0
trec-recommend inf.trec --user 1 -k 3 --json >inf.json 2>/dev/null; made "recommend inf.trec --json"
eq "inf scores: inf in TSV" "$(cut -f 4 inf.tsv | tail -n +2 | tr '\n' ' ')" "inf inf inf "
eq "inf scores: \"inf\" in JSON" "$(grep -o '"score":[^,}]*' inf.json | sort -u)" '"score":"inf"'
eq "inf scores: warned once" "$(grep -c 'warning: inf.trec: 3 listed scores overflowed' inf.err)" 1
eq "-q: no warning" "$(trec-recommend -q inf.trec --user 1 -k 3 2>&1 >/dev/null)" ""
trec-eval inf.trec --test tiny.csr >/dev/null 2>eval.err; eq "eval of inf.trec: exit 0" "$?" 0
eq "eval of inf.trec: warned once" "$(grep -c 'warning: inf.trec: [0-9]* ranked scores overflowed single precision' eval.err)" 1
eq "a sound model: no warning" "$(trec-recommend als.trec --user 1 2>&1 >/dev/null; trec-eval als.trec --test tiny.csr 2>&1 >/dev/null | grep warning)" ""

# ---- 9e. an oversized model is refused before any work ----
# 100000 items x 1048576 components: terabytes for any algorithm (it used
# to fail with "out of memory allocating ..." after the allocations that fit)
awk 'BEGIN { print "userId,movieId,rating"; for (i = 1; i <= 100000; i++) print 1 "," i ",1"; print "2,1,1" }' >wide-items.csv
trec-ingest -q wide-items.csv -o wi.csr; made "wi.csr"
for a in tensorrec sgd als; do
    fails "$a --components 1048576 on 100000 items refused" 1 "--components 1048576: the fit would need at least" \
        timeout 60 trec-fit -q wi.csr --algorithm "$a" --components 1048576 --epochs 1 -o big.trec
    contains "... says how much there is" "$T/.err" "GiB of memory here; give fewer --components"
done
fails "als --components 1048576 on a 3 x 3 matrix (its k x k Gram matrix)" 1 "--components 1048576: the fit would need at least" \
    timeout 60 trec-fit -q tiny.csr --algorithm als --components 1048576 --epochs 1 -o big.trec
ok "a model that fits is still made" trec-fit -q wi.csr --algorithm sgd --components 4 --epochs 1 -o small.trec
eq "no model left by the refusals" "$(ls big.trec 2>/dev/null)" ""
no_temps "oversized models"
