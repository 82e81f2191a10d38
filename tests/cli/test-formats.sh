# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-formats.sh - trec-formats(5) is precise enough to read a file from it:
# the Python reader printed in the man page, run on a file trec-ingest made,
# must find the same entries as trec-info --dump; and the annotated hexdump
# in the man page must be the bytes trec writes for the same tiny matrix.

printf 'userId,movieId,rating,timestamp\n1,1029,4.0,964982703\n7,31,3.5,964981247\n' >tiny.csv
ok "ingest the man page's example matrix" trec-ingest -q tiny.csv -o tiny.csr

# The reader from the man page's EXAMPLE section, as printed there.
sed -n '/^A minimal reader in Python/,/^\.EE/p' "$ROOT/man/man5/trec-formats.5" |
    sed '1,/^\.EX/d; /^\.EE/d' >reader.py
cat >>reader.py <<'PY'
for r in range(rows):
    for k in range(rptr[r], rptr[r + 1]):
        print("%d\t%d\t%g" % (r, cidx[k], vals[k]))
PY
eq "the man page has a reader" "$([ "$(grep -c 'struct.unpack' reader.py)" -ge 4 ] && echo yes)" yes
python3 reader.py >py.tsv 2>py.err; made -s "py.tsv"
eq "the man page's reader runs" "$(cat py.err)" ""
trec-info --dump --no-labels tiny.csr | cut -f1-3 >dump.tsv; made -s "dump.tsv"
same "the man page's reader finds what trec-info --dump finds" py.tsv dump.tsv

# The annotated hexdump: every "offset: hex" pair listed must match the file.
sed -n '/^\.SH EXAMPLE/,/^A minimal reader/p' "$ROOT/man/man5/trec-formats.5" |
    grep -E '^[0-9a-f]{8}: [0-9a-f]{4}' | sed 's/  .*//' >annotated.txt
mismatch=0
while read -r off hex; do
    off=${off%:}
    want=$(printf '%s' "$hex" | tr -d ' ')
    n=$((${#want} / 2))
    got=$(od -An -tx1 -v -j $((0x$off)) -N "$n" tiny.csr | tr -d ' \n')
    [ "$got" = "$want" ] || { mismatch=$((mismatch + 1)); echo "# $off: file $got, man page $want"; }
done <annotated.txt
eq "the annotated hexdump lists bytes" "$([ "$(wc -l <annotated.txt)" -gt 30 ] && echo yes)" yes
eq "the annotated hexdump matches the file byte for byte" "$mismatch" 0
eq "the man page gives the file size" "$(wc -c <tiny.csr | tr -d ' ')" 678

# A file is written in one pass (header sealed last), a pipe in two
# (checksums first): the bytes must be the same.
trec-ingest -q tiny.csv -o - >piped.csr; made "piped.csr"
same "written to a pipe = written to a file" piped.csr tiny.csr
trec-ingest -q tiny.csv -o - | cat >piped2.csr; made "piped2.csr"
same "written through a real pipe = written to a file" piped2.csr tiny.csr

# ---- chunk checksums (CKSM): a model whose user section is longer than
# 1 MiB (5,000 users x 64 components = 1,280,000 bytes: two chunks) ----
awk 'BEGIN { print "userId,movieId,rating,timestamp";
    for (u = 1; u <= 5000; u++) for (j = 0; j < 3; j++) printf "%d,%d,4,1\n", u, 1 + (u * 7 + j * 13) % 50 }' >many.csv
trec-ingest -q many.csv -o many.csr; made -s "many.csr"
trec-fit -q many.csr -o big.trec --algorithm als --components 64 --epochs 1; made -s "big.trec"
trec-info big.trec >big.info; made -s "big.info"
contains "a large model ends with CKSM" big.info "CKSM  offset"
eq "CKSM: 8 + 4 bytes a chunk (UREP 2, UW1_ 2, the other 8 sections 1 each)" \
    "$(awk '$1 == "CKSM" { print $5 }' big.info)" "56"
trec-fit -q many.csr -o - --algorithm als --components 64 --epochs 1 | cat >big-piped.trec
made -s "big-piped.trec"
same "with CKSM too, written through a pipe = written to a file" big-piped.trec big.trec
trec-info tiny.csr | grep -c CKSM >tiny.count
eq "a small file has no CKSM" "$(cat tiny.count)" "0"
trec-recommend big.trec --user 1 -k 5 >u1.tsv; made -s "u1.tsv"
trec-recommend big.trec --user 5000 -k 5 >u5000.tsv; made -s "u5000.tsv"
# user 5000 (index 4999, ingest keeps first-seen order) is in the second
# chunk of UREP; damage a byte of that chunk
urep=$(awk '$1 == "UREP" { print $3 }' big.info)
printf 'Z' | dd of=big.trec bs=1 seek=$((urep + 4999 * 256 + 3)) conv=notrunc 2>/dev/null
trec-recommend big.trec --user 1 -k 5 >u1-after.tsv; made -s "u1-after.tsv"
same "--user of the first chunk: still answered, the same list" u1-after.tsv u1.tsv
fails "--user of the damaged chunk: refused, naming the chunk's bytes" 1 \
    "big.trec: checksum mismatch in section UREP, bytes 1048576..1280000 (file is corrupt)" \
    trec-recommend big.trec --user 5000 -k 5
fails "--users reading the damaged chunk: refused" 1 "checksum mismatch in section UREP, bytes" \
    sh -c 'printf "1\n5000\n" >ids.txt; trec-recommend big.trec --users ids.txt -k 5'
fails "--all-users reads every row: refused" 1 "checksum mismatch in section UREP (file is corrupt)" \
    trec-recommend big.trec --all-users -k 5
fails "trec-eval reads every row: refused" 1 "checksum mismatch in section UREP (file is corrupt)" \
    trec-eval big.trec --test many.csr
fails "trec-info checks whole sections: refused" 1 "checksum mismatch in section UREP" trec-info big.trec
