/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* split.c - train/test splits: deciding each entry, building both halves,
 * writing them together. */
#include "split.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "rng.h"

/* round(f * n), halves away from zero, never above n. */
static uint64_t share(double f, uint64_t n)
{
    double x = round(f * (double)n);
    if (x <= 0)
        return 0;
    return x >= (double)n ? n : (uint64_t)x;
}

/* Selection sampling (Knuth's Algorithm S): walks n items in order and
 * takes each with probability (still wanted) / (still left), which picks
 * exactly t of them, every t-subset equally likely, with no index array
 * (a Fisher-Yates shuffle would need 8 bytes per entry). The comparison is
 * on integers, so the choice does not depend on floating-point rounding. */
static void select_uniform(trec_rng *r, uint8_t *mark, uint64_t n, uint64_t t)
{
    for (uint64_t i = 0; i < n; i++) {
        if (t > 0 && trec_rng_below(r, n - i) < t) {
            mark[i] = 1;
            t--;
        }
    }
}

static void mark_random(const trec_csr *m, const trec_split_opts *o, uint8_t *test)
{
    trec_rng r;
    trec_rng_seed(&r, o->seed);
    select_uniform(&r, test, m->nnz, share(o->fraction, m->nnz));
}

static void mark_by_user(const trec_csr *m, const trec_split_opts *o, uint8_t *test)
{
    for (uint64_t row = 0; row < m->rows; row++) {
        uint64_t a = m->rowptr[row], n = m->rowptr[row + 1] - a;
        if (n < 2)
            continue; /* a single interaction stays in train */
        /* One stream per row: a row's choice is independent of the others. */
        trec_rng r;
        trec_rng_seed_stream(&r, o->seed, row);
        /* At least one entry stays in train, as for single-entry users, so
         * every user found in test has training data. */
        uint64_t q = share(o->fraction, n);
        select_uniform(&r, test + a, n, q < n ? q : n - 1);
    }
}

typedef struct stamped {
    int64_t time;
    uint32_t col;
    uint64_t pos;
} stamped;

/* Latest first: by time, then by column (a total order within a row, since
 * columns are unique there, so the result does not depend on qsort). */
static int later_first(const void *pa, const void *pb)
{
    const stamped *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time > b->time ? -1 : 1;
    return a->col > b->col ? -1 : a->col < b->col;
}

/* Marks the q latest entries of the row at [a, a + n), q < n, with s as
 * scratch (room for n). For the usual small q, the latest q are kept in a
 * short sorted list while scanning the row once; a large q sorts the row. */
#define FEW_LATEST 32

static void mark_latest(const trec_csr *m, uint64_t a, uint64_t n, uint64_t q, stamped *s,
                        uint8_t *test)
{
    uint64_t have = 0;
    for (uint64_t i = 0; i < n; i++) {
        stamped e = {m->times[a + i], m->colidx[a + i], a + i};
        if (q > FEW_LATEST) {
            s[have++] = e;
            continue;
        }
        if (have == q && later_first(&e, &s[q - 1]) > 0)
            continue; /* earlier than every entry kept */
        uint64_t j = have < q ? have++ : q - 1;
        for (; j > 0 && later_first(&e, &s[j - 1]) < 0; j--)
            s[j] = s[j - 1];
        s[j] = e;
    }
    if (q > FEW_LATEST)
        qsort(s, n, sizeof *s, later_first);
    for (uint64_t i = 0; i < q; i++)
        test[s[i].pos] = 1;
}

static int mark_leave_last(const trec_csr *m, const trec_split_opts *o, uint8_t *test,
                           trec_error *err)
{
    uint64_t longest = 0;
    for (uint64_t row = 0; row < m->rows; row++)
        if (m->rowptr[row + 1] - m->rowptr[row] > longest)
            longest = m->rowptr[row + 1] - m->rowptr[row];
    stamped *s = trec_malloc(longest * sizeof *s, err);
    if (!s)
        return -1;
    for (uint64_t row = 0; row < m->rows; row++) {
        uint64_t a = m->rowptr[row], n = m->rowptr[row + 1] - a;
        /* Keep at least one entry (the earliest) in train. */
        uint64_t q = n <= o->k ? (n ? n - 1 : 0) : o->k;
        if (q > 0)
            mark_latest(m, a, n, q, s, test);
    }
    free(s);
    return 0;
}

static void mark_time_cut(const trec_csr *m, int64_t cut, uint8_t *test)
{
    for (uint64_t k = 0; k < m->nnz; k++)
        test[k] = m->times[k] >= cut;
}

/* The k-th smallest (from 0) of v[0..n), by radix selection on the bytes of
 * an order-preserving unsigned key, most significant first: eight counting
 * passes over ever fewer candidates, O(n) whatever the data (sorting 25
 * million timestamps took seconds). v is scratch and gets reordered. */
