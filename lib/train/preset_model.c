/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* preset_model.c - a model's own configuration as a preset: the algorithm
 * and settings its META records, read back through the option table, so
 * that `trec-fit NEW --init OLD` continues OLD's fit (presets.h). */
#include "presets.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm.h"
#include "fit_options.h"

/* Not settings of the fit: files, and how it ran (threads, memory cap). */
static int not_recorded(int o)
{
    const trec_fit_option_info *in = trec_fit_option_about(o);
    return !in || in->arg == TREC_ARG_FILE || o == TREC_OPT_THREADS ||
           o == TREC_OPT_MAX_MEMORY;
}

static const cJSON *side_key(const cJSON *meta, const char *side, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(meta, side), key);
}

/* The META value of option o as its command-line value into buf; returns
 * 1 if set (flags: 1 when the flag was given), 0 if META has none. The
 * keys are the option's name with '_' for '-', but for the flags and the
 * per-side settings below. */
static int recorded_value(const cJSON *meta, int o, char *buf, size_t size)
{
    const cJSON *v = NULL;
    switch (o) {
    case TREC_OPT_NO_USER_IDENTITY: return cJSON_IsFalse(side_key(meta, "user", "identity"));
    case TREC_OPT_NO_ITEM_IDENTITY: return cJSON_IsFalse(side_key(meta, "item", "identity"));
    case TREC_OPT_NO_BIASES:
        return cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(meta, "biases"));
    case TREC_OPT_SAMPLE_UNOBSERVED:
        v = cJSON_GetObjectItemCaseSensitive(meta, "sample_from");
        return cJSON_IsString(v) && strcmp(v->valuestring, "unobserved-items") == 0;
    case TREC_OPT_USER_REPR: v = side_key(meta, "user", "representation"); break;
    case TREC_OPT_ITEM_REPR: v = side_key(meta, "item", "representation"); break;
    case TREC_OPT_PREDICT: v = cJSON_GetObjectItemCaseSensitive(meta, "prediction"); break;
    case TREC_OPT_HIDDEN:
        /* one --hidden for both sides: the relu side's */
        v = side_key(meta, "user", "hidden");
        if (!cJSON_IsNumber(v) || v->valuedouble <= 0)
            v = side_key(meta, "item", "hidden");
        if (!cJSON_IsNumber(v) || v->valuedouble <= 0)
            return 0;
        break;
    case TREC_OPT_BATCH_USERS:
        /* a batch size trec-fit chose itself is chosen again for the new data */
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(meta, "batch_users_auto")))
            return 0;
        v = cJSON_GetObjectItemCaseSensitive(meta, "batch_users");
        break;
    default: {
        char key[64];
        snprintf(key, sizeof key, "%s", trec_fit_option_name(o) + 2);
        for (char *p = key; *p; p++)
            if (*p == '-')
                *p = '_';
        v = cJSON_GetObjectItemCaseSensitive(meta, key);
    }
    }
    if (cJSON_IsString(v))
        snprintf(buf, size, "%s", v->valuestring);
    else if (cJSON_IsNumber(v)) {
        /* the shortest text that reads back as the same number */
        snprintf(buf, size, "%.15g", v->valuedouble);
        if (strtod(buf, NULL) != v->valuedouble)
            snprintf(buf, size, "%.17g", v->valuedouble);
    }
    else
        return 0; /* null (not used by the fit), absent or another type */
    return 1;
}

/* Appends " NAME[ VALUE]" to opts (truncated at size, as a note). */
static void append_option(char *opts, size_t size, int o, const char *value)
{
    size_t n = strlen(opts);
    if (n < size)
        snprintf(opts + n, size - n, "%s%s%s%s", n ? " " : "", trec_fit_option_name(o),
                 value ? " " : "", value ? value : "");
}

int trec_preset_from_model(trec_fit_config *cfg, const trec_model *m, char *opts, size_t size,
                           trec_error *err)
{
    cJSON *meta = m->meta_json ? cJSON_Parse(m->meta_json) : NULL;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(meta, "algorithm");
    const trec_algorithm *a = cJSON_IsString(name) ? trec_algorithm_find(name->valuestring)
                                                   : NULL;
    int rc = -1;
    if (!a) {
        trec_fail(err, "its META records no algorithm trec-fit knows (%s)",
                  cJSON_IsString(name) ? name->valuestring : "none");
        goto done;
    }
    if (trec_fit_config_for(cfg, a->name, err) != 0)
        goto done;
    snprintf(opts, size, "--algorithm %s", a->name);
    int has_min = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(meta, "min_rating"));
    uint64_t takes = trec_algorithm_options(a); /* its own options among them */
    for (int o = 0; o < TREC_OPT_LIMIT && trec_fit_option_about(o); o++) {
        char value[64];
        if (!(takes & TREC_OPT(o)) || not_recorded(o) ||
            (o == TREC_OPT_OTHER_WEIGHT && !has_min) ||
            !recorded_value(meta, o, value, sizeof value))
            continue;
        int flag = trec_fit_option_about(o)->arg == TREC_ARG_NONE;
        if (trec_fit_option_set(cfg, o, flag ? NULL : value, err) != 0) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            trec_fail(err, "its META does not make a configuration: %s", why);
            goto done;
        }
        append_option(opts, size, o, flag ? NULL : value);
    }
    rc = (takes & TREC_OPT(TREC_OPT_INIT)) != 0;
done:
    cJSON_Delete(meta);
    return rc;
}
