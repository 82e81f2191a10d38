/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* test_split.c - train/test splits (lib/split.h). */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "internal.h"

/* A matrix from entries given in row order (columns increasing per row). */
static void build(trec_csr *m, uint64_t rows, uint64_t cols, uint64_t n, const int *r,
                  const int *c, const float *v, const int64_t *t)
{
    trec_error err;
    ck_assert_int_eq(trec_csr_alloc(m, rows, cols, n, t != NULL, &err), 0);
    for (uint64_t k = 0; k < n; k++) {
        m->colidx[k] = (uint32_t)c[k];
        m->vals[k] = v ? v[k] : (float)(k + 1);
        if (t)
            m->times[k] = t[k];
        m->rowptr[r[k] + 1]++;
    }
    for (uint64_t i = 0; i < rows; i++)
        m->rowptr[i + 1] += m->rowptr[i];
    ck_assert_int_eq(trec_csr_validate(m, "test", &err), 0);
}

/* rows x cols with each cell present with probability p; distinct values and
 * timestamps so that every entry can be told apart. */
static void random_matrix(trec_csr *m, uint64_t rows, uint64_t cols, double p,
                          uint64_t seed)
{
    trec_error err;
    trec_rng r;
    trec_rng_seed(&r, seed);
    uint64_t cap = rows * cols;
    ck_assert_int_eq(trec_csr_alloc(m, rows, cols, cap, 1, &err), 0);
    uint64_t n = 0;
    for (uint64_t i = 0; i < rows; i++) {
        for (uint64_t j = 0; j < cols; j++) {
            if (trec_rng_uniform(&r) < p) {
                m->colidx[n] = (uint32_t)j;
                m->vals[n] = (float)(n % 10) * 0.5f + 0.5f;
                m->times[n] = 1000000 + (int64_t)trec_rng_below(&r, 100000);
                n++;
            }
        }
        m->rowptr[i + 1] = n;
    }
    m->nnz = n;
}

/* Every input entry is in exactly one of train and test, with its column,
 * value and timestamp; nothing else is in either; shapes and labels kept. */
static void check_partition(const trec_csr *m, const trec_csr *tr, const trec_csr *te)
{
    ck_assert_uint_eq(tr->rows, m->rows);
    ck_assert_uint_eq(te->rows, m->rows);
    ck_assert_uint_eq(tr->cols, m->cols);
    ck_assert_uint_eq(te->cols, m->cols);
    ck_assert_uint_eq(tr->nnz + te->nnz, m->nnz);
    ck_assert_int_eq(tr->times != NULL, m->times != NULL);
    ck_assert_int_eq(te->times != NULL, m->times != NULL);
    for (uint64_t r = 0; r < m->rows; r++) {
        uint64_t a = tr->rowptr[r], b = te->rowptr[r];
        for (uint64_t k = m->rowptr[r]; k < m->rowptr[r + 1]; k++) {
            const trec_csr *side;
            uint64_t *pos;
            if (a < tr->rowptr[r + 1] && tr->colidx[a] == m->colidx[k]) {
                side = tr;
                pos = &a;
                /* not also in test */
                ck_assert(!(b < te->rowptr[r + 1] && te->colidx[b] == m->colidx[k]));
            } else {
                ck_assert_msg(b < te->rowptr[r + 1] && te->colidx[b] == m->colidx[k],
                              "entry %llu missing from both", (unsigned long long)k);
                side = te;
                pos = &b;
            }
            ck_assert(side->vals[*pos] == m->vals[k]);
            if (m->times)
                ck_assert(side->times[*pos] == m->times[k]);
            (*pos)++;
        }
        ck_assert_uint_eq(a, tr->rowptr[r + 1]);
        ck_assert_uint_eq(b, te->rowptr[r + 1]);
    }
}

static trec_split_opts opts(enum trec_split_mode mode, double f, uint64_t seed)
{
    trec_split_opts o = {.mode = mode, .fraction = f, .seed = seed};
    return o;
}

