/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* als.h - the pieces of implicit ALS (als.c) that the distributed driver
 * (lib/mpi/als_mpi.c) shares with the single-process fit (internal to
 * lib/train and lib/mpi), so that both compute every number the same way.
 *
 * A half-iteration solves the rows of one side against the other side's
 * factors, which are fixed: the Gram matrix Y'Y of the fixed side is the
 * sum of per-chunk partials (TREC_ALS_GRAM_CHUNK rows of Y each) added in
 * chunk order, whoever computed them; rows are solved in tasks of
 * TREC_ALS_ROWS_PER_TASK rows, and each task's part of the loss is summed
 * over its rows in order. The single-process fit adds the tasks' losses in
 * task order; a driver that gives each process whole tasks (blocks of rows
 * starting at multiples of TREC_ALS_ROWS_PER_TASK) and the same chunks
 * reproduces every sum bit for bit. */
#ifndef TREC_ALS_H
#define TREC_ALS_H

#include <stdint.h>

#include "csr.h"
#include "error.h"
#include "fit.h"
#include "model.h"

/* Its own options (its row of the algorithm table, als.c) and settings:
 * their slots of trec_fit_config.param. */
enum trec_als_param {
    TREC_ALS_LAMBDA_EXPONENT,   /* lambda_u = lambda (weight_u)^exponent */
    TREC_ALS_CONFIDENCE,        /* enum trec_confidence */
    TREC_ALS_CONFIDENCE_SCALE,  /* the scale in the confidence formula */
    TREC_ALS_SOLVER,            /* enum trec_solver */
    TREC_ALS_CG_STEPS,          /* conjugate-gradient steps per row */
    TREC_ALS_OPTIONS,           /* the options above; then settings no option sets: */
    TREC_ALS_CONFIDENCE_EPS = TREC_ALS_OPTIONS, /* eps of the log form (1) */
};

/* How ALS turns a training weight w into a confidence (--confidence). */
enum trec_confidence {
    TREC_CONFIDENCE_LINEAR = 0, /* c = 1 + scale w */
    TREC_CONFIDENCE_LOG = 1,    /* c = 1 + scale log(1 + w / eps) */
};

/* --solver */
enum trec_solver { TREC_SOLVER_CG = 0, TREC_SOLVER_CHOLESKY = 1 };

#define TREC_ALS_ROWS_PER_TASK 128
#define TREC_ALS_GRAM_CHUNK 4096

#define TREC_ALS_SOLVE_FAILED "out of memory, or a row's system is not positive definite " \
    "(try a larger --lambda)"
#define TREC_ALS_NO_DATA "no interactions to train on"

/* One half-iteration: solve the rows of `x` (n_rows x k) against the fixed
 * factors `y` (n_cols x k), with the interactions in CSR `m` (n_rows rows;
 * column j is row j of y). */
typedef struct trec_als_half {
    const trec_fit_config *cfg;
    const trec_csr *m;
    float *x;
    const float *y;
    uint64_t n_rows, n_cols, k;
    float *yty;               /* k x k, both triangles */
    float *partials;          /* n_chunks x k x k: Gram chunks */
    uint64_t n_chunks;        /* trec_als_chunks(n_cols) */
    double *row_loss;         /* per task of m's rows */
    int with_data;            /* the loss's data term too, not only the penalty */
    int failed;
} trec_als_half;

/* The confidence of training weight w (trec-fit(1)). */
float trec_als_confidence(const trec_fit_config *cfg, float w);
/* Gram chunks of a side of n rows. */
uint64_t trec_als_chunks(uint64_t n);
/* Partials of chunks [c0, c1) into H->partials (chunk c at c k^2), from
 * H->y, on cfg->threads threads. */
void trec_als_gram_partials(trec_als_half *H, uint64_t c0, uint64_t c1);
/* H->yty = the sum of all H->n_chunks partials in chunk order, made exactly
 * symmetric. */
void trec_als_gram_sum(trec_als_half *H);
/* Solves every row of H->m into H->x (warm-started from it), then writes
 * each task's loss into H->row_loss: -1 if a row failed
 * (TREC_ALS_SOLVE_FAILED). */
int trec_als_solve(trec_als_half *H);
/* norm + the extra confidence (c - 1) of x's entries, added in order. */
double trec_als_norm_add(const trec_fit_config *cfg, const trec_csr *x, double norm);

/* The model's shape (identity factors, dot, no biases), allocated; labels
 * shared. */
int trec_als_make_model(uint64_t n_users, uint64_t n_items, uint64_t k,
                        const trec_labels *user_labels, const trec_labels *item_labels,
                        trec_model *m, trec_error *err);
/* --init must be an ALS model of m's shape. */
int trec_als_check_init(const trec_model *init, const trec_model *m, trec_error *err);
/* The initial factors (n x k each) from cfg->seed: users, then items. */
void trec_als_init_factors(const trec_fit_config *cfg, float *uf, uint64_t n_users, float *itf,
                           uint64_t n_items, uint64_t k);

#endif
