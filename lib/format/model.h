/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* model.h - a fitted model in memory and in model files (container kind 2,
 * specified in trec-formats(5)).
 *
 * A model is of one of these kinds (MDIM word 13), each with its own
 * sections and its own scorer (lib/serve/score.h):
 *
 * factors (0): user u and item i score
 *     score(u, i) = predict(user_repr[u], item_repr[i]) + user_bias[u] + item_bias[i]
 * where the representations are computed from each side's features by its
 * representation function, and a side's bias is the sum of its features'
 * learned biases. Every trainer but EASE makes one (TensorRec's Adam trainer,
 * SGD ranking losses, ALS). A model file carries everything trec-fit learned
 * (to train more with --init) and the final representations and biases, so
 * trec-eval and trec-recommend need no feature files for known users and
 * items. Sections: UREP/IREP (f32 n x k, row-major), UBIA/IBIA (f32 n), and
 * per side the learned parameters: UW1_/IW1_ (f32 n_features x w1_cols),
 * UB1_/IB1_ (f32 hidden), UW2_/IW2_ (f32 hidden x k), UFB_/IFB_ (f32
 * n_features, feature biases), UFLB/IFLB (labels of the metadata features,
 * when any), and optionally the optimiser state: ADAM (u64 step count, u64
 * n), ADMM and ADMV (f32 n: Adam's first and second moments of every
 * parameter, in the order user W1, b1, W2, feature biases, then the same for
 * items).
 *
 * item-item (1): a user's score is its history row times an item-item
 * weight matrix B (EASE). Its sections (IIAC, IIMX or DUAK/DUAC/DUAW,
 * HPTR/HIDX/HVAL) are specified in trec-formats(5); its data in memory is
 * private to its files (lib/format/model_item_item.h, which also describes
 * them).
 *
 * Every kind has META (JSON: hyper-parameters and provenance), MDIM (u64 x
 * 16: users, items, then the kind's shape words) and ULAB/ILAB (user/item
 * labels). */
#ifndef TREC_MODEL_H
#define TREC_MODEL_H

#include <stdint.h>
#include <stdio.h>

#include "container.h"
#include "error.h"
#include "labels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Model kinds: how a model scores (see above). */
enum trec_model_kind {
    TREC_MODEL_FACTORS = 0,
    TREC_MODEL_ITEM_ITEM = 1,
    TREC_MODEL_KIND_COUNT
};

const char *trec_model_kind_name(uint32_t kind); /* "factors", "item-item" */

/* Representation functions (features -> representation). */
enum trec_repr {
    TREC_REPR_LINEAR = 0,            /* F W                          */
    TREC_REPR_NORMALIZED_LINEAR = 1, /* F W, rows scaled to length 1 */
    TREC_REPR_PASS_THROUGH = 2,      /* F itself (k = n_features)    */
    TREC_REPR_WEIGHTED_PASS_THROUGH = 3, /* F diag(w) (k = n_features) */
    TREC_REPR_RELU = 4,              /* relu(F W1 + b1) W2           */
    TREC_REPR_COUNT
};

/* Prediction functions (pair of representations -> score). */
enum trec_predict {
    TREC_PREDICT_DOT = 0,
    TREC_PREDICT_COSINE = 1,
    TREC_PREDICT_EUCLIDEAN = 2,      /* negative Euclidean distance */
    TREC_PREDICT_COUNT
};

const char *trec_repr_name(uint32_t repr);       /* "linear", ... */
int trec_repr_from_name(const char *name);        /* -1 if unknown */
const char *trec_predict_name(uint32_t predict);  /* "dot", ... */
int trec_predict_from_name(const char *name);

/* One side (users or items): its features and learned parameters. Features
 * are the identity block (one per user/item, when identity is set) followed
 * by n_extra metadata features. */
typedef struct trec_side {
    uint32_t repr;
    int identity;
    uint64_t n_features;      /* (identity ? n_entities : 0) + n_extra */
    uint64_t n_extra;
    uint64_t hidden;          /* relu only, else 0 */
    trec_labels extra_labels; /* n_extra labels, or count 0 */
    float *w1;                /* n_features x w1_cols, or NULL */
    float *b1;                /* hidden, or NULL */
    float *w2;                /* hidden x k, or NULL */
    float *feature_bias;      /* n_features, or NULL when biases are off */
} trec_side;

/* Shapes of a side's parameters for k components. */
uint64_t trec_side_w1_cols(const trec_side *s, uint64_t k);