START_TEST(random_is_a_partition)
{
    trec_csr m, tr, te;
    trec_error err;
    trec_split_stats st;
    random_matrix(&m, 50, 40, 0.3, 11);
    trec_split_opts o = opts(TREC_SPLIT_RANDOM, 0.2, 7);
    ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), 0);
    check_partition(&m, &tr, &te);
    ck_assert_uint_eq(st.train_nnz, tr.nnz);
    ck_assert_uint_eq(st.test_nnz, te.nnz);
    uint64_t rows_with_test = 0;
    for (uint64_t r = 0; r < te.rows; r++)
        rows_with_test += te.rowptr[r + 1] > te.rowptr[r];
    ck_assert_uint_eq(st.test_rows, rows_with_test);
    ck_assert_int_eq(st.has_cut, 0);
    trec_csr_free(&tr);
    trec_csr_free(&te);
    trec_csr_free(&m);
}
END_TEST

START_TEST(random_fraction_is_exact)
{
    trec_csr m, tr, te;
    trec_error err;
    trec_split_stats st;
    random_matrix(&m, 30, 30, 0.5, 3);
    double fs[] = {0, 0.1, 0.2, 0.25, 1.0 / 3, 0.5, 0.9, 1};
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        trec_split_opts o = opts(TREC_SPLIT_RANDOM, fs[i], 5);
        ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), 0);
        ck_assert_uint_eq(te.nnz, (uint64_t)llround(fs[i] * (double)m.nnz));
        check_partition(&m, &tr, &te);
        trec_csr_free(&tr);
        trec_csr_free(&te);
    }
    trec_csr_free(&m);
}
END_TEST

/* Halves round away from zero: 0.25 of 10 entries is 3, 0.5 of 5 is 3. */
START_TEST(random_fraction_rounds_halves_up)
{
    int r[10] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, c[10] = {0, 1, 2, 3, 4, 0, 1, 2, 3, 4};
    trec_csr m, tr, te;
    trec_error err;
    trec_split_stats st;
    build(&m, 2, 5, 10, r, c, NULL, NULL);
    trec_split_opts o = opts(TREC_SPLIT_RANDOM, 0.25, 1);
    ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), 0);
    ck_assert_uint_eq(te.nnz, 3);
    ck_assert_uint_eq(tr.nnz, 7);
    trec_csr_free(&tr);
    trec_csr_free(&te);
    m.nnz = 5; /* first row only */
    m.rows = 1;
    o.fraction = 0.5;
    ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), 0);
    ck_assert_uint_eq(te.nnz, 3);
    trec_csr_free(&tr);
    trec_csr_free(&te);
    trec_csr_free(&m);
}
END_TEST

static int same_marks(const trec_csr *m, const trec_split_opts *a, const trec_split_opts *b)
{
    trec_error err;
    trec_split_stats st;
    uint8_t *x = malloc(m->nnz), *y = malloc(m->nnz);
    ck_assert_int_eq(trec_split_mark(m, "m", a, x, &st, &err), 0);
    ck_assert_int_eq(trec_split_mark(m, "m", b, y, &st, &err), 0);
    int same = memcmp(x, y, m->nnz) == 0;
    free(x);
    free(y);
    return same;
}

START_TEST(seed_decides)
{
    trec_csr m;
    random_matrix(&m, 40, 40, 0.3, 9);
    for (int mode = TREC_SPLIT_RANDOM; mode <= TREC_SPLIT_BY_USER; mode++) {
        trec_split_opts a = opts(mode, 0.2, 1), b = opts(mode, 0.2, 1), c = opts(mode, 0.2, 2);
        ck_assert(same_marks(&m, &a, &b));
        ck_assert(!same_marks(&m, &a, &c));
    }
    trec_csr_free(&m);
}
END_TEST

/* Over many seeds every entry lands in test about f of the time: the choice
 * is not biased towards the first (or last) entries. */
START_TEST(random_choice_is_uniform)
{
    enum { N = 10, RUNS = 2000 };
    int r[N] = {0}, c[N];
    for (int i = 0; i < N; i++)
        c[i] = i;
    trec_csr m;
    build(&m, 1, N, N, r, c, NULL, NULL);
    for (int mode = TREC_SPLIT_RANDOM; mode <= TREC_SPLIT_BY_USER; mode++) {
        int hits[N] = {0};
        uint8_t mark[N];
        trec_error err;
        trec_split_stats st;
        for (int s = 0; s < RUNS; s++) {
            trec_split_opts o = opts(mode, 0.3, (uint64_t)s);
            ck_assert_int_eq(trec_split_mark(&m, "m", &o, mark, &st, &err), 0);
            ck_assert_uint_eq(st.test_nnz, 3);
            for (int i = 0; i < N; i++)
                hits[i] += mark[i];
        }
        /* expected 600, standard deviation about 20 */
        for (int i = 0; i < N; i++)
            ck_assert_msg(hits[i] > 500 && hits[i] < 700, "entry %d chosen %d times", i,
                          hits[i]);
    }
    trec_csr_free(&m);
}
END_TEST