static int64_t kth_smallest(int64_t *v, uint64_t n, uint64_t k)
{
    for (int shift = 56; shift >= 0; shift -= 8) {
        uint64_t count[256] = {0};
        for (uint64_t i = 0; i < n; i++)
            count[(((uint64_t)v[i] ^ (1ull << 63)) >> shift) & 255]++;
        unsigned b = 0;
        while (k >= count[b])
            k -= count[b++];
        uint64_t kept = 0;
        for (uint64_t i = 0; i < n; i++)
            if (((((uint64_t)v[i] ^ (1ull << 63)) >> shift) & 255) == b)
                v[kept++] = v[i];
        n = kept;
    }
    return v[0]; /* all remaining candidates are equal */
}

/* The cut for TIME_FRACTION: the timestamp of the t-th latest entry. */
static int fraction_cut(const trec_csr *m, uint64_t t, int64_t *cut, trec_error *err)
{
    int64_t *scratch = trec_malloc(m->nnz * sizeof *scratch, err);
    if (!scratch)
        return -1;
    memcpy(scratch, m->times, m->nnz * sizeof *scratch);
    *cut = kth_smallest(scratch, m->nnz, m->nnz - t);
    free(scratch);
    return 0;
}

static const char *mode_name(enum trec_split_mode mode)
{
    switch (mode) {
    case TREC_SPLIT_RANDOM: return "random";
    case TREC_SPLIT_BY_USER: return "per-user";
    case TREC_SPLIT_LEAVE_LAST: return "leave-last-k-out";
    case TREC_SPLIT_TIME_CUT: return "time-cut";
    case TREC_SPLIT_TIME_FRACTION: return "time-fraction";
    }
    return "unknown";
}

static int check_opts(const trec_csr *m, const char *name, const trec_split_opts *o,
                      trec_error *err)
{
    if ((unsigned)o->mode > TREC_SPLIT_TIME_FRACTION)
        return trec_fail(err, "unknown split mode %d", (int)o->mode);
    int uses_fraction = o->mode == TREC_SPLIT_RANDOM || o->mode == TREC_SPLIT_BY_USER ||
                        o->mode == TREC_SPLIT_TIME_FRACTION;
    if (uses_fraction && !(o->fraction >= 0 && o->fraction <= 1))
        return trec_fail(err, "split fraction %g is not in [0, 1]", o->fraction);
    if (o->mode == TREC_SPLIT_LEAVE_LAST && o->k < 1)
        return trec_fail(err, "leave-last-k-out needs k >= 1");
    int uses_time = o->mode == TREC_SPLIT_LEAVE_LAST || o->mode == TREC_SPLIT_TIME_CUT ||
                    o->mode == TREC_SPLIT_TIME_FRACTION;
    if (uses_time && !m->times)
        return trec_fail(err, "%s: has no timestamps (no TIME section), which a %s "
                         "split needs", name, mode_name(o->mode));
    return 0;
}

int trec_split_mark(const trec_csr *m, const char *name, const trec_split_opts *o,
                    uint8_t *test, trec_split_stats *st, trec_error *err)
{
    memset(st, 0, sizeof *st);
    if (check_opts(m, name, o, err) != 0)
        return -1;
    memset(test, 0, m->nnz);
    switch (o->mode) {
    case TREC_SPLIT_RANDOM:
        mark_random(m, o, test);
        break;
    case TREC_SPLIT_BY_USER:
        mark_by_user(m, o, test);
        break;
    case TREC_SPLIT_LEAVE_LAST:
        if (mark_leave_last(m, o, test, err) != 0)
            return -1;
        break;
    case TREC_SPLIT_TIME_CUT:
        st->has_cut = 1;
        st->cut = o->cut;
        mark_time_cut(m, o->cut, test);
        break;
    case TREC_SPLIT_TIME_FRACTION: {
        uint64_t t = share(o->fraction, m->nnz);
        if (t > 0) {
            if (fraction_cut(m, t, &st->cut, err) != 0)
                return -1;
            st->has_cut = 1;
            mark_time_cut(m, st->cut, test);
        }
        break;
    }
    }
    for (uint64_t row = 0; row < m->rows; row++) {
        uint64_t before = st->test_nnz;
        for (uint64_t k = m->rowptr[row]; k < m->rowptr[row + 1]; k++)
            st->test_nnz += test[k];
        st->test_rows += st->test_nnz > before;
    }
    st->train_nnz = m->nnz - st->test_nnz;
    return 0;
}

/* Copies the entries of m whose mark equals `want` into out (allocated). */
static int take(const trec_csr *m, const uint8_t *mark, uint8_t want, trec_csr *out,
                trec_error *err)
{
    uint64_t n = 0;
    for (uint64_t k = 0; k < m->nnz; k++)
        n += mark[k] == want;
    if (trec_csr_alloc(out, m->rows, m->cols, n, m->times != NULL, err) != 0)
        return -1;
    uint64_t j = 0;
    for (uint64_t row = 0; row < m->rows; row++) {
        for (uint64_t k = m->rowptr[row]; k < m->rowptr[row + 1]; k++) {
            if (mark[k] != want)
                continue;
            out->colidx[j] = m->colidx[k];
            out->vals[j] = m->vals[k];
            if (m->times)
                out->times[j] = m->times[k];
            j++;
        }
        out->rowptr[row + 1] = j;
    }
    trec_csr_share_labels(out, m);
    return 0;
}

