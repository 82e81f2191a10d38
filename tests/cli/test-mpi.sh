# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-mpi.sh - trec-fit and trec-eval under mpirun (make mpi; trec-fit(1)
# and trec-eval(1), DISTRIBUTED RUNS): ALS models and evaluation reports of
# 2 and 3 ranks (oversubscribed) byte-identical to the single-process ones,
# and failures on one rank or all ranks ending every rank with one message
# and no model. Skipped, with a message, only where Open MPI is missing.
# The MPI binaries of `make mpi` (never sanitized: see the Makefile).
MPI_BIN=${MPI_BIN:-$ROOT/build-mpi}
if ! command -v mpirun >/dev/null 2>&1 || ! command -v mpicc >/dev/null 2>&1; then
    skip "mpi: Open MPI is not installed (Debian: libopenmpi-dev openmpi-bin), MPI tests not run"
    return 0
fi
if [ ! -x "$MPI_BIN/trec-fit" ] || [ ! -x "$MPI_BIN/trec-eval" ]; then
    fail_ "mpi: mpicc exists but $MPI_BIN/trec-fit or trec-eval is not built (make mpi)"
    return 0
fi
# as root in CI; loopback only (shared memory between the ranks, TCP on lo);
# no binding, so that 3 ranks can share 2 cores; a failed job is torn down
# without mpirun's 1 s grace before SIGKILL (the ranks have finalised)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
MPIRUN="timeout 120 mpirun --bind-to none --mca btl self,vader,tcp --mca btl_vader_single_copy_mechanism none --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo --mca odls_base_sigkill_timeout 0"
FIT=$MPI_BIN/trec-fit
EVAL=$MPI_BIN/trec-eval

# 1000 users (8 blocks of 128: every rank gets users), 900 items, 60k ratings
synth-movielens --ratings 60000 --users 1000 --items 900 --seed 3 --out syn >/dev/null 2>&1; made "syn/ratings.csv"
trec-ingest -q syn/ratings.csv -o all.csr; made "all.csr"
trec-split all.csr --train tr.csr --test te.csr --test-fraction 0.2 --seed 1 2>/dev/null; made "tr.csr"

# ---- fits: bitwise equal to the single-process model ----
# The reference fits are the MPI binary's own, run without a launcher (the
# single-process trec-fit, built with the ranks' compiler flags): the
# sanitized -O1 build of test-sanitize gives an ALS model that differs in
# the last bits from the -O2 one.
A="--algorithm als --components 8 --epochs 3 --threads 1"
"$FIT" -q tr.csr -o s1.trec $A; made "s1.trec"
ok "mpi: 2 ranks fit" $MPIRUN -np 2 "$FIT" -q tr.csr -o p1.trec $A
same "mpi: 2 ranks: the single-process model, bit for bit" s1.trec p1.trec
B="--algorithm als --components 6 --epochs 2 --solver cholesky --confidence log --lambda-exponent 1 --lambda 0.001 --min-rating 4 --other-weight 0.3 --values raw --threads 2"
"$FIT" -q tr.csr -o s2.trec $B; made "s2.trec"
$MPIRUN -np 3 "$FIT" tr.csr -o p2.trec $B 2>p2.err >/dev/null; made "p2.trec"
same "mpi: 3 ranks, 2 threads each, cholesky, log confidence, weights: bit for bit" s2.trec p2.trec
"$FIT" tr.csr -o s2b.trec $B 2>s2.err; made "s2b.trec"
eq "mpi: the per-iteration losses equal the single-process ones" \
    "$(grep -o 'loss [^ ]*' p2.err)" "$(grep -o 'loss [^ ]*' s2.err)"
contains "mpi: the summary gives the bytes per iteration" p2.err "3 ranks: "
"$FIT" -q tr.csr -o h.trec $A --epochs 1; made "h.trec"
"$FIT" -q tr.csr -o s3.trec $A --epochs 2 --init h.trec; made "s3.trec"
$MPIRUN -np 2 "$FIT" -q tr.csr -o p3.trec $A --epochs 2 --init h.trec; made "p3.trec"
same "mpi: --init continues as in one process" s3.trec p3.trec