START_TEST(by_user_fraction_per_row)
{
    /* row lengths 0, 1, 2, 3, 5, 10, 7 */
    int len[] = {0, 1, 2, 3, 5, 10, 7};
    int r[28], c[28], n = 0;
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < len[i]; j++)
            r[n] = i, c[n] = j, n++;
    trec_csr m, tr, te;
    build(&m, 7, 10, (uint64_t)n, r, c, NULL, NULL);
    double fs[] = {0.2, 0.5, 1.0 / 3};
    for (size_t f = 0; f < 3; f++) {
        trec_error err;
        trec_split_stats st;
        trec_split_opts o = opts(TREC_SPLIT_BY_USER, fs[f], 4);
        ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), 0);
        check_partition(&m, &tr, &te);
        uint64_t rows_with_test = 0;
        for (int i = 0; i < 7; i++) {
            uint64_t got = te.rowptr[i + 1] - te.rowptr[i];
            uint64_t want = len[i] < 2 ? 0 : (uint64_t)llround(fs[f] * len[i]);
            ck_assert_msg(got == want, "f %g row %d: %llu in test, want %llu", fs[f], i,
                          (unsigned long long)got, (unsigned long long)want);
            rows_with_test += got > 0;
        }
        ck_assert_uint_eq(st.test_rows, rows_with_test);
        trec_csr_free(&tr);
        trec_csr_free(&te);
    }
    trec_csr_free(&m);
}
END_TEST

/* A row's per-user choice depends on the seed and the row only. */
START_TEST(by_user_rows_are_independent)
{
    trec_csr a, b;
    random_matrix(&a, 20, 30, 0.5, 21);
    random_matrix(&b, 20, 30, 0.5, 21);
    b.rowptr[1] = b.rowptr[0]; /* empty the first row of b: shift the rest */
    uint64_t drop = a.rowptr[1];
    memmove(b.colidx, b.colidx + drop, (b.nnz - drop) * sizeof *b.colidx);
    memmove(b.vals, b.vals + drop, (b.nnz - drop) * sizeof *b.vals);
    memmove(b.times, b.times + drop, (b.nnz - drop) * sizeof *b.times);
    for (uint64_t i = 1; i <= b.rows; i++)
        b.rowptr[i] = a.rowptr[i] - drop;
    b.nnz -= drop;
    trec_error err;
    ck_assert_int_eq(trec_csr_validate(&b, "b", &err), 0);
    uint8_t *ma = malloc(a.nnz), *mb = malloc(b.nnz);
    trec_split_stats st;
    trec_split_opts o = opts(TREC_SPLIT_BY_USER, 0.3, 8);
    ck_assert_int_eq(trec_split_mark(&a, "a", &o, ma, &st, &err), 0);
    ck_assert_int_eq(trec_split_mark(&b, "b", &o, mb, &st, &err), 0);
    ck_assert_mem_eq(ma + drop, mb, b.nnz);
    free(ma);
    free(mb);
    trec_csr_free(&a);
    trec_csr_free(&b);
}
END_TEST

static void leave_last(const trec_csr *m, uint64_t k, uint8_t *mark)
{
    trec_error err;
    trec_split_stats st;
    trec_split_opts o = {.mode = TREC_SPLIT_LEAVE_LAST, .k = k};
    ck_assert_int_eq(trec_split_mark(m, "m", &o, mark, &st, &err), 0);
}

START_TEST(leave_last_takes_the_latest)
{
    /* row 0: times 5 3 9 9 1 (a tie at 9); row 1: all equal; row 2: two
     * entries; row 3: one entry */
    int r[] = {0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3};
    int c[] = {0, 1, 2, 3, 4, 0, 1, 2, 0, 3, 2};
    int64_t t[] = {5, 3, 9, 9, 1, 4, 4, 4, 7, 6, 2};
    trec_csr m;
    build(&m, 4, 5, 11, r, c, NULL, t);
    uint8_t mark[11];
    leave_last(&m, 1, mark);
    /* row 0: the tie at 9 goes to the larger column (3); row 1: column 2;
     * row 2: the later (column 0); row 3: its only entry stays in train */
    uint8_t want1[11] = {0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0};
    ck_assert_mem_eq(mark, want1, 11);
    leave_last(&m, 3, mark);
    /* row 0: 9, 9, 5; rows 1 and 2 have <= 3 entries: all but the earliest
     * (row 1: column 0 counts as earliest among equal times) */
    uint8_t want3[11] = {1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0};
    ck_assert_mem_eq(mark, want3, 11);
    trec_csr_free(&m);
}
END_TEST

