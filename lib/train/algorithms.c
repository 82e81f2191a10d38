/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* algorithms.c - the table of fitting algorithms (algorithm.h). */
#include <pthread.h>
#include <string.h>

#include "algorithm.h"

/* Each defined in its own file. */
extern const trec_algorithm trec_algorithm_tensorrec, trec_algorithm_sgd, trec_algorithm_als,
    trec_algorithm_ease;

/* The order of trec-fit --help and of trec_fit_algorithm_list. */
static const trec_algorithm *const table[] = {
    &trec_algorithm_tensorrec,
    &trec_algorithm_sgd,
    &trec_algorithm_als,
    &trec_algorithm_ease,
};

const trec_algorithm *trec_algorithm_at(int i)
{
    return i >= 0 && i < (int)(sizeof table / sizeof table[0]) ? table[i] : NULL;
}

const trec_algorithm *trec_algorithm_find(const char *name)
{
    for (int i = 0; trec_algorithm_at(i); i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i];
    return NULL;
}

/* The number of a's first own option. */
static int first_own(const trec_algorithm *a)
{
    int o = TREC_OPT_OWN;
    for (int i = 0; trec_algorithm_at(i) && table[i] != a; i++)
        o += table[i]->n_own;
    return o;
}

uint64_t trec_algorithm_options(const trec_algorithm *a)
{
    uint64_t bits = a->options;
    int o = first_own(a);
    for (int i = 0; i < a->n_own && o + i < TREC_OPT_LIMIT; i++)
        bits |= TREC_OPT(o + i);
    return bits;
}

const trec_algorithm *trec_algorithm_own_option(int o, int *slot)
{
    int n = TREC_OPT_OWN;
    for (int i = 0; trec_algorithm_at(i); i++) {
        if (o >= n && o < n + table[i]->n_own) {
            *slot = o - n;
            return table[i];
        }
        n += table[i]->n_own;
    }
    return NULL;
}

int trec_algorithm_own_given(const trec_algorithm *a, const trec_fit_config *cfg, int slot)
{
    int o = first_own(a) + slot;
    return slot >= 0 && slot < a->n_own && o < TREC_OPT_LIMIT && (cfg->given & TREC_OPT(o));
}

const char *trec_fit_algorithm_at(int i, const char **about)
{
    const trec_algorithm *a = trec_algorithm_at(i);
    if (about)
        *about = a && a->about ? a->about : "";
    return a ? a->name : NULL;
}

int trec_fit_algorithm_takes(const char *name, int o)
{
    const trec_algorithm *a = name ? trec_algorithm_find(name) : NULL;
    return a && o >= 0 && o < TREC_OPT_LIMIT && (trec_algorithm_options(a) & TREC_OPT(o)) != 0;
}

void trec_foldin_settings_of(const char *meta_json, trec_foldin_settings *s)
{
    *s = (trec_foldin_settings){.log_conf = 0, .scale = 1, .eps = 1, .lambda = 0.1,
                                .exponent = 0};
    cJSON *meta = meta_json ? cJSON_Parse(meta_json) : NULL;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(meta, "algorithm");
    const trec_algorithm *a = cJSON_IsString(name) ? trec_algorithm_find(name->valuestring)
                                                   : NULL;
    if (a && a->foldin)
        a->foldin(meta, s);
    cJSON_Delete(meta);
}

static char list[256];

static void make_list(void)
{
    for (int i = 0; trec_algorithm_at(i); i++) {
        if (i)
            strcat(list, ", ");
        strcat(list, table[i]->name);
    }
}

const char *trec_fit_algorithm_list(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_list);
    return list;
}