# ---- evaluation: the same report bytes ----
trec-eval -q s1.trec --test te.csr --train tr.csr -k 5,10 >e1.txt; made -s "e1.txt"
$MPIRUN -np 2 "$EVAL" -q s1.trec --test te.csr --train tr.csr -k 5,10 >e2.txt; made -s "e2.txt"
same "mpi: trec-eval, 2 ranks: the same table" e1.txt e2.txt
E="--test te.csr --train tr.csr --exclude-train --min-rating 4 --gain binary -k 1,10,50 --tsv"
trec-eval -q s1.trec $E --per-user u1.tsv >e3.txt; made -s "e3.txt"
$MPIRUN -np 3 "$EVAL" -q s1.trec $E --per-user u2.tsv >e4.txt; made -s "e4.txt"
same "mpi: trec-eval, 3 ranks, --exclude-train: the same TSV" e3.txt e4.txt
same "mpi: trec-eval, 3 ranks: the same --per-user file" u1.tsv u2.tsv
trec-fit -q tr.csr -o ease.trec --algorithm ease --lambda 50; made "ease.trec"
trec-eval -q ease.trec --test te.csr --json >e5.txt; made -s "e5.txt"
$MPIRUN -np 2 "$EVAL" -q ease.trec --test te.csr --json >e6.txt; made -s "e6.txt"
same "mpi: trec-eval of an item-item model, 2 ranks: the same JSON" e5.txt e6.txt
F="--test te.csr --train tr.csr --fold-in -k 5,10 --tsv"
trec-eval -q s2.trec $F --exclude-train --per-user f1u.tsv >f1.txt; made -s "f1.txt"
$MPIRUN -np 3 "$EVAL" -q s2.trec $F --exclude-train --per-user f2u.tsv >f2.txt; made -s "f2.txt"
same "mpi: trec-eval --fold-in, 3 ranks: the same TSV" f1.txt f2.txt
same "mpi: trec-eval --fold-in, 3 ranks: the same --per-user file" f1u.tsv f2u.tsv
trec-eval -q ease.trec $F >f3.txt; made -s "f3.txt"
$MPIRUN -np 2 "$EVAL" -q ease.trec $F >f4.txt; made -s "f4.txt"
same "mpi: trec-eval --fold-in of an item-item model, 2 ranks: the same TSV" f3.txt f4.txt
trec-eval -q s2.trec --test te.csr --train tr.csr -k 5,10 --tsv --exclude-train >f5.txt; made -s "f5.txt"
cmp -s f1.txt f5.txt
eq "mpi: the fold-in report differs from the fitted users' (so the checks above see it)" "$?" 1

# ---- failures: every rank exits non-zero, one message, no model ----
mpi_fails() { # DESC MESSAGE CMD...: non-zero, MESSAGE once on stderr, no model written
    d=$1; msg=$2; shift 2
    rm -f x.trec
    "$@" >"$T/.out" 2>"$T/.err"; rc=$?
    n=$(grep -cF -- "$msg" "$T/.err")
    if [ "$rc" -eq 0 ]; then fail_ "$d" "exit 0"
    elif [ "$n" -ne 1 ]; then fail_ "$d" "'$msg' $n times in: $(cat "$T/.err")"
    elif [ -e x.trec ] || ls .x.trec* >/dev/null 2>&1; then fail_ "$d" "a model was written"
    else pass_ "$d"; fi
}
mpi_fails "mpi: a missing file" "error: nope.csr: cannot open" \
    $MPIRUN -np 2 "$FIT" -q nope.csr -o x.trec $A
# --init from another ingest (fewer users and items): one process grows it
# by raw ids; the ranks refuse it rather than copy a model of another shape
head -n 20001 syn/ratings.csv >part.csv
trec-ingest -q part.csv -o part.csr; made "part.csr"
"$FIT" -q part.csr -o hpart.trec $A --epochs 1; made "hpart.trec"
ok "mpi: one process: --init of a model of fewer users and items" "$FIT" -q tr.csr -o x.trec $A --epochs 1 --init hpart.trec
mpi_fails "mpi: --init of a model of another ingest: refused" "under more than one rank --init continues a model of the same users and items" \
    $MPIRUN -np 2 "$FIT" -q tr.csr -o x.trec $A --epochs 1 --init hpart.trec