/* k = 40 exercises the sorting path (more than 32 latest to find). */
START_TEST(leave_last_partition_and_counts)
{
    trec_csr m, tr, te;
    trec_error err;
    trec_split_stats st;
    uint64_t ks[] = {1, 2, 5, 40};
    random_matrix(&m, 30, 100, 0.5, 5);
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++) {
        uint64_t k = ks[ki];
        trec_split_opts o = {.mode = TREC_SPLIT_LEAVE_LAST, .k = k};
        ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), 0);
        check_partition(&m, &tr, &te);
        for (uint64_t r = 0; r < m.rows; r++) {
            uint64_t n = m.rowptr[r + 1] - m.rowptr[r];
            uint64_t got = te.rowptr[r + 1] - te.rowptr[r];
            ck_assert_uint_eq(got, n <= k ? (n ? n - 1 : 0) : k);
            if (n > 0)
                ck_assert_uint_gt(tr.rowptr[r + 1] - tr.rowptr[r], 0);
            /* nothing in train is later than anything in test */
            for (uint64_t a = tr.rowptr[r]; a < tr.rowptr[r + 1]; a++)
                for (uint64_t b = te.rowptr[r]; b < te.rowptr[r + 1]; b++)
                    ck_assert(tr.times[a] < te.times[b] ||
                              (tr.times[a] == te.times[b] && tr.colidx[a] < te.colidx[b]));
        }
        trec_csr_free(&tr);
        trec_csr_free(&te);
    }
    trec_csr_free(&m);
}
END_TEST

/* Many equal timestamps: ties decided by the column, on both paths. */
START_TEST(leave_last_ties)
{
    enum { N = 60 };
    int r[N], c[N];
    int64_t t[N];
    for (int i = 0; i < N; i++)
        r[i] = 0, c[i] = i, t[i] = i % 3; /* 0 1 2 0 1 2 ... */
    trec_csr m;
    build(&m, 1, N, N, r, c, NULL, t);
    uint64_t ks[] = {3, 25, 45};
    for (size_t ki = 0; ki < 3; ki++) {
        uint8_t mark[N];
        leave_last(&m, ks[ki], mark);
        /* latest first: time 2 (columns 59, 56, ...), then time 1, then 0 */
        uint64_t taken = 0;
        for (int64_t time = 2; time >= 0; time--)
            for (int col = N - 1; col >= 0; col--)
                if (t[col] == time) {
                    ck_assert_msg(mark[col] == (taken < ks[ki]), "k %llu column %d",
                                  (unsigned long long)ks[ki], col);
                    taken++;
                }
    }
    trec_csr_free(&m);
}
END_TEST

START_TEST(time_cut_boundary)
{
    int r[] = {0, 0, 1, 1, 2};
    int c[] = {0, 1, 0, 2, 1};
    int64_t t[] = {10, 20, 30, 19, 21};
    trec_csr m;
    build(&m, 3, 3, 5, r, c, NULL, t);
    uint8_t mark[5];
    trec_error err;
    trec_split_stats st;
    trec_split_opts o = {.mode = TREC_SPLIT_TIME_CUT, .cut = 20};
    ck_assert_int_eq(trec_split_mark(&m, "m", &o, mark, &st, &err), 0);
    uint8_t want[5] = {0, 1, 1, 0, 1}; /* 20 is at the cut: test */
    ck_assert_mem_eq(mark, want, 5);
    ck_assert_int_eq(st.has_cut, 1);
    ck_assert_int_eq(st.cut, 20);
    ck_assert_uint_eq(st.test_nnz, 3);
    ck_assert_uint_eq(st.test_rows, 3);
    o.cut = 31;
    ck_assert_int_eq(trec_split_mark(&m, "m", &o, mark, &st, &err), 0);
    ck_assert_uint_eq(st.test_nnz, 0);
    ck_assert_uint_eq(st.test_rows, 0);
    trec_csr_free(&m);
}
END_TEST

