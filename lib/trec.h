/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* trec.h - the libtrec API, the one header a program using libtrec includes
 * (installed with the headers below in include/trec/). Each header documents
 * one concept; see trec(7) for the overview and trec-formats(5) for the file
 * formats. Headers not listed here are internal to the library. */
#ifndef TREC_H
#define TREC_H

/* C++: the whole API has C linkage. */
#ifdef __cplusplus
extern "C" {
#endif

#include "error.h"
#include "fileio.h"
#include "container.h"
#include "labels.h"
#include "idmap.h"
#include "csr.h"
#include "ingest.h"
#include "ingest_features.h"
#include "split.h"
#include "matrix_stats.h"
#include "dump.h"
#include "json_number.h"
#include "model.h"
#include "reference.h"
#include "align.h"
#include "coldstart.h"
#include "score.h"
#include "topk.h"
#include "metrics.h"
#include "gate.h"
#include "eval_history.h"
#include "plot.h"
#include "report_html.h"
#include "eval_json.h"
#include "titles.h"
#include "history.h"
#include "idlist.h"
#include "features_matrix.h"
#include "fit.h"
#include "fit_options.h"
#include "presets.h"
#include "validate.h"
#include "tune.h"

#define TREC_VERSION "0.1.0"

#ifdef __cplusplus
}
#endif

#endif