# a byte of CIDX flipped: each rank's block reads fine, the combined CRC does not match
python3 - <<'PY'
import struct, zlib
def sections(d):
    n = struct.unpack_from("<I", d, 24)[0]
    return n, {struct.unpack_from("<4s", d, 32 + 32 * i)[0]: (i,) + struct.unpack_from("<QQ", d, 40 + 32 * i) for i in range(n)}
d = bytearray(open("tr.csr", "rb").read())
n, s = sections(d)
i, off, ln = s[b"CIDX"]
bad = bytearray(d); bad[off + ln // 2] ^= 0x01
open("crc.csr", "wb").write(bad)
# the last entry's column out of range, the CRCs recomputed: only the last rank sees it
struct.pack_into("<I", d, off + ln - 4, 0xFFFFFF)
struct.pack_into("<I", d, 36 + 32 * i, zlib.crc32(d[off:off + ln]))
struct.pack_into("<I", d, 28, zlib.crc32(bytes(d[0:28]) + bytes(d[32:32 + 32 * n])))
open("col.csr", "wb").write(d)
PY
mpi_fails "mpi: corrupt CIDX: found from the ranks' combined CRCs" \
    "error: crc.csr: checksum mismatch in section CIDX (file is corrupt)" \
    $MPIRUN -np 3 "$FIT" -q crc.csr -o x.trec $A
trec-fit -q col.csr -o x.trec $A 2>col.err
mpi_fails "mpi: a bad entry in the last rank's block: that rank's message" \
    "error: rank 2: $(sed 's/^trec-fit: error: //' col.err)" \
    $MPIRUN -np 3 "$FIT" -q col.csr -o x.trec $A
mpi_fails "mpi: out of memory on one rank" "error: rank 1: out of memory" \
    $MPIRUN -np 2 sh -c 'if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then ulimit -v 500000; fi; exec "$0" "$@"' \
    "$FIT" -q tr.csr -o x.trec --algorithm als --components 8000 --epochs 1
mpi_fails "mpi: only als fits across ranks" "error: --algorithm sgd runs in one process" \
    $MPIRUN -np 2 "$FIT" -q tr.csr -o x.trec --algorithm sgd
mpi_fails "mpi: an output that cannot be written" "error: rank 0: /nonexistent/x.trec" \
    $MPIRUN -np 2 "$FIT" -q tr.csr -o /nonexistent/x.trec $A --epochs 1
mpi_fails "mpi: trec-eval: a corrupt test file" "checksum mismatch in section CIDX" \
    $MPIRUN -np 2 "$EVAL" -q s1.trec --test crc.csr
trec-eval -q s1.trec --test te.csr --train col.csr 2>ecol.err >/dev/null
mpi_fails "mpi: trec-eval: a bad entry in the last rank's block of --train" \
    "error: rank 2: $(sed 's/^trec-eval: error: //' ecol.err)" \
    $MPIRUN -np 3 "$EVAL" -q s1.trec --test te.csr --train col.csr -o x.trec
trec-eval -q s1.trec --test tr.csr --train tr.csr --exclude-train 2>ov.err >/dev/null
mpi_fails "mpi: trec-eval: overlapping test and train with --exclude-train" \
    "error: $(sed 's/^trec-eval: error: //' ov.err)" \
    $MPIRUN -np 3 "$EVAL" -q s1.trec --test tr.csr --train tr.csr --exclude-train -o x.trec
# options are checked by every rank before MPI starts: each may say why
$MPIRUN -np 2 "$FIT" -q tr.csr -o x.trec --algorithm als --bogus >/dev/null 2>bad.err
eq "mpi: a bad option fails" "$?:$(grep -q 'error: invalid option' bad.err && echo said)" "2:said"
