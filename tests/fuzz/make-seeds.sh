#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# make-seeds.sh BUILD_DIR CORPUS_DIR - seeds for the file fuzzer (make fuzz):
# small matrix files (ratings, item features, user features, aligned and
# not) and model files of every kind trec-fit makes: each representation
# (linear, normalized-linear, pass-through, weighted-pass-through, relu) on
# each side, hybrid and content-only, every prediction function, with and
# without biases, user features, all carrying Adam's state; ALS, EASE in
# both forms (the dual one: fewer users than items) and sgd (pure and
# hybrid) models. Made with the
# tools at fuzzing time, so no binary is committed; tiny (k <= 4, a few
# users and items) so that each fits the fuzzer's -max_len.
set -eu
B=$(cd "$1" && pwd)
mkdir -p "$2"
C=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
FIX=$here/../fixtures
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
printf 'userId,occupation\n7,doctor\n3,artist|writer\n9,doctor\n' >users.csv
ingest() { "$B/trec-ingest" -q "$@"; }
fit() { out=$1; shift; "$B/trec-fit" -q r.csr --algorithm tensorrec --epochs 2 --seed 1 -o "$C/model-$out.trec" "$@"; }
ingest "$FIX/ingest/small-ratings.csv" -o r.csr
ingest --item-features "$FIX/ingest/small-movies.csv" --align r.csr -o genres.csr
ingest --item-features "$FIX/ingest/small-movies.csv" -o "$C/matrix-genres-unaligned.csr"
ingest --user-features users.csv --feature-col occupation --align r.csr -o users.csr
ingest --rating-col none "$FIX/ingest/small-ratings.csv" -o "$C/matrix-implicit.csr"
"$B/trec-split" -q r.csr --train "$C/matrix-train.csr" --test "$C/matrix-test.csr" --seed 2
cp r.csr "$C/matrix-ratings.csr"
cp genres.csr "$C/matrix-genres.csr"
cp users.csr "$C/matrix-users.csr"
F=$( "$B/trec-info" --json --pretty genres.csr | sed -n 's/^[[:space:]]*"cols":[[:space:]]*\([0-9]*\).*/\1/p')
U=$( "$B/trec-info" --json --pretty users.csr | sed -n 's/^[[:space:]]*"cols":[[:space:]]*\([0-9]*\).*/\1/p')
fit linear --components 3
fit normalized-cosine --components 3 --user-repr normalized-linear \
    --item-repr normalized-linear --predict cosine
fit relu --components 2 --user-repr relu --item-repr relu --hidden 3 --loss wmrb
fit hybrid --components 3 --item-features genres.csr
fit content-euclidean --components 3 --item-features genres.csr --no-item-identity \
    --predict euclidean --no-biases
fit item-pass-through --components "$F" --item-features genres.csr --no-item-identity \
    --item-repr pass-through
fit item-weighted --components "$F" --item-features genres.csr --no-item-identity \
    --item-repr weighted-pass-through --loss separation-dense
fit user-features --components 3 --user-features users.csr --user-repr relu --hidden 2
fit user-pass-through --components "$U" --user-features users.csr --no-user-identity \
    --user-repr pass-through --item-features genres.csr
# The other algorithms: ALS and sgd factors, EASE item-item (r.csr has fewer
# users than items: the dual form; many.csr more: the primal one).
printf 'u,i,r\n1,a,5\n2,a,4\n3,b,5\n4,a,3\n5,b,4\n6,c,5\n7,c,4\n1,b,5\n' >many.csv
ingest many.csv -o many.csr
other() { out=$1; shift; "$B/trec-fit" -q "$@" -o "$C/model-$out.trec"; }
other als r.csr --algorithm als --components 3
other ease-dual r.csr --algorithm ease
other ease-primal many.csr --algorithm ease
other sgd-bpr r.csr --algorithm sgd --loss bpr --components 3 --epochs 2 --seed 1
other sgd-warp-hybrid r.csr --algorithm sgd --loss warp --components 3 --epochs 2 --seed 1 \
    --item-features genres.csr
# The ALS model with chunk checksums (trec-formats(5): CKSM), which trec
# writes only for files with a section over 1 MiB: 64 KiB chunks appended
# here, so that a seed small enough for -max_len reaches the lazy reading.
python3 - "$C/model-als.trec" "$C/model-als-chunked.trec" <<'PY'
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
n = struct.unpack_from("<I", b, 24)[0]
ents = [struct.unpack_from("<4sIQQQ", b, 32 + 32 * i) for i in range(n)]
C = 65536
crcs = b""
for tag, crc, off, size, _ in ents:
    for k in range(0, size, C):
        crcs += struct.pack("<I", zlib.crc32(b[off + k:off + min(k + C, size)]))
ck = struct.pack("<Q", C) + crcs
table = 32 + 32 * (n + 1)
start = (table + 63) // 64 * 64
body = b[(32 + 32 * n + 63) // 64 * 64:]
shift = start - (32 + 32 * n + 63) // 64 * 64
ents = [(t, c, o + shift, s, 0) for t, c, o, s, _ in ents]
ck_off = (start + len(body) + 63) // 64 * 64
ents.append((b"CKSM", zlib.crc32(ck), ck_off, len(ck), 0))
out = bytearray(b"TREC\r\n\x1a\n") + struct.pack("<IIQI", 1, 2, ck_off + len(ck), n + 1)
out += b"\0" * 4
for e in ents:
    out += struct.pack("<4sIQQQ", *e)
out += b"\0" * (start - len(out)) + body
out += b"\0" * (ck_off - len(out)) + ck
struct.pack_into("<I", out, 28, zlib.crc32(bytes(out[32:table]), zlib.crc32(bytes(out[:28]))))
open(sys.argv[2], "wb").write(out)
PY
"$B/trec-info" "$C/model-als-chunked.trec" >/dev/null
ls "$C" | wc -l | sed 's/$/ seeds in corpus/'