START_TEST(time_fraction_cut)
{
    /* distinct times 1..10 in scrambled order */
    int r[10] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2}, c[10] = {0, 1, 2, 0, 1, 2, 0, 1, 2, 3};
    int64_t t[10] = {7, 1, 10, 3, 8, 2, 9, 4, 6, 5};
    trec_csr m;
    build(&m, 3, 4, 10, r, c, NULL, t);
    uint8_t mark[10];
    trec_error err;
    trec_split_stats st;
    trec_split_opts o = opts(TREC_SPLIT_TIME_FRACTION, 0.3, 0);
    ck_assert_int_eq(trec_split_mark(&m, "m", &o, mark, &st, &err), 0);
    ck_assert_int_eq(st.has_cut, 1);
    ck_assert_int_eq(st.cut, 8);
    for (int k = 0; k < 10; k++)
        ck_assert_int_eq(mark[k], t[k] >= 8);
    o.fraction = 0; /* nothing in test, no cut */
    ck_assert_int_eq(trec_split_mark(&m, "m", &o, mark, &st, &err), 0);
    ck_assert_int_eq(st.has_cut, 0);
    ck_assert_uint_eq(st.test_nnz, 0);
    o.fraction = 1;
    ck_assert_int_eq(trec_split_mark(&m, "m", &o, mark, &st, &err), 0);
    ck_assert_int_eq(st.cut, 1);
    ck_assert_uint_eq(st.test_nnz, 10);
    trec_csr_free(&m);
}
END_TEST

/* Ties at the cut all go to test. */
START_TEST(time_fraction_ties)
{
    int r[5] = {0, 0, 0, 0, 0}, c[5] = {0, 1, 2, 3, 4};
    int64_t t[5] = {2, 1, 3, 2, 2};
    trec_csr m;
    build(&m, 1, 5, 5, r, c, NULL, t);
    uint8_t mark[5];
    trec_error err;
    trec_split_stats st;
    trec_split_opts o = opts(TREC_SPLIT_TIME_FRACTION, 0.4, 0);
    ck_assert_int_eq(trec_split_mark(&m, "m", &o, mark, &st, &err), 0);
    ck_assert_int_eq(st.cut, 2);
    uint8_t want[5] = {1, 0, 1, 1, 1};
    ck_assert_mem_eq(mark, want, 5);
    trec_csr_free(&m);
}
END_TEST

/* Timestamps at the ends of the int64 range and negative ones. */
START_TEST(time_fraction_extremes)
{
    int r[6] = {0, 0, 0, 0, 0, 0}, c[6] = {0, 1, 2, 3, 4, 5};
    int64_t t[6] = {3, INT64_MAX, -5, INT64_MIN, 0, -5};
    trec_csr m;
    build(&m, 1, 6, 6, r, c, NULL, t);
    uint8_t mark[6];
    trec_error err;
    trec_split_stats st;
    trec_split_opts o = opts(TREC_SPLIT_TIME_FRACTION, 0.5, 0);
    ck_assert_int_eq(trec_split_mark(&m, "m", &o, mark, &st, &err), 0);
    ck_assert_int_eq(st.cut, 0);
    uint8_t want[6] = {1, 1, 0, 0, 1, 0};
    ck_assert_mem_eq(mark, want, 6);
    o.fraction = 5.0 / 6;
    ck_assert_int_eq(trec_split_mark(&m, "m", &o, mark, &st, &err), 0);
    ck_assert_int_eq(st.cut, -5);
    o.fraction = 1;
    ck_assert_int_eq(trec_split_mark(&m, "m", &o, mark, &st, &err), 0);
    ck_assert(st.cut == INT64_MIN);
    o.fraction = 1.0 / 6;
    ck_assert_int_eq(trec_split_mark(&m, "m", &o, mark, &st, &err), 0);
    ck_assert(st.cut == INT64_MAX);
    ck_assert_uint_eq(st.test_nnz, 1);
    trec_csr_free(&m);
}
END_TEST

static const uint64_t row_off[] = {0, 1, 3, 6, 7};
static const uint64_t col_off[] = {0, 1, 2, 3, 4, 5, 6};

