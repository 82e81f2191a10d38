/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* internal.h - for the tests only: the public API (trec.h) and the library's
 * internal headers, whose concepts the unit tests check one by one. */
#ifndef TREC_TEST_INTERNAL_H
#define TREC_TEST_INTERNAL_H

#include "trec.h"

#include "adam.h"
#include "crc32.h"
#include "ingest_reader.h"
#include "linalg.h"
#include "loss_rmse.h"
#include "loss_separation.h"
#include "loss_wmrb.h"
#include "model_item_item.h"
#include "number.h"
#include "parallel.h"
#include "prediction.h"
#include "representation.h"
#include "rng.h"
#include "score_kind.h"

#endif
