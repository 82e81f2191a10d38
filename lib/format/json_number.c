/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* json_number.c - JSON numbers with the text output's digits. */
#include "json_number.h"

#include <cjson/cJSON.h>
#include <math.h>

#include "dump.h"
#include "metrics.h"

struct cJSON *trec_json_float(float v)
{
    char buf[48];
    if (!isfinite(v))
        return cJSON_CreateNull();
    trec_format_float(v, buf, sizeof buf);
    return cJSON_CreateRaw(buf);
}

struct cJSON *trec_json_score(float v)
{
    char buf[48];
    if (isfinite(v))
        return trec_json_float(v);
    trec_format_float(v, buf, sizeof buf);
    return cJSON_CreateString(buf);
}

struct cJSON *trec_json_metric(double v)
{
    char buf[TREC_METRIC_TEXT];
    if (!isfinite(v))
        return cJSON_CreateNull();
    trec_format_metric(v, 0, buf, sizeof buf);
    return cJSON_CreateRaw(buf);
}