START_TEST(shape_labels_and_empty_rows_kept)
{
    /* 4 rows (the last empty), 6 columns (the last two unused) */
    int r[] = {0, 0, 1, 1, 2};
    int c[] = {0, 3, 1, 2, 0};
    int64_t t[] = {1, 2, 3, 4, 5};
    trec_csr m, tr, te;
    build(&m, 4, 6, 5, r, c, NULL, t);
    m.row_labels = (trec_labels){4, row_off, "abbcccd"};
    m.col_labels = (trec_labels){6, col_off, "uvwxyz"};
    for (int mode = TREC_SPLIT_RANDOM; mode <= TREC_SPLIT_TIME_FRACTION; mode++) {
        trec_error err;
        trec_split_stats st;
        trec_split_opts o = {.mode = mode, .fraction = 0.4, .seed = 3, .k = 1, .cut = 3};
        ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), 0);
        check_partition(&m, &tr, &te);
        ck_assert(tr.row_labels.blob == m.row_labels.blob);
        ck_assert_uint_eq(tr.row_labels.count, 4);
        ck_assert_uint_eq(te.col_labels.count, 6);
        ck_assert(te.col_labels.offsets == m.col_labels.offsets);
        ck_assert_int_eq(trec_csr_validate(&tr, "train", &err), 0);
        ck_assert_int_eq(trec_csr_validate(&te, "test", &err), 0);
        trec_csr_free(&tr);
        trec_csr_free(&te);
    }
    trec_csr_free(&m);
}
END_TEST

START_TEST(empty_matrix)
{
    trec_csr m, tr, te;
    trec_error err;
    trec_split_stats st;
    build(&m, 3, 2, 0, NULL, NULL, NULL, (int64_t[]){0});
    for (int mode = TREC_SPLIT_RANDOM; mode <= TREC_SPLIT_TIME_FRACTION; mode++) {
        trec_split_opts o = {.mode = mode, .fraction = 0.5, .k = 1};
        ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), 0);
        ck_assert_uint_eq(tr.nnz + te.nnz, 0);
        ck_assert_uint_eq(tr.rows, 3);
        trec_csr_free(&tr);
        trec_csr_free(&te);
    }
    trec_csr_free(&m);
}
END_TEST

START_TEST(errors)
{
    int r[] = {0, 1}, c[] = {0, 1};
    trec_csr m, tr, te;
    trec_error err;
    trec_split_stats st;
    build(&m, 2, 2, 2, r, c, NULL, NULL);
    enum trec_split_mode timed[] = {TREC_SPLIT_LEAVE_LAST, TREC_SPLIT_TIME_CUT,
                                    TREC_SPLIT_TIME_FRACTION};
    for (int i = 0; i < 3; i++) {
        trec_split_opts o = {.mode = timed[i], .fraction = 0.2, .k = 1};
        ck_assert_int_eq(trec_split(&m, "in.csr", &o, &tr, &te, &st, &err), -1);
        ck_assert_ptr_nonnull(strstr(err.msg, "in.csr: has no timestamps"));
        ck_assert_ptr_null(tr.rowptr);
        ck_assert_ptr_null(te.rowptr);
    }
    trec_split_opts o = opts(TREC_SPLIT_RANDOM, 1.5, 1);
    ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "not in [0, 1]"));
    o.fraction = NAN;
    ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), -1);
    o.fraction = -0.1;
    o.mode = TREC_SPLIT_BY_USER;
    ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), -1);
    trec_csr_free(&m);
    build(&m, 2, 2, 2, r, c, NULL, (int64_t[]){1, 2});
    o = (trec_split_opts){.mode = TREC_SPLIT_LEAVE_LAST, .k = 0};
    ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "k >= 1"));
    trec_csr_free(&m);
}
END_TEST

/* Scratch directory for the write tests. */
static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/trec-test-split.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static int count_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void same_matrix(const trec_csr *a, const trec_csr *b)
{
    ck_assert_uint_eq(a->rows, b->rows);
    ck_assert_uint_eq(a->cols, b->cols);
    ck_assert_uint_eq(a->nnz, b->nnz);
    ck_assert_mem_eq(a->rowptr, b->rowptr, 8 * (a->rows + 1));
    ck_assert_mem_eq(a->colidx, b->colidx, 4 * a->nnz);
    ck_assert_mem_eq(a->vals, b->vals, 4 * a->nnz);
    ck_assert_mem_eq(a->times, b->times, 8 * a->nnz);
    ck_assert_uint_eq(a->row_labels.count, b->row_labels.count);
    ck_assert_mem_eq(a->row_labels.blob, b->row_labels.blob, a->row_labels.offsets[a->rows]);
}

