/* fit.h - fitting a model (trec-fit(1)): configuration, initialisation, the
 * training loop (full batch or user mini-batches, Adam), progress reports,
 * and the model's META provenance.
 *
 * One step on a batch of users: the item representations and biases are
 * computed for all items and the users' for the batch; the loss and its
 * gradient with respect to the scores are computed, pushed back through the
 * prediction and representation functions to the weights, the L2 penalty
 * alpha * sum(w^2)/2 over every weight array (TensorRec's tf.nn.l2_loss) is
 * added, and Adam takes one step. An epoch is one step per batch. */
#ifndef TREC_FIT_H
#define TREC_FIT_H

#include <stdint.h>

#include "container.h"
#include "csr.h"
#include "error.h"
#include "model.h"

enum trec_loss {
    TREC_LOSS_RMSE = 0,
    TREC_LOSS_RMSE_DENSE,
    TREC_LOSS_WMRB,
    TREC_LOSS_BALANCED_WMRB,
    TREC_LOSS_SEPARATION,
    TREC_LOSS_SEPARATION_DENSE,
    TREC_LOSS_COUNT
};

const char *trec_loss_name(int loss);      /* "rmse", "wmrb", ... */
int trec_loss_from_name(const char *name); /* -1 if unknown */
int trec_loss_is_sampled(int loss);        /* wmrb, balanced-wmrb */

typedef struct trec_fit_progress {
    uint64_t epoch, epochs; /* epochs done in this run, and to do */
    double loss;            /* the epoch's loss (mean over its batches) */
    double penalty;         /* alpha * L2 of the weights, at the last batch */
} trec_fit_progress;

#define TREC_FIT_DEFAULT_SEED 1u
#define TREC_FIT_MAX_SEED 9007199254740991ull /* 2^53 - 1: exact in JSON */

typedef struct trec_fit_config {
    uint64_t components;        /* k, default 100 */
    uint32_t predict;           /* enum trec_predict, default dot */
    int loss;                   /* enum trec_loss, default rmse */
    int biases;                 /* default 1 */
    uint32_t user_repr, item_repr; /* enum trec_repr, default linear */
    int user_identity, item_identity; /* default 1 */
    uint64_t hidden;            /* relu hidden size; 0: 4 x components */
    double learning_rate;       /* default 0.1 */
    double alpha;               /* default 1e-5 */
    uint64_t epochs;            /* default 100 */
    uint64_t batch_users;       /* 0: all users in one batch */
    uint64_t sampled_items;     /* 0: 1% of the items (at least 1) */
    int sample_unobserved;      /* wmrb samples skip the user's positives */
    int has_min_rating;         /* train on values >= min_rating only */
    double min_rating;
    uint64_t seed;              /* default TREC_FIT_DEFAULT_SEED */
    int threads;                /* >= 1 */
    void (*progress)(void *ctx, const trec_fit_progress *p); /* per epoch */
    void *progress_ctx;
} trec_fit_config;

void trec_fit_config_default(trec_fit_config *c);

typedef struct trec_fit_result {
    double loss, penalty;       /* of the last epoch */
    uint64_t epochs_before;     /* from the --init model's META (0 if none) */
    uint64_t sampled_items;     /* used (0 if the loss samples none) */
    uint64_t batches;           /* steps per epoch */
    uint64_t interactions;      /* entries trained on (after min_rating) */
    uint64_t diverged_epoch;    /* 1-based epoch of divergence, else 0 */
} trec_fit_result;

/* Fits a model on interactions x (users x items) with optional metadata
 * feature matrices (rows aligned to x's rows / columns: check them first with
 * trec_features_check) and, when init is not NULL, starting from its weights
 * (its shape, representations, prediction and feature labels must match).
 * On success *out holds the weights, final representations, summed biases
 * and labels (shared with x and the feature matrices, which must outlive
 * out); out->meta_json is left NULL. A loss that becomes NaN or infinite
 * fails with "loss diverged at epoch N" (res->diverged_epoch = N). */
int trec_fit(const trec_fit_config *cfg, const trec_csr *x, const trec_csr *user_extra,
             const trec_csr *item_extra, const trec_model *init, trec_model *out,
             trec_fit_result *res, trec_error *err);

/* For tests: the loss of batch `batch` (0 with no --batch-users) at m's
 * weights and its gradient (without the L2 penalty, and with the item sample
 * of random stream `stream`), written into the weight arrays of grad, a
 * model of the same shape. m's shape must be what trec_fit would make of
 * cfg; min_rating is not applied. */
int trec_fit_gradient(const trec_fit_config *cfg, const trec_csr *x,
                      const trec_csr *user_extra, const trec_csr *item_extra,
                      trec_model *m, uint64_t batch, uint64_t stream, double *loss,
                      trec_model *grad, trec_error *err);



/* Provenance of one input file: name, size and the CRC-32 stored in its
 * header (which covers the section table and so every section's CRC). */
typedef struct trec_fit_input {
    const char *name;  /* NULL: not given */
    uint64_t size;
    uint32_t header_crc;
} trec_fit_input;

typedef struct trec_fit_inputs {
    trec_fit_input interactions, user_features, item_features, init;
} trec_fit_inputs;

/* Fills in from a container read from file `name` (NULL file: size 0). */
void trec_fit_input_set(trec_fit_input *in, const char *name, const trec_container *file);

/* The META JSON object (fixed key order, no dates): hyper-parameters, the
 * resolved sizes, provenance and the final loss. Caller frees. */
char *trec_fit_meta_json(const trec_fit_config *cfg, const trec_fit_result *res,
                         const trec_model *m, const trec_fit_inputs *in, trec_error *err);

/* Epochs recorded in a model's META ("epochs_total"), 0 if absent. */
uint64_t trec_fit_model_epochs(const trec_model *m);

#endif
