#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# bench.sh BUILD_DIR - trec's benchmarks (run by `make bench`). A benchmark,
# not a test: it prints a report and fails only when something cannot run.
#
# Inputs
#   ml-latest-small ratings.csv: $TREC_ML_SMALL, default
#     ../shared/datasets/ml-latest-small relative to the repository (skipped
#     when absent);
#   a synthetic ratings.csv of $TREC_BENCH_RATINGS ratings (default 25000000,
#     about 680 MB), made by synth-movielens once into $TREC_BENCH_DIR
#     (default /tmp/trec-bench-$USER) and reused while its stamp (arguments +
#     generator source checksum) matches;
#   for fit benchmarks (issue 6), synth_fit_input makes the synthetic set of
#     synth-movielens --preset bench-5m (Zipf popularity, lognormal activity,
#     latent taste) once into $TREC_BENCH_DIR and ingests it; no section times
#     it yet: TREC_BENCH_SECTIONS=synthfit only makes it (see below).
# Other settings: TREC_BENCH_REPEAT (default 3: best of 3), TREC_BENCH_SLOW
#   (default 60: a run slower than this many seconds is not repeated, to keep
#   `make bench` within about 10 minutes), TREC_BENCH_SECTIONS (default: all
#   but mpi, which takes about 10 minutes more: TREC_BENCH_SECTIONS=mpi, and
#   tune, about 10 minutes, up to 30 when the searches use their budgets:
#   TREC_BENCH_SECTIONS=tune).
#
# Sections: each is a shell function bench_NAME, listed in SECTIONS below.
# To add a benchmark (e.g. fit and eval time of the getting-started
# walkthrough), write bench_NAME after the "more sections" marker using the
# helpers run_timed / fdiv / table_*, then append NAME to SECTIONS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
B=$(cd "${1:-build}" 2>/dev/null && pwd) || { echo "bench.sh: error: no build dir '${1:-build}'" >&2; exit 1; }
ML_SMALL=${TREC_ML_SMALL:-$root/../shared/datasets/ml-latest-small}
[ -d "$ML_SMALL" ] && ML_SMALL=$(cd "$ML_SMALL" && pwd)
BENCH_DIR=${TREC_BENCH_DIR:-/tmp/trec-bench-$(id -un 2>/dev/null || id -u)}
BIG_N=${TREC_BENCH_RATINGS:-25000000}
REPEAT=${TREC_BENCH_REPEAT:-3}
SLOW=${TREC_BENCH_SLOW:-60}
SECTIONS=${TREC_BENCH_SECTIONS:-"ingest walkthrough quality foldin fit sgd score"}
W=$BENCH_DIR/work
mkdir -p "$BENCH_DIR" "$W" || exit 1

for tool in peak-rss bench-csv-tokenize synth-movielens; do
    [ -x "$B/$tool" ] || { echo "bench.sh: error: $B/$tool missing (run make first)" >&2; exit 1; }
done

# ---- helpers ---------------------------------------------------------------