START_TEST(write_both)
{
    trec_csr m, tr, te, back;
    trec_error err;
    trec_split_stats st;
    random_matrix(&m, 4, 6, 0.9, 2);
    m.row_labels = (trec_labels){4, row_off, "abbcccd"};
    m.col_labels = (trec_labels){6, col_off, "uvwxyz"};
    trec_split_opts o = opts(TREC_SPLIT_RANDOM, 0.3, 1);
    ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), 0);
    make_dir();
    char ptr[128], pte[128];
    snprintf(ptr, sizeof ptr, "%s/train.csr", dir);
    snprintf(pte, sizeof pte, "%s/test.csr", dir);
    ck_assert_int_eq(trec_split_write(&tr, ptr, &te, pte, &err), 0);
    ck_assert_int_eq(count_files(), 2); /* no temporary files left */
    ck_assert_int_eq(trec_csr_read(ptr, &back, &err), 0);
    same_matrix(&tr, &back);
    trec_csr_free(&back);
    ck_assert_int_eq(trec_csr_read(pte, &back, &err), 0);
    same_matrix(&te, &back);
    trec_csr_free(&back);
    remove_dir();
    trec_csr_free(&tr);
    trec_csr_free(&te);
    trec_csr_free(&m);
}
END_TEST

/* When the second output cannot be written, the first is not written either
 * and an existing file there is left as it was. */
START_TEST(write_failure_leaves_both_untouched)
{
    trec_csr m, tr, te;
    trec_error err;
    trec_split_stats st;
    random_matrix(&m, 5, 5, 0.5, 4);
    trec_split_opts o = opts(TREC_SPLIT_RANDOM, 0.3, 1);
    ck_assert_int_eq(trec_split(&m, "m", &o, &tr, &te, &st, &err), 0);
    make_dir();
    char ptr[128], pte[128];
    snprintf(ptr, sizeof ptr, "%s/train.csr", dir);
    snprintf(pte, sizeof pte, "%s/missing/test.csr", dir);
    ck_assert_int_eq(trec_split_write(&tr, ptr, &te, pte, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "missing/test.csr"));
    ck_assert_int_eq(count_files(), 0);
    FILE *fp = fopen(ptr, "w");
    fputs("old", fp);
    fclose(fp);
    ck_assert_int_eq(trec_split_write(&tr, ptr, &te, pte, &err), -1);
    ck_assert_int_eq(count_files(), 1);
    char buf[16] = {0};
    fp = fopen(ptr, "r");
    ck_assert_uint_eq(fread(buf, 1, sizeof buf, fp), 3);
    fclose(fp);
    ck_assert_str_eq(buf, "old");
    /* the first output failing: nothing written either */
    snprintf(pte, sizeof pte, "%s/test.csr", dir);
    snprintf(ptr, sizeof ptr, "%s/missing/train.csr", dir);
    ck_assert_int_eq(trec_split_write(&tr, ptr, &te, pte, &err), -1);
    ck_assert_int_eq(count_files(), 1);
    ck_assert_int_eq(trec_split_write(&tr, "-", &te, "-", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "both"));
    remove_dir();
    trec_csr_free(&tr);
    trec_csr_free(&te);
    trec_csr_free(&m);
}
END_TEST

static Suite *split_suite(void)
{
    Suite *s = suite_create("split");
    TCase *tc = tcase_create("split");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, random_is_a_partition);
    tcase_add_test(tc, random_fraction_is_exact);
    tcase_add_test(tc, random_fraction_rounds_halves_up);
    tcase_add_test(tc, seed_decides);
    tcase_add_test(tc, random_choice_is_uniform);
    tcase_add_test(tc, by_user_fraction_per_row);
    tcase_add_test(tc, by_user_rows_are_independent);
    tcase_add_test(tc, leave_last_takes_the_latest);
    tcase_add_test(tc, leave_last_partition_and_counts);
    tcase_add_test(tc, leave_last_ties);
    tcase_add_test(tc, time_cut_boundary);
    tcase_add_test(tc, time_fraction_cut);
    tcase_add_test(tc, time_fraction_ties);
    tcase_add_test(tc, time_fraction_extremes);
    tcase_add_test(tc, shape_labels_and_empty_rows_kept);
    tcase_add_test(tc, empty_matrix);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, write_both);
    tcase_add_test(tc, write_failure_leaves_both_untouched);
    suite_add_tcase(s, tc);
    return s;
}

TREC_CHECK_MAIN(split_suite)
