/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* tensorrec.h - the tensorrec algorithm's test hook (internal; the
 * algorithm itself is reached through trec_fit, fit.h). */
#ifndef TREC_TENSORREC_H
#define TREC_TENSORREC_H

#include <stdint.h>

#include "fit.h"

/* For tests: the loss of batch `batch` (0 with no --batch-users) at m's
 * weights and its gradient (without the L2 penalty, and with the item sample
 * of random stream `stream`), written into the weight arrays of grad, a
 * model of the same shape. m's shape must be what trec_fit would make of
 * cfg; min_rating is not applied. */
int trec_tensorrec_gradient(const trec_fit_config *cfg, const trec_csr *x,
                            const trec_csr *user_extra, const trec_csr *item_extra,
                            trec_model *m, uint64_t batch, uint64_t stream, double *loss,
                            trec_model *grad, trec_error *err);

#endif