# fdiv A B [FMT]: A/B formatted (default %.1f); "-" when B is 0 or empty.
fdiv() { awk -v a="${1:-0}" -v b="${2:-0}" -v f="${3:-%.1f}" 'BEGIN { if (b + 0 == 0) print "-"; else printf f "\n", a / b }'; }
fmin() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }
fsize() { wc -c <"$1" | tr -d ' '; }
kv() { # kv KEY LINE: the value of KEY=value in LINE
    printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

# settle_output: before a timed ingest, remove the previous output and flush
# dirty pages, so a run is not throttled by the writeback of the one before
# (each writes hundreds of MB; without this the order of runs decides).
settle_output() { rm -f "$o"; sync; }

# run_timed CMD...: runs CMD up to $REPEAT times under peak-rss (calling
# $BEFORE_RUN, if set, before each run); sets BEST_S
# (fastest wall time), BEST_CPU (its CPU seconds, user + system), PEAK_KIB
# (largest peak RSS), RUNS, RC (0 or the first failing exit status) and
# ERRLINE (its first stderr line).
run_timed() {
    BEST_S=; BEST_CPU=; PEAK_KIB=0; RUNS=0; RC=0; ERRLINE=
    while [ "$RUNS" -lt "$REPEAT" ]; do
        ${BEFORE_RUN:-true}
        "$B/peak-rss" "$@" >"$W/stdout" 2>"$W/stderr"
        RC=$?
        line=$(grep '^peak-rss: max_rss_kib=' "$W/stderr" | tail -n 1)
        if [ "$RC" -ne 0 ]; then
            ERRLINE=$(grep -v '^peak-rss: max_rss_kib=' "$W/stderr" | head -n 1)
            return "$RC"
        fi
        RUNS=$((RUNS + 1))
        s=$(kv wall_seconds "$line")
        k=$(kv max_rss_kib "$line")
        [ "$(fmin "$BEST_S" "$s")" = "$s" ] && BEST_CPU=$(kv cpu_seconds "$line")
        BEST_S=$(fmin "$BEST_S" "$s")
        [ "$k" -gt "$PEAK_KIB" ] && PEAK_KIB=$k
        awk -v s="$s" -v m="$SLOW" 'BEGIN { exit !(s > m) }' && break
    done
    return 0
}

TABLE_FMT='%-16s %9s  %-24s %5s %9s %8s %9s %10s %9s %8s\n'
table_head() {
    printf "$TABLE_FMT" input "input MB" program runs "best s" "MB/s" "vs libcsv" "peak RSS MB" "output MB" "RSS/out"
    printf "$TABLE_FMT" ---------------- --------- ------------------------ ----- --------- -------- --------- ---------- --------- --------
}
table_row() { printf "$TABLE_FMT" "$@"; }

# ---- inputs ----------------------------------------------------------------

# synth_input: path of the synthetic ratings.csv, generated once.
synth_input() {
    d="$BENCH_DIR/synth-$BIG_N"
    want="synth-movielens --ratings $BIG_N --seed 1; source $(cksum <"$root/datasets/synth-movielens.c" | cut -d' ' -f1)"
    if [ -f "$d/ratings.csv" ] && [ "$(cat "$d/.stamp" 2>/dev/null)" = "$want" ]; then
        echo "$d/ratings.csv"
        return 0
    fi
    echo "generating $BIG_N synthetic ratings into $d (once; reused by later runs)" >&2
    rm -rf "$d"
    "$B/peak-rss" "$B/synth-movielens" --ratings "$BIG_N" --seed 1 --out "$d" 2>"$W/gen.err" || {
        echo "bench.sh: error: synth-movielens failed: $(head -n 1 "$W/gen.err")" >&2
        return 1
    }
    echo "  $(grep '^peak-rss:' "$W/gen.err")" >&2
    echo "$want" >"$d/.stamp"
    echo "$d/ratings.csv"
}

# synth_fit_input [PRESET]: the synthetic set of the fit benchmarks, made once
# and reused while its stamp (arguments, generator source and trec-ingest
# checksums) matches; prints its directory. PRESET is a synth-movielens preset:
# bench-5m (default: 100,000 users x 20,000 items, 5M ratings, 49.6% of
# them >= 4; Zipf 1.25 item popularity, lognormal activity, latent taste),
# bench-25m (500,000 users, same items and density) or ml-small (tests). Files:
#   $BENCH_DIR/synth-PRESET/ratings.csv   the ratings, MovieLens CSV (seed 1)
#   $BENCH_DIR/synth-PRESET/movies.csv    titles and genres
#   $BENCH_DIR/synth-PRESET/ratings.csr   trec-ingest ratings.csv
#   $BENCH_DIR/synth-PRESET/genres.csr    trec-ingest --item-features movies.csv
#                                         --align ratings.csr (hybrid models)
#   $BENCH_DIR/synth-PRESET/.stamp
# e.g. trec-split ratings.csr --train ... --test ... and trec-fit (--min-rating 4
# for positives, or all ratings as implicit feedback).
synth_fit_input() {
    p=${1:-bench-5m}
    d="$BENCH_DIR/synth-$p"
    [ -x "$B/trec-ingest" ] || { echo "bench.sh: error: $B/trec-ingest missing" >&2; return 1; }
    want="synth-movielens --preset $p --seed 1; source $(cksum <"$root/datasets/synth-movielens.c" | cut -d' ' -f1); trec-ingest $(cksum <"$B/trec-ingest" | cut -d' ' -f1)"
    if [ -f "$d/ratings.csr" ] && [ -f "$d/genres.csr" ] && [ "$(cat "$d/.stamp" 2>/dev/null)" = "$want" ]; then
        echo "$d"
        return 0
    fi
    echo "generating the synthetic set --preset $p into $d (once; reused by later runs)" >&2
    rm -rf "$d"
    "$B/peak-rss" "$B/synth-movielens" --preset "$p" --seed 1 --out "$d" 2>"$W/gen.err" || {
        echo "bench.sh: error: synth-movielens failed: $(head -n 1 "$W/gen.err")" >&2
        return 1
    }
    echo "  synth-movielens $(grep '^peak-rss:' "$W/gen.err")" >&2
    if ! "$B/trec-ingest" "$d/ratings.csv" -o "$d/ratings.csr" -q 2>"$W/gen.err" ||
        ! "$B/trec-ingest" --item-features "$d/movies.csv" --align "$d/ratings.csr" \
            -o "$d/genres.csr" -q 2>>"$W/gen.err"; then
        echo "bench.sh: error: trec-ingest failed: $(head -n 1 "$W/gen.err")" >&2
        return 1
    fi
    echo "$want" >"$d/.stamp"
    echo "$d"
}

# ---- section: synthfit (not in the default SECTIONS) ---------------------------
# Only makes the fit benchmarks' synthetic set ($TREC_BENCH_FIT_PRESET, default
# bench-5m) and says where it is; nothing is timed.

bench_synthfit() {
    echo "== synthfit: the synthetic set of the fit benchmarks (made once; not timed)"
    sd=$(synth_fit_input "${TREC_BENCH_FIT_PRESET:-bench-5m}") || return 1
    echo "   $sd: ratings.csv movies.csv ratings.csr genres.csr"
    echo
}

# ---- section: ingest ---------------------------------------------------------
# libcsv's bare tokenizing speed (bench-csv-tokenize, its own timer) against
# trec-ingest (wall time, --threads 1 and 2), and ingest's peak memory against
# the size of the matrix it writes.

bench_ingest_file() { # LABEL FILE
    label=$1 f=$2
    bytes=$(fsize "$f")
    mb=$(fdiv "$bytes" 1000000)
    best=
    i=0
    while [ "$i" -lt "$REPEAT" ]; do
        out=$("$B/bench-csv-tokenize" "$f") || {
            table_row "$label" "$mb" "libcsv tokenize" - FAILED - - - - -
            return 1
        }
        best=$(fmin "$best" "$(kv seconds "$out")")
        i=$((i + 1))
    done
    csv_mbps=$(fdiv "$bytes" "$(awk -v s="$best" 'BEGIN { print s * 1000000 }')")
    table_row "$label" "$mb" "libcsv tokenize" "$i" "$(printf '%.3f' "$best")" "$csv_mbps" 1.00x - - -
    for t in 1 2; do
        prog="trec-ingest --threads $t"
        if [ ! -x "$B/trec-ingest" ]; then
            table_row "$label" "$mb" "$prog" - "not built" - - - - -
            continue
        fi
        o="$W/ingest-t$t.csr"
        rm -f "$o"
        if ! BEFORE_RUN=settle_output run_timed "$B/trec-ingest" "$f" -o "$o" --threads "$t" --quiet; then
            table_row "$label" "$mb" "$prog" - "FAILED" - - - - -
            echo "    exit $RC: $ERRLINE"
            FAILED=1
            continue
        fi
        mbps=$(fdiv "$bytes" "$(awk -v s="$BEST_S" 'BEGIN { print s * 1000000 }')")
        osize=$(fsize "$o")
        table_row "$label" "$mb" "$prog" "$RUNS" "$(printf '%.3f' "$BEST_S")" "$mbps" \
            "$(fdiv "$mbps" "$csv_mbps" '%.2fx')" "$(fdiv "$PEAK_KIB" 1024)" \
            "$(fdiv "$osize" 1048576)" "$(fdiv "$((PEAK_KIB * 1024))" "$osize" '%.1fx')"
    done
    if [ -f "$W/ingest-t1.csr" ] && [ -f "$W/ingest-t2.csr" ]; then
        cmp -s "$W/ingest-t1.csr" "$W/ingest-t2.csr" && same=identical || same=DIFFERENT
        echo "    $label: --threads 1 and 2 outputs $same"
    fi
    rm -f "$W"/ingest-t*.csr
}

bench_ingest() {
    echo "== ingest: ratings.csv -> CSR matrix"
    echo "   libcsv: bench-csv-tokenize FILE (read 1 MiB blocks + csv_parse, count-only callbacks; own timer)"
    echo "   trec-ingest FILE -o OUT --threads N --quiet (wall time under peak-rss); best of $REPEAT,"
    echo "   each after removing the previous output and a sync (no writeback of the run before)"
    echo "   MB = 10^6 bytes for speeds; peak RSS and output in MiB; RSS/out = peak RSS / output size"
    echo
    big=$(synth_input) || return 1
    FAILED=0
    table_head
    if [ -f "$ML_SMALL/ratings.csv" ]; then
        bench_ingest_file ml-latest-small "$ML_SMALL/ratings.csv" || FAILED=1
    else
        table_row ml-latest-small - "(absent: $ML_SMALL)" - - - - - - -
    fi
    bench_ingest_file "synth-$(awk -v n="$BIG_N" 'BEGIN { printf (n >= 1e6 ? "%gM" : "%g"), (n >= 1e6 ? n / 1e6 : n) }')" "$big" || FAILED=1
    echo
    return "$FAILED"
}

# ---- more sections -----------------------------------------------------------
# Append bench_NAME functions here (and NAME to SECTIONS above), e.g. fit and
# eval time of the getting-started walkthrough on ml-latest-small.

# ---- section: quality ---------------------------------------------------------
# Every algorithm on ml-latest-small, seeds 0..4, settings chosen on validation
# splits carved from train: scripts/bench-quality.sh (its header says how).

bench_quality() {
    echo "== quality: every algorithm on ml-latest-small (scripts/bench-quality.sh)"
    echo
    TREC_BENCH_DIR=$BENCH_DIR TREC_ML_SMALL=$ML_SMALL "$here/bench-quality.sh" "$B" || return 1
    echo
}

# ---- section: tune (not in the default SECTIONS: 10-30 minutes) ------------
# trec-tune with a 5-minute budget against the best documented configuration
# and trec-fit's default, test recall@10 over seeds 0..4 (issue 8's target):
# scripts/bench-tune.sh (its header says how).

bench_tune() {
    echo "== tune: trec-tune's winner on test against hand-found settings (scripts/bench-tune.sh)"
    echo
    TREC_BENCH_DIR=$BENCH_DIR TREC_ML_SMALL=$ML_SMALL "$here/bench-tune.sh" "$B" || return 1
    echo
}

# ---- section: foldin --------------------------------------------------------
# Fold-in quality (issue 9): on ml-latest-small, seeds 0..4 (80/20), each
# algorithm at its validation-chosen setting (bench-quality.sh) is fitted on
# train and evaluated on test twice - from its fitted user vectors and with
# trec-eval --fold-in (every user folded in from its train row, as
# trec-recommend --history would) - standard convention (train items
# excluded, rating >= 4, binary gain).

bench_foldin() {
    echo "== foldin: fitted users against users folded in from their train rows (ml-latest-small)"
    [ -f "$ML_SMALL/ratings.csv" ] || { echo "   skipped: no ml-latest-small at $ML_SMALL"; echo; return 0; }
    FD=$W/foldin
    mkdir -p "$FD" && "$B/trec-ingest" -q "$ML_SMALL/ratings.csv" -o "$FD/all.csr" || return 1
    : >"$FD/r.tsv"
    ev="--exclude-train --gain binary --min-rating 4 --tsv -q"
    for s in 0 1 2 3 4; do
        "$B/trec-split" -q "$FD/all.csr" --train "$FD/train.csr" --test "$FD/test.csr" \
            --test-fraction 0.2 --seed "$s" || return 1
        while IFS='|' read -r name opts; do
            # shellcheck disable=SC2086
            "$B/trec-fit" -q "$FD/train.csr" -o "$FD/m.trec" $opts || { echo "   $name: fit failed"; return 1; }
            for mode in fitted folded; do
                f=; [ "$mode" = folded ] && f=--fold-in
                # shellcheck disable=SC2086
                "$B/trec-eval" "$FD/m.trec" --test "$FD/test.csr" --train "$FD/train.csr" $ev $f |
                    awk -F'\t' -v n="$name" -v m="$mode" '$1 == "test" && $3 == "model" &&
                        ($4 == "recall@10" || $4 == "ndcg@10") { print n "\t" m "\t" $4 "\t" $5 }' >>"$FD/r.tsv"
            done
        done <<EOF2
ease|--algorithm ease --lambda 200 --min-rating 4 --other-weight 0.4
als|--algorithm als --components 128 --lambda 0.01 --lambda-exponent 1 --confidence-scale 3 --min-rating 4 --other-weight 0.3
sgd|--loss warp --components 128 --alpha 2 --epochs 60 --min-rating 4
tensorrec|--loss wmrb --min-rating 4 --components 10 --alpha 3e-4 --sampled-items 1000
EOF2
    done
    printf '   %-10s %16s %16s %14s %14s\n' algorithm "recall@10 fitted" "recall@10 folded" "NDCG@10 fitted" "NDCG@10 folded"
    awk -F'\t' '{ k = $1; if (!(k in seen)) { seen[k] = 1; o[++n] = k } s[k, $2, $3] += $4; c[k, $2, $3]++ }
        END { for (i = 1; i <= n; i++) { k = o[i]
              printf "   %-10s %16.4f %16.4f %14.4f %14.4f\n", k,
                  s[k, "fitted", "recall@10"] / c[k, "fitted", "recall@10"],
                  s[k, "folded", "recall@10"] / c[k, "folded", "recall@10"],
                  s[k, "fitted", "ndcg@10"] / c[k, "fitted", "ndcg@10"],
                  s[k, "folded", "ndcg@10"] / c[k, "folded", "ndcg@10"] } }' "$FD/r.tsv"
    echo "   (means over seeds 0..4; standard convention)"
    echo
}

# ---- section: fit ----------------------------------------------------------
# Fitting at scale on the synthetic set of synth_fit_input (bench-5m: 100k
# users x 20k items, 5M ratings, Zipf popularity, lognormal activity), split
# 80/20 (seed 0); every algorithm trains on all train entries (>= 4 as
# positives, the others with weight 0.3 where the algorithm takes weights),
# k = 64, $FIT_THREADS threads. For each: seconds per iteration/epoch (from
# two fits of different lengths: the difference over the extra epochs, so
# reading and writing are not counted), the fit's peak RSS against its data +
# model, and held-out recall@10 (train items excluded, rating >= 4) against
# the wall-clock time of the whole fit, for increasing epochs.

FIT_THREADS=${TREC_BENCH_FIT_THREADS:-2}
FIT_FMT='%-12s %-12s %8s %8s %9s %10s\n'

# fit_time LABEL EPOCHS OPTS...: one fit of the train split (EPOCHS "-": no
# --epochs); sets FT_S, FT_KIB.
fit_time() {
    label=$1 e=$2; shift 2
    REPEAT_SAVE=$REPEAT; REPEAT=1
    [ "$e" = - ] && set -- --threads "$FIT_THREADS" "$@" || set -- --threads "$FIT_THREADS" --epochs "$e" "$@"
    run_timed "$B/trec-fit" "$FD/train.csr" -o "$FD/m.trec" -q "$@"
    rc=$?; REPEAT=$REPEAT_SAVE
    [ "$rc" -eq 0 ] || { echo "   $label: fit failed (exit $RC: $ERRLINE)"; FAILED=1; return 1; }
    FT_S=$BEST_S FT_CPU=$BEST_CPU FT_KIB=$PEAK_KIB
}

fit_recall() {
    "$B/trec-eval" "$FD/m.trec" --test "$FD/test.csr" --train "$FD/train.csr" --exclude-train \
        --gain binary --min-rating 4 --tsv -q --threads "$FIT_THREADS" |
        awk -F'\t' '$1 == "test" && $3 == "model" && $4 == "recall@10" { printf "%.4f", $5 }'
}

# fit_curve LABEL "E1 E2 ..." OPTS...: s/epoch from the first two lengths,
# then recall@10 after each length.
fit_curve() {
    label=$1 lengths=$2; shift 2
    e1=$(echo "$lengths" | cut -d' ' -f1) e2=$(echo "$lengths" | cut -d' ' -f2)
    fit_time "$label" "$e1" "$@" || return 1
    t1=$FT_S c1=$FT_CPU
    for e in $lengths; do
        fit_time "$label" "$e" "$@" || return 1
        if [ "$e" = "$e2" ]; then
            per=$(awk -v a="$t1" -v b="$FT_S" -v n=$((e2 - e1)) 'BEGIN { printf "%.2f", (b - a) / n }')
            cper=$(awk -v a="$c1" -v b="$FT_CPU" -v n=$((e2 - e1)) 'BEGIN { printf "%.2f", (b - a) / n }')
        fi
        rss=$(fdiv "$FT_KIB" 1024 %.0f)
        printf "$FIT_FMT" "$label" "$e" "$(printf '%.1f' "$FT_S")" "$(printf '%.1f' "$FT_CPU")" \
            "$rss" "$(fit_recall)"
    done
    # (not "data": bench_fit's option list of that name must survive; sh has no locals)
    dbytes=$(fsize "$FD/train.csr") mbytes=$(fsize "$FD/m.trec")
    echo "   $label: per epoch $per s wall, $cper s CPU; peak RSS $rss MiB = $(fdiv "$FT_KIB" "$(((dbytes + mbytes) / 1024))" %.2f) x (data $((dbytes / 1048576)) MiB + model $((mbytes / 1048576)) MiB)"
}

bench_fit() {
    echo "== fit: every algorithm on the synthetic set (k = 64, $FIT_THREADS threads)"
    sd=$(synth_fit_input "${TREC_BENCH_FIT_PRESET:-bench-5m}") || return 1
    FD=$W/fit
    mkdir -p "$FD" || return 1
    "$B/trec-split" -q "$sd/ratings.csr" --train "$FD/train.csr" --test "$FD/test.csr" \
        --test-fraction 0.2 --seed 0 || return 1
    FAILED=0
    echo "   the whole fit (reading and writing included): wall and CPU seconds (user + system,"
    echo "   all threads: steadier than wall time on a shared machine), peak RSS, held-out recall@10"
    echo
    printf "$FIT_FMT" algorithm epochs wall_s cpu_s "RSS MiB" recall@10
    data="--min-rating 4 --other-weight 0.3"
    # shellcheck disable=SC2086
    fit_curve als "1 3 6 10 15" --algorithm als --components 64 --lambda 0.01 \
        --lambda-exponent 1 --confidence-scale 3 $data
    if "$B/trec-fit" --algorithm sgd --help >/dev/null 2>&1; then
        # shellcheck disable=SC2086
        fit_curve sgd-warp "1 3 10 30" --loss warp --components 64 $data
        # shellcheck disable=SC2086
        fit_curve sgd-bpr "1 3 10 30" --loss bpr --components 64 $data
    fi
    fit_curve tensorrec "1 2 5" --loss wmrb --min-rating 4 --components 64 --alpha 3e-4 \
        --sampled-items 1000 --batch-users 20000
    if [ -n "${TREC_BENCH_EASE:-}" ]; then
        # shellcheck disable=SC2086
        fit_time ease - --algorithm ease --lambda 200 $data &&
            printf "$FIT_FMT" ease "closed form" "$(printf '%.1f' "$FT_S")" \
                "$(fdiv "$FT_KIB" 1024 %.0f)" "$(fit_recall)"
    else
        echo "   ease: 20k items is a 20k x 20k inverse (about 8e12 flops, 1.6 GB): set TREC_BENCH_EASE=1"
    fi
    echo
    return "$FAILED"
}

# ---- section: score ------------------------------------------------------------
# All-users top-K scoring at k = 64 on the synthetic set of synth_fit_input
# (bench-5m: 100k users x 20k items), against bare BLIS sgemm on the same
# blocks in the same run (issue 11): a tensorrec model (1 epoch, k = 64, Adam
# state saved: the 126 MB file of the issue) of the 80% train split;
#   score-bench MODEL --threads 2: best of $REPEAT alternated runs of sgemm
#     alone and of trec_topk_run (top-10), rates at 2 users items k flops and
#     their ratio (target >= 0.80), with BLIS's kernels as trec chooses them
#     and with BLIS's generic ones;
#   trec-eval (test split, -k 10) and trec-recommend --all-users -k 10 on the
#     same model: wall and CPU seconds, recommend / eval;
#   trec-recommend --user ID -k 10 (one query on the whole model): wall
#     seconds, best of 5 (target < 0.05).

SCORE_THREADS=${TREC_BENCH_SCORE_THREADS:-2}

bench_score() {
    echo "== score: all-users top-K on the synthetic set (k = 64, $SCORE_THREADS threads)"
    for tool in score-bench trec-fit trec-split trec-eval trec-recommend; do
        [ -x "$B/$tool" ] || { echo "bench.sh: error: $B/$tool missing" >&2; return 1; }
    done
    sd=$(synth_fit_input "${TREC_BENCH_FIT_PRESET:-bench-5m}") || return 1
    SD=$W/score
    mkdir -p "$SD" || return 1
    "$B/trec-split" -q "$sd/ratings.csr" --train "$SD/train.csr" --test "$SD/test.csr" \
        --test-fraction 0.2 --seed 0 || return 1
    [ -f "$SD/m.trec" ] && [ "$SD/m.trec" -nt "$SD/train.csr" ] ||
        "$B/trec-fit" "$SD/train.csr" -o "$SD/m.trec" -q --loss wmrb --min-rating 4 \
            --components 64 --epochs 1 --batch-users 20000 --threads "$SCORE_THREADS" || return 1
    FAILED=0
    echo "   model $(($(fsize "$SD/m.trec") / 1000000)) MB, test matrix $(($(fsize "$SD/test.csr") / 1000000)) MB;" \
        "rates in GFLOP/s (2 x users x items x k per pass)"
    echo
    gid=
    for arch in trec generic; do
        if [ "$arch" = generic ]; then
            [ -n "$gid" ] || continue
            out=$(BLIS_ARCH_TYPE=$gid "$B/score-bench" "$SD/m.trec" --threads "$SCORE_THREADS" --repeat "$REPEAT") || { FAILED=1; continue; }
        else
            out=$("$B/score-bench" "$SD/m.trec" --threads "$SCORE_THREADS" --repeat "$REPEAT") || { FAILED=1; continue; }
        fi
        line=$(printf '%s\n' "$out" | grep '^ratio=')
        gid=$(kv generic_id "$line")
        printf '   BLIS %-8s (%-7s): sgemm %6s  top-10 %6s  ratio %s (CPU-time ratio %s)\n' \
            "$(kv arch "$line")" "$arch" "$(kv sgemm_gflops "$line")" "$(kv topk_gflops "$line")" \
            "$(kv ratio "$line")" "$(kv cpu_ratio "$line")"
    done
    echo "   target: top-K >= 0.80 x sgemm"
    if run_timed "$B/trec-eval" "$SD/m.trec" --test "$SD/test.csr" -k 10 --min-rating 4 -q \
        --threads "$SCORE_THREADS" -o "$W/score-eval.txt"; then
        ev_s=$BEST_S ev_c=$BEST_CPU
        echo "   trec-eval --test (-k 10):        $(printf '%.2f' "$ev_s") s wall, $(printf '%.2f' "$ev_c") s CPU, peak RSS $(fdiv "$PEAK_KIB" 1024) MiB"
    else
        echo "   trec-eval failed: $ERRLINE"; FAILED=1
    fi
    if run_timed "$B/trec-recommend" "$SD/m.trec" --all-users -k 10 --threads "$SCORE_THREADS" -o "$W/score-recs.tsv"; then
        echo "   trec-recommend --all-users -k 10: $(printf '%.2f' "$BEST_S") s wall, $(printf '%.2f' "$BEST_CPU") s CPU;" \
            "recommend / eval: $(fdiv "$BEST_S" "${ev_s:-0}" %.2f) wall, $(fdiv "$BEST_CPU" "${ev_c:-0}" %.2f) CPU;" \
            "peak RSS $(fdiv "$PEAK_KIB" 1024) MiB"
    else
        echo "   trec-recommend failed: $ERRLINE"; FAILED=1
    fi
    REPEAT_SAVE=$REPEAT; REPEAT=5
    if run_timed "$B/trec-recommend" "$SD/m.trec" --user 17 -k 10 -o "$W/score-one.tsv"; then
        echo "   trec-recommend --user 17 -k 10:  $(printf '%.3f' "$BEST_S") s wall, $(printf '%.3f' "$BEST_CPU") s CPU (best of 5; target < 0.05 s), peak RSS $(fdiv "$PEAK_KIB" 1024) MiB"
    else
        echo "   trec-recommend --user failed: $ERRLINE"; FAILED=1
    fi
    REPEAT=$REPEAT_SAVE
    rm -f "$W"/score-*.t*
    echo
    return "$FAILED"
}

# ---- section: walkthrough ---------------------------------------------------
# The getting-started walkthrough on ml-latest-small (scripts/getting-started.sh,
# split seed 1): fit time of each of its four models (100 epochs, trec-fit's
# default threads), trec-eval time (train and test recall@10 with baselines),
# and the whole walkthrough - ingest, split, 4 fits, 4 evaluations and the 2
# recommendation lists - against the target of 5 s on 2 cores.

WT_FMT='%-46s %5s %9s %12s\n'
wt_row() { printf "$WT_FMT" "$@"; }

# wt_time LABEL CMD...: one row, best of $REPEAT; sets WT_S (best seconds).
wt_time() {
    label=$1; shift
    WT_S=
    if ! run_timed "$@"; then
        wt_row "$label" - FAILED -
        echo "    exit $RC: $ERRLINE"
        FAILED=1
        return 1
    fi
    WT_S=$BEST_S
    wt_row "$label" "$RUNS" "$(printf '%.3f' "$BEST_S")" "$(fdiv "$PEAK_KIB" 1024)"
}

# wt_models DIR: the walkthrough's models, NAME|LABEL|trec-fit options.
wt_models() {
    echo "rmse|RMSE MF (k=5)|--preset tensorrec --components 5"
    echo "wmrb|WMRB MF (k=5, >=4, 97 sampled)|--components 5 --loss wmrb --min-rating 4"
    echo "content|content (genres, pass-through, k=20)|--item-features $1/genres.csr --no-item-identity --item-repr pass-through --components 20 --loss wmrb --min-rating 4"
    echo "hybrid|hybrid (identity + genres, k=5)|--item-features $1/genres.csr --components 5 --loss wmrb --min-rating 4"
}

# wt_script DIR: the whole walkthrough as one shell script working in DIR.
wt_script() {
    q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
    b=$(q "$B") ml=$(q "$ML_SMALL")
    echo "set -e"
    echo "cd $(q "$1")"
    echo "$b/trec-ingest $ml/ratings.csv -o ratings.csr -q"
    echo "$b/trec-ingest --item-features $ml/movies.csv --align ratings.csr -o genres.csr -q"
    echo "$b/trec-split ratings.csr --train train.csr --test test.csr --test-fraction 0.2 --seed 1 -q"
    wt_models . | while IFS='|' read -r name label opts; do
        echo "$b/trec-fit train.csr -o $name.trec -q $opts"
    done
    for name in rmse wmrb content hybrid; do
        echo "$b/trec-eval $name.trec --test test.csr --train train.csr -k 10 --min-rating 4 -q -o $name.txt"
    done
    echo "$b/trec-recommend hybrid.trec --user 433 -k 10 --titles $ml/movies.csv -o recs.tsv"
    echo "$b/trec-recommend hybrid.trec --user 433 -k 10 --titles $ml/movies.csv --exclude train.csr -o recs-ex.tsv"
}

bench_walkthrough() {
    echo "== walkthrough: the getting-started models on ml-latest-small (split seed 1)"
    echo "   wall time under peak-rss, best of $REPEAT; trec-fit and trec-eval with their default threads"
    echo
    if [ ! -f "$ML_SMALL/ratings.csv" ] || [ ! -f "$ML_SMALL/movies.csv" ]; then
        echo "   skipped: ml-latest-small absent ($ML_SMALL)"
        echo
        return 0
    fi
    for tool in trec-ingest trec-split trec-fit trec-eval trec-recommend; do
        [ -x "$B/$tool" ] || { echo "bench.sh: error: $B/$tool missing" >&2; return 1; }
    done
    FAILED=0
    d=$W/walkthrough
    rm -rf "$d"
    mkdir -p "$d/all" || return 1
    # The inputs of the fits, made once (ingest and split are timed within the
    # whole walkthrough).
    if ! "$B/trec-ingest" "$ML_SMALL/ratings.csv" -o "$d/ratings.csr" -q ||
        ! "$B/trec-ingest" --item-features "$ML_SMALL/movies.csv" --align "$d/ratings.csr" \
            -o "$d/genres.csr" -q ||
        ! "$B/trec-split" "$d/ratings.csr" --train "$d/train.csr" --test "$d/test.csr" \
            --test-fraction 0.2 --seed 1 -q; then
        echo "bench.sh: error: the walkthrough's inputs could not be made" >&2
        return 1
    fi
    wt_row step runs "best s" "peak RSS MB"
    wt_row ---------------------------------------------- ----- --------- ------------
    wt_models "$d" >"$d/models"
    fit_sum=0
    eval_sum=0
    while IFS='|' read -r name label opts; do
        # shellcheck disable=SC2086 # the options are split on blanks
        wt_time "trec-fit: $label" "$B/trec-fit" "$d/train.csr" -o "$d/$name.trec" -q $opts || continue
        fit_sum=$(awk -v a="$fit_sum" -v b="$WT_S" 'BEGIN { print a + b }')
        wt_time "  trec-eval $name.trec (train + test)" "$B/trec-eval" "$d/$name.trec" \
            --test "$d/test.csr" --train "$d/train.csr" -k 10 --min-rating 4 -q -o "$d/$name.txt" || continue
        eval_sum=$(awk -v a="$eval_sum" -v b="$WT_S" 'BEGIN { print a + b }')
    done <"$d/models"
    wt_row "sum of the best fits" - "$(printf '%.3f' "$fit_sum")" -
    wt_row "sum of the best evaluations" - "$(printf '%.3f' "$eval_sum")" -
    wt_script "$d/all" >"$d/all.sh"
    if wt_time "whole walkthrough (ingest .. recommend)" sh "$d/all.sh"; then
        whole=$WT_S
    else
        whole=
    fi
    if [ -x "$root/scripts/getting-started.sh" ]; then
        wt_time "scripts/getting-started.sh (make demo)" env TREC_WORK="$d/demo" \
            TREC_ML_SMALL="$ML_SMALL" "$root/scripts/getting-started.sh" "$B" || :
    fi
    if [ -n "$whole" ]; then
        echo
        echo "   target: the whole walkthrough under 5 s on 2 cores ($(nproc 2>/dev/null || echo '?') online here):" \
            "$(printf '%.2f' "$whole") s, $(awk -v s="$whole" 'BEGIN { print (s < 5) ? "met" : "MISSED" }')"
    fi
    rm -rf "$d"
    echo
    return "$FAILED"
}

# ---- section: sgd ------------------------------------------------------------
# trec-fit --algorithm sgd on the synthetic set of synth_fit_input (bench-5m:
# 100k users x 20k items, 5M ratings, Zipf popularity, lognormal activity),
# every rating a positive (implicit feedback, 5M positives), k = 64, 2
# threads: seconds per epoch of bpr and warp (the difference between a
# 1-epoch and a (1 + E)-epoch fit, divided by E, so that reading, set-up and
# writing cancel out), the peak RSS against the sizes of the data (matrix
# file) and the model, and whether 1 and 2 threads give the same model bytes.

SGD_EPOCHS=${TREC_BENCH_SGD_EPOCHS:-4}
SGD_FMT='%-8s %7s %6s %10s %10s %12s %12s %9s\n'

bench_sgd() {
    preset=${TREC_BENCH_FIT_PRESET:-bench-5m}
    echo "== sgd: trec-fit --loss bpr|warp on synth-movielens --preset $preset (every rating a positive), k = 64, 2 threads"
    echo "   s/epoch = (best of $REPEAT fits of 1 + $SGD_EPOCHS epochs - best of $REPEAT fits of 1 epoch) / $SGD_EPOCHS"
    echo "   peak RSS of the longer fit, against data (matrix file) + model (model file); MiB"
    echo
    if [ ! -x "$B/trec-fit" ] || [ ! -x "$B/trec-ingest" ]; then
        echo "   skipped: trec-fit or trec-ingest not built in $B"
        echo
        return 0
    fi
    sd=$(synth_fit_input "$preset") || return 1
    x=$sd/ratings.csr
    FAILED=0
    printf "$SGD_FMT" loss epochs runs "1 epoch s" "+$SGD_EPOCHS s" "s/epoch" "peak RSS" "RSS/(d+m)"
    printf "$SGD_FMT" -------- ------- ------ ---------- ---------- ------------ ------------ ---------
    for loss in bpr warp; do
        m="$W/sgd-$loss.trec"
        if ! run_timed "$B/trec-fit" "$x" -o "$m" -q --loss "$loss" --threads 2 --epochs 1; then
            printf "$SGD_FMT" "$loss" - - FAILED - - - -
            echo "    exit $RC: $ERRLINE"
            FAILED=1
            continue
        fi
        one=$BEST_S
        if ! run_timed "$B/trec-fit" "$x" -o "$m" -q --loss "$loss" --threads 2 \
            --epochs $((SGD_EPOCHS + 1)); then
            printf "$SGD_FMT" "$loss" - - "$one" FAILED - - -
            echo "    exit $RC: $ERRLINE"
            FAILED=1
            continue
        fi
        per=$(awk -v a="$one" -v b="$BEST_S" -v e="$SGD_EPOCHS" 'BEGIN { printf "%.3f", (b - a) / e }')
        dm=$(($(fsize "$x") + $(fsize "$m")))
        printf "$SGD_FMT" "$loss" "1+$SGD_EPOCHS" "$RUNS" "$(printf '%.3f' "$one")" \
            "$(printf '%.3f' "$BEST_S")" "$per" "$(fdiv "$PEAK_KIB" 1024)" \
            "$(fdiv "$((PEAK_KIB * 1024))" "$dm" '%.2fx')"
    done
    for t in 1 2; do
        "$B/trec-fit" "$x" -o "$W/sgd-t$t.trec" -q --loss warp --threads "$t" --epochs 1 || FAILED=1
    done
    cmp -s "$W/sgd-t1.trec" "$W/sgd-t2.trec" && same=identical || same=DIFFERENT
    echo "    warp, 1 epoch: --threads 1 and 2 models $same"
    echo "    target (issue 6): a bpr/warp epoch <= 0.6 s and peak RSS <= 2x (data + model)"
    rm -f "$W"/sgd-*.trec
    echo
    return "$FAILED"
}

# ---- section: mpi (not in the default SECTIONS: about 10 minutes) ---------
# trec-fit --algorithm als under mpirun (make mpi) on the synthetic set of
# synth_fit_input (default bench-25m: 500,000 users x 20,000 items, 25M
# ratings, every rating a positive), k = 64, 1 thread per rank, 1..4 ranks,
# the ranks talking TCP over the loopback interface (--mca btl tcp,self; not
# shared memory). Per iteration: seconds ((1 + E)-iteration fit - 1-iteration
# fit) / E, wall and CPU (every process); bytes received by all ranks as
# trec-fit counts them (the payload of its MPI calls), against the formula
#     (P - 1) (4 k (U + I) + 4 k^2 (ceil(U/4096) + ceil(I/4096))
#              + 8 (ceil(U/128) + ceil(I/128)))
# and the bytes through lo (/proc/net/dev: payload plus MPI and TCP/IP
# headers, plus whatever else uses lo meanwhile); the set-up's bytes (the
# all-to-all of entries); whether the model equals the single-process one.
# TREC_BENCH_MPI_RANKS (default "1 2 3 4"), TREC_BENCH_MPI_EPOCHS (E,
# default 2), TREC_BENCH_MPI_PRESET (default bench-25m).

MPI_FMT='%-5s %9s %9s %9s %14s %14s %14s %12s %9s %-9s\n'

lo_bytes() { awk '$1 == "lo:" { print $2 }' /proc/net/dev; } # received (= sent, on lo)

# mpi_fit P EPOCHS OUT: one fit on P ranks (P = 1: the plain trec-fit);
# sets BEST_S, BEST_CPU, PEAK_KIB (run_timed), LO (bytes through lo),
# FIT_BYTES and SETUP_BYTES (trec-fit's count, P > 1).
mpi_fit() {
    if [ "$1" -eq 1 ]; then
        set -- "$B/trec-fit" "$x" -o "$3" --epochs "$2" $MPI_OPTS
    else
        set -- mpirun -np "$1" --oversubscribe --bind-to none --mca btl tcp,self \
            --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo \
            "$root/build-mpi/trec-fit" "$x" -o "$3" --epochs "$2" $MPI_OPTS
    fi
    l0=$(lo_bytes)
    REPEAT=1 run_timed "$@" || return 1
    LO=$(($(lo_bytes) - l0))
    FIT_BYTES=$(sed -n 's/.* ranks: \([0-9]*\) bytes received per iteration.*/\1/p' "$W/stderr")
    SETUP_BYTES=$(sed -n 's/.*per iteration (all ranks), \([0-9]*\) before.*/\1/p' "$W/stderr")
}

bench_mpi() {
    preset=${TREC_BENCH_MPI_PRESET:-bench-25m}
    E=${TREC_BENCH_MPI_EPOCHS:-2}
    MPI_OPTS="--algorithm als --components 64 --threads 1"
    echo "== mpi: trec-fit --algorithm als -k 64 under mpirun, 1 thread per rank, TCP over lo, on synth-movielens --preset $preset"
    echo "   s/iter = (fit of 1 + $E iterations - fit of 1) / $E; bytes per iteration, all ranks: trec-fit's count, the formula, lo's counters"
    echo
    if ! command -v mpirun >/dev/null 2>&1 || [ ! -x "$root/build-mpi/trec-fit" ]; then
        echo "   skipped: mpirun or build-mpi/trec-fit missing (make mpi; Debian: libopenmpi-dev openmpi-bin)"
        echo
        return 0
    fi
    sd=$(synth_fit_input "$preset") || return 1
    x=$sd/ratings.csr
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    dims=$("$B/trec-info" "$x" | sed -n 's/^shape: *\([0-9]*\) rows x \([0-9]*\) columns/\1 \2/p')
    U=${dims% *} I=${dims#* }
    FAILED=0
    printf "$MPI_FMT" ranks "s/iter" "CPU s/it" "vs 1" "bytes/iter" "formula" "lo bytes/it" "set-up B" "peak MiB" model
    printf "$MPI_FMT" ----- --------- --------- --------- -------------- -------------- -------------- ------------ --------- ---------
    for P in ${TREC_BENCH_MPI_RANKS:-1 2 3 4}; do
        if ! mpi_fit "$P" 1 "$W/mpi-short.trec"; then
            printf "$MPI_FMT" "$P" FAILED - - - - - - - -
            echo "    exit $RC: $ERRLINE"
            FAILED=1
            continue
        fi
        s1=$BEST_S c1=$BEST_CPU lo1=$LO
        if ! mpi_fit "$P" $((E + 1)) "$W/mpi-$P.trec"; then
            printf "$MPI_FMT" "$P" FAILED - - - - - - - -
            echo "    exit $RC: $ERRLINE"
            FAILED=1
            continue
        fi
        per=$(awk -v a="$s1" -v b="$BEST_S" -v e="$E" 'BEGIN { printf "%.2f", (b - a) / e }')
        cpu=$(awk -v a="$c1" -v b="$BEST_CPU" -v e="$E" 'BEGIN { printf "%.2f", (b - a) / e }')
        [ "$P" -eq 1 ] && one=$per
        formula=$(awk -v p="$P" -v k=64 -v u="$U" -v i="$I" 'function c(a, b) { return int((a + b - 1) / b) }
            BEGIN { printf "%.0f", (p - 1) * (4 * k * (u + i) + 4 * k * k * (c(u, 4096) + c(i, 4096)) + 8 * (c(u, 128) + c(i, 128))) }')
        cmp -s "$W/mpi-1.trec" "$W/mpi-$P.trec" && same=identical || same=DIFFERENT
        [ "$P" -eq 1 ] && same="(ref.)"
        printf "$MPI_FMT" "$P" "$per" "$cpu" "$(fdiv "$per" "$one" '%.2fx')" "${FIT_BYTES:-0}" \
            "$formula" "$(((LO - lo1) / E))" "${SETUP_BYTES:-0}" "$(fdiv "$PEAK_KIB" 1024 '%.0f')" "$same"
        [ "$same" = DIFFERENT ] && FAILED=1
    done
    echo "    (peak MiB: the largest process; model: the (1 + $E)-iteration model against 1 rank's)"
    rm -f "$W"/mpi-*.trec
    echo
    return "$FAILED"
}

# ---- report ------------------------------------------------------------------

echo "trec benchmarks - $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "host: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1), $(nproc 2>/dev/null || echo '?') CPUs; commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'); build $B"
echo
status=0
for s in $SECTIONS; do
    if command -v "bench_$s" >/dev/null 2>&1; then
        "bench_$s" || status=1
    else
        echo "bench.sh: error: no benchmark section '$s'" >&2
        status=1
    fi
done
exit $status
