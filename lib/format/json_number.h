/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* json_number.h - numbers in JSON output with the same digits as in text
 * output: a JSON number written from the text trec_format_float (model
 * scores, matrix values) or trec_format_metric (metric values) gives, so
 * that --json and the TSV or table of every tool agree digit for digit
 * (cJSON's own "%.15g" of a float would print 0.100000001490116). */
#ifndef TREC_JSON_NUMBER_H
#define TREC_JSON_NUMBER_H

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* A new cJSON number (a raw item holding that text), or a JSON null when v
 * is not finite (JSON has no NaN or infinity); NULL when out of memory. */
struct cJSON *trec_json_float(float v);
struct cJSON *trec_json_metric(double v);
/* A model score: a number as trec_json_float, but a score that is not
 * finite is the string the TSV has ("inf", "-inf"; scorers never give NaN)
 * rather than null, so that both outputs say the same (trec-recommend(1)). */
struct cJSON *trec_json_score(float v);

#ifdef __cplusplus
}
#endif

#endif