int trec_split_apply(const trec_csr *m, const uint8_t *test, trec_csr *train,
                     trec_csr *testm, trec_error *err)
{
    memset(train, 0, sizeof *train);
    memset(testm, 0, sizeof *testm);
    if (take(m, test, 0, train, err) != 0)
        return -1;
    if (take(m, test, 1, testm, err) != 0) {
        trec_csr_free(train);
        return -1;
    }
    return 0;
}

int trec_split(const trec_csr *m, const char *name, const trec_split_opts *o,
               trec_csr *train, trec_csr *test, trec_split_stats *st,
               trec_error *err)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    uint8_t *mark = trec_malloc(m->nnz, err);
    if (!mark)
        return -1;
    int rc = trec_split_mark(m, name, o, mark, st, err);
    if (rc == 0)
        rc = trec_split_apply(m, mark, train, test, err);
    free(mark);
    return rc;
}

/* ---- train, validation, test ---- */

void trec_split_valid_opts(const trec_split_opts *o, double valid_fraction,
                           trec_split_opts *second)
{
    *second = *o;
    second->seed = o->seed < INT64_MAX ? o->seed + 1 : 0;
    if (o->mode == TREC_SPLIT_TIME_CUT || o->mode == TREC_SPLIT_TIME_FRACTION)
        second->mode = TREC_SPLIT_TIME_FRACTION;
    if (o->mode != TREC_SPLIT_LEAVE_LAST)
        second->fraction = valid_fraction;
}

int trec_split_valid(const trec_csr *m, const char *name, const trec_split_opts *o,
                     double valid_fraction, trec_csr *train, trec_csr *valid, trec_csr *test,
                     trec_split_stats *st, trec_split_stats *vst, trec_error *err)
{
    trec_split_opts second;
    trec_split_valid_opts(o, valid_fraction, &second);
    trec_csr rest;
    memset(train, 0, sizeof *train);
    memset(valid, 0, sizeof *valid);
    if (trec_split(m, name, o, &rest, test, st, err) != 0)
        return -1;
    int rc = trec_split(&rest, name, &second, train, valid, vst, err);
    trec_csr_free(&rest);
    if (rc != 0)
        trec_csr_free(test);
    return rc;
}

/* Messages from writing the staging file name it; name the target instead. */
static void rename_in_message(trec_error *err, const char *tmp, const char *path)
{
    size_t n = strlen(tmp);
    if (!err || strncmp(err->msg, tmp, n) != 0)
        return;
    const char *rest = strstr(err->msg + n, ": ");
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s%s", path, rest ? rest : "");
    memcpy(err->msg, msg, sizeof msg);
}

/* Stages m under a fresh temporary name next to path: trec_outfile_open
 * reserves the name (and registers it for removal on interrupt), and
 * trec_csr_write fills it completely (itself through a temporary file and a
 * rename). Committing the outfile later renames the staged file into place. */
static int stage(const trec_csr *m, const char *path, trec_outfile *out, trec_error *err)
{
    if (trec_outfile_open(out, path, err) != 0)
        return -1;
    if (trec_csr_write(out->tmp_path, m, err) != 0) {
        rename_in_message(err, out->tmp_path, path);
        trec_outfile_abort(out);
        return -1;
    }
    return 0;
}

int trec_split_write_all(const trec_csr *const *mats, const char *const *paths, int n,
                         trec_error *err)
{
    enum { MAX_OUT = 4 };
    if (n < 1 || n > MAX_OUT)
        return trec_fail(err, "internal error: %d split outputs", n);
    int to_stdout = 0;
    for (int i = 0; i < n; i++)
        to_stdout += strcmp(paths[i], "-") == 0;
    if (to_stdout > 1)
        return trec_fail(err, "only one split output can be written to stdout");
    /* Streams (stdout, a descriptor, a device, a FIFO) cannot be staged:
     * they are written once the files are staged, before the renames. */
    int stream[MAX_OUT], staged[MAX_OUT] = {0};
    trec_outfile outs[MAX_OUT];
    int rc = 0;
    for (int i = 0; i < n; i++)
        stream[i] = trec_output_is_stream(paths[i]);
    for (int i = 0; i < n && rc == 0; i++)
        if (!stream[i])
            rc = stage(mats[i], paths[i], &outs[i], err), staged[i] = rc == 0;
    for (int i = 0; i < n && rc == 0; i++)
        if (stream[i])
            rc = trec_csr_write(paths[i], mats[i], err);
    for (int i = 0; i < n; i++) {
        if (!staged[i])
            continue;
        if (rc == 0)
            rc = trec_outfile_commit(&outs[i], err);
        else
            trec_outfile_abort(&outs[i]);
    }
    return rc;
}

int trec_split_write(const trec_csr *train, const char *train_path,
                     const trec_csr *test, const char *test_path,
                     trec_error *err)
{
    if (strcmp(train_path, "-") == 0 && strcmp(test_path, "-") == 0)
        return trec_fail(err, "train and test cannot both be written to stdout");
    const trec_csr *mats[2] = {train, test};
    const char *paths[2] = {train_path, test_path};
    return trec_split_write_all(mats, paths, 2, err);
}
