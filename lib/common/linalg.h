/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* linalg.h - dense linear algebra for the closed-form fits (EASE, ALS).
 *
 * Two families, one convention: matrices are float, row-major, with a
 * leading dimension (lda = distance in floats between consecutive rows,
 * >= the number of columns). "Lower" means the lower triangle including
 * the diagonal: element (i, j) with j <= i at a[i * lda + j].
 *
 * 1. trec_spd_inverse: the inverse of a large symmetric positive-definite
 *    matrix in place (EASE's P = (X^T X + lambda I)^-1), a blocked Cholesky
 *    and inversion on BLIS level-3 calls, multithreaded through BLIS.
 * 2. Small k x k kernels (k ~ 8..256) for ALS's per-row solves: no
 *    allocation, no BLIS call, single-threaded (callers run many rows in
 *    parallel). Their hot loops are compiled for AVX2+FMA and for baseline
 *    x86-64 and picked at load time, so results are the same from run to
 *    run on one machine but may differ in the last bits between machines.
 *
 * Every function is deterministic: the same input (and, for
 * trec_spd_inverse, the same thread count - see there) gives the same
 * bytes. Functions that can fail return 0 / -1 and fill err. */
#ifndef TREC_LINALG_H
#define TREC_LINALG_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* ---- Large SPD inverse ------------------------------------------------ */

/* Block size of trec_spd_inverse (tuned with tests/bench/linalg-bench.c). */
#define TREC_SPD_INVERSE_BLOCK 256

/* Bytes trec_spd_inverse needs for an n x n matrix with `threads` threads:
 * the matrix itself (4 n^2), its scratch (4 n + 8 block) and an estimate
 * of BLIS's packing buffers for that thread count (from BLIS's block
 * sizes on this machine). Callers compare it with their memory budget
 * before building the matrix. Returns SIZE_MAX if it does not fit a
 * size_t. */
size_t trec_spd_inverse_bytes(size_t n, int threads);

/* Replaces the symmetric positive-definite n x n matrix g (row-major,
 * lda = n, both triangles stored; only the lower triangle is read) with
 * its inverse, both triangles written (exactly symmetric). About n^3
 * flops: Cholesky G = L L^T, then L := L^-1, then P = L^-T L^-1, each
 * blocked (block TREC_SPD_INVERSE_BLOCK) with the large updates in BLIS
 * level-3 calls (trsm, syrk, trmm, gemm) run on `threads` threads (< 1
 * means 1) through a local BLIS runtime object (the global BLIS thread
 * setting is not touched; the call is thread-safe).
 *
 * Determinism: the result depends only on g, n, the block size and this
 * machine's BLIS kernels - not on `threads`, because BLIS splits only
 * the output dimensions between threads, never a sum (see linalg_chol.c).
 *
 * Errors: if a pivot of the Cholesky factorization is not positive (g is
 * not positive definite, or not numerically so, or holds a NaN), returns
 * -1 with a message naming the pivot's row (0-based) and value, and g is
 * restored to its input (from the upper triangle, which the
 * factorization leaves untouched). If the inverse overflows (g singular
 * to working precision) returns -1; g then holds garbage. Also fails if
 * the scratch (4 n + 8 block bytes) cannot be allocated (g untouched). */
int trec_spd_inverse(float *g, size_t n, int threads, trec_error *err);

/* trec_spd_inverse with a chosen block size (>= 1; for tests and
 * tuning). */
int trec_spd_inverse_ex(float *g, size_t n, size_t block, int threads,
                        trec_error *err);

/* ---- Small dense kernels (ALS) ---------------------------------------- */

/* Sum of x[i] * y[i], i < k. */
float trec_dot(const float *x, const float *y, size_t k);

/* y[i] += a * x[i], i < k. x and y must not overlap. */
void trec_axpy(float a, const float *x, float *y, size_t k);

/* y = A x for a symmetric k x k matrix A (row-major, lda) stored in full:
 * both triangles are read (row i of A times x), which vectorises better
 * than a one-triangle symv at these sizes. y must not overlap A or x. */
void trec_symv(const float *a, size_t k, size_t lda, const float *x, float *y);

/* Cholesky factorization in place: the lower triangle of a (k x k,
 * row-major, lda) becomes L with A = L L^T; the strict upper triangle is
 * neither read nor written. Returns k on success, else the index of the
 * first pivot that is not positive (or NaN), storing the pivot's value
 * in *bad_value if bad_value is not NULL; rows from that index on are
 * then partly overwritten. */
size_t trec_chol_lower(float *a, size_t k, size_t lda, float *bad_value);

/* trec_chol_lower with the library's error convention: 0, or -1 with
 * "matrix is not positive definite: pivot I is V". */
int trec_chol_factor(float *a, size_t k, size_t lda, trec_error *err);

/* Solves L L^T x = b in place (x holds b on entry), with L the factor
 * written by trec_chol_lower (lower triangle of l, lda). */
void trec_chol_solve(const float *l, size_t k, size_t lda, float *x);

/* The rows one ALS subproblem sees: n rows y_j of a row-major factor
 * matrix of k columns, each with a weight c_j in the system matrix and a
 * coefficient d_j in the right-hand side:
 *     A = YtY + reg I + sum_j c_j y_j y_j^T,    b = sum_j d_j y_j.
 * For implicit-feedback ALS with confidence conf_j = 1 + alpha r_j and
 * preference p_j: c_j = conf_j - 1 and d_j = conf_j p_j.
 * Row j is y + idx[j] * ldy (or y + j * ldy if idx is NULL). c or d NULL
 * means all zero. A must be positive definite (reg > 0 and c_j >= 0 make
 * sure of it when YtY is a Gram matrix). */
typedef struct trec_als_rows {
    const float *y;      /* base of the factor matrix */
    size_t ldy;          /* its row stride, >= k */
    const uint32_t *idx; /* n row indices, or NULL */
    const float *c;      /* n weights in A, or NULL */
    const float *d;      /* n coefficients of b, or NULL */
    size_t n;
} trec_als_rows;

/* Builds a = YtY + reg I + sum_j c_j y_j y_j^T (a and yty k x k, lda = k,
 * yty stored in full, both triangles) and b = sum_j d_j y_j (k floats).
 * Only a's lower triangle is specified on return (what trec_chol_lower
 * reads); the rest of a is scratch (some upper entries are written). a
 * and b must not overlap the inputs. */
void trec_als_build(const float *yty, size_t k, float reg,
                    const trec_als_rows *rows, float *a, float *b);

/* The exact ALS row solve: x = A^-1 b (see trec_als_rows) through
 * trec_als_build, trec_chol_lower and trec_chol_solve (yty in full).
 * work: k * k floats. With no rows (n == 0) x is set to 0 (b is 0). Fails (x then
 * unspecified) if A is not positive definite. */
int trec_als_solve_exact(const float *yty, size_t k, float reg,
                         const trec_als_rows *rows, float *work, float *x,
                         trec_error *err);

/* The conjugate-gradient ALS row solve (implicit's least_squares_cg):
 * `steps` CG iterations on A x = b (see trec_als_rows), warm-started
 * from x, without forming A: each iteration costs one k x k product with
 * yty (stored in full, both triangles) plus a dot and an axpy per row.
 * Stops early when the squared residual norm falls below 1e-20 or the
 * search direction stops being a descent direction (p^T A p <= 0). With
 * no rows (n == 0) x is set to 0, the exact solution. work: 3 * k floats.
 * More steps converge to the trec_als_solve_exact solution (k steps
 * suffice in exact arithmetic). */
void trec_als_solve_cg(const float *yty, size_t k, float reg,
                       const trec_als_rows *rows, int steps, float *work,
                       float *x);

#endif
