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
