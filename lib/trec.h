/* trec.h - the libtrec API: everything the trec-* commands are built on.
 * Each header below documents one concept; see trec(7) for the overview and
 * trec-formats(5) for the file formats. */
#ifndef TREC_H
#define TREC_H

#include "error.h"
#include "crc32.h"
#include "fileio.h"
#include "container.h"
#include "labels.h"
#include "idmap.h"
#include "csr.h"
#include "rng.h"
#include "number.h"
#include "ingest.h"
#include "ingest_features.h"
#include "split.h"
#include "matrix_stats.h"
#include "dump.h"
#include "model.h"
#include "coldstart.h"
#include "score.h"
#include "topk.h"
#include "metrics.h"
#include "titles.h"
#include "features_matrix.h"
#include "prediction.h"
#include "representation.h"
#include "loss_rmse.h"
#include "loss_wmrb.h"
#include "loss_separation.h"
#include "adam.h"
#include "parallel.h"
#include "fit.h"

#define TREC_VERSION "0.1.0"

#endif