typedef struct trec_model {
    uint32_t kind;                        /* enum trec_model_kind */
    uint64_t n_users, n_items;
    /* The kind's own data (NULL for factors), private to its files: a block
     * owned by the model, allocated, copied and freed through the kind's
     * entry in the table of kinds (model.c). */
    void *kind_data;
    /* The factors kind (k = 0 and every field below zero for the others). */
    uint64_t k;
    uint32_t predict;
    int biases;
    trec_side user, item;
    trec_labels user_labels, item_labels; /* count 0: absent */
    float *user_repr, *item_repr;         /* n x k, row-major */
    float *user_bias, *item_bias;         /* n (zeros when biases are off) */
    char *meta_json;                      /* NUL-terminated JSON object */
    /* Optimiser state, so that trec-fit --init continues a fit exactly:
     * Adam's step count and moments of the parameters (adam_n = 0: none). */
    uint64_t adam_t, adam_n;
    float *adam_m, *adam_v;

    /* Read by trec_model_map: only what scoring needs (the factors kind's
     * side parameters and optimiser state are not loaded: NULL, adam_n 0);
     * such a model cannot be written. */
    int scoring_only;
    /* Read by trec_model_map_queries from a file with chunk checksums: the
     * per-user rows (factors: user representations and biases) are
     * checked only when trec_model_use_users names them. */
    int users_lazy;

    /* Ownership (private). */
    trec_container file;
    void *owned[24];
    int nowned;
} trec_model;

/* Allocates every array for the shapes and kinds already set in m (factors:
 * n_users, n_items, k, predict, biases, user/item repr, identity, n_extra,
 * hidden; the other kinds: n_users, n_items and the shapes in their own
 * data); parameters and outputs are zeroed. Labels are not touched. */
int trec_model_alloc(trec_model *m, trec_error *err);
/* Hands a malloc'd block to m, to be freed with it. */
int trec_model_own(trec_model *m, void *block, trec_error *err);
/* Number of learned parameters (weights and biases of both sides). */
uint64_t trec_model_param_count(const trec_model *m);
/* Allocates zeroed optimiser moments for every parameter. */
int trec_model_alloc_adam(trec_model *m, trec_error *err);
void trec_model_free(trec_model *m);
/* dst = a copy of src that owns its arrays (labels are shared: src's must
 * outlive dst); written out, it gives the same bytes as src. */
int trec_model_copy(trec_model *dst, const trec_model *src, trec_error *err);

/* Checks shapes, kinds, label counts and that every number is finite. */
int trec_model_validate(const trec_model *m, const char *name, trec_error *err);

/* Writes m atomically ("-": stdout). meta_json may be NULL ("{}"). */
int trec_model_write(const char *path, const trec_model *m, trec_error *err);
/* Reads and validates a model file ("-": stdin). */
int trec_model_read(const char *path, trec_model *m, trec_error *err);
int trec_model_from_container(trec_container *c, trec_model *m, trec_error *err);
/* Reads what scoring (trec-eval, trec-recommend) needs from a model file:
 * the file is mapped, not read, and the sections scoring does not use (the
 * factors kind's learned feature weights, which repeat the representations
 * for identity features, and the optimiser state) are neither checksummed
 * nor loaded; everything used is checked as by trec_model_read. A stream
 * ("-") is read whole. Cold start (features) needs trec_model_read. */
int trec_model_map(const char *path, trec_model *m, trec_error *err);
/* trec_model_map for ranking a few known users: when the file has chunk
 * checksums (trec-formats(5)), the per-user sections are neither
 * checksummed nor checked for finite numbers here (m->users_lazy), and
 * the caller must pass every user it will score to trec_model_use_users
 * before scoring them. A single query then reads a chunk of the user
 * section instead of all of it. */
int trec_model_map_queries(const char *path, trec_model *m, trec_error *err);
/* Verifies the rows of users[0..n) (their chunks' checksums, their numbers
 * finite) of a model read by trec_model_map_queries; 0 at once for other
 * models. */
int trec_model_use_users(trec_model *m, const uint64_t *users, uint64_t n, trec_error *err);

/* Describes m for people (trec-info): "name: value" lines on text, or the
 * same as members of the JSON object json (exactly one of them non-NULL). */
struct cJSON;
void trec_model_describe(const trec_model *m, FILE *text, struct cJSON *json);

#ifdef __cplusplus
}
#endif

#endif
