/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* tune_space.c - trec-tune's search space: algorithms, dimensions (lists and
 * ranges of fitting options), each algorithm's default dimensions (its row's
 * `tune`, algorithm.h), and the trials drawn from them (tune.h). */
#include "tune.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algorithm.h"
#include "fit_options.h"
#include "rng.h"

int trec_tune_space_algorithms(trec_tune_space *s, const char *list, trec_error *err)
{
    char buf[256], *save = NULL;
    if (snprintf(buf, sizeof buf, "%s", list) >= (int)sizeof buf)
        return trec_fail(err, "--algorithm: list too long");
    s->nalgos = 0;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        const trec_algorithm *a = trec_algorithm_find(t);
        if (!a)
            return trec_fail(err, "--algorithm: unknown algorithm '%s' (%s)", t,
                             trec_fit_algorithm_list());
        for (int i = 0; i < s->nalgos; i++)
            if (strcmp(s->algos[i], a->name) == 0)
                return trec_fail(err, "--algorithm: '%s' given twice", t);
        if (s->nalgos == TREC_TUNE_MAX_ALGOS)
            return trec_fail(err, "--algorithm: at most %d algorithms", TREC_TUNE_MAX_ALGOS);
        s->algos[s->nalgos++] = a->name;
    }
    if (s->nalgos == 0 || list[0] == ',' || list[strlen(list) - 1] == ',' || strstr(list, ",,"))
        return trec_fail(err, "--algorithm wants a comma-separated list of algorithms (%s)",
                         trec_fit_algorithm_list());
    return 0;
}

/* Checks value v of option o through the option table's parser. */
static int check_value(int o, const char *v, trec_error *err)
{
    trec_fit_config scratch;
    trec_fit_config_default(&scratch);
    return trec_fit_option_set(&scratch, o, v, err);
}

static int parse_dim(trec_tune_dim *d, const char *option, const char *spec, trec_error *err)
{
    memset(d, 0, sizeof *d);
    d->option = trec_fit_option_find(option);
    const trec_fit_option_info *in = trec_fit_option_about(d->option);
    if (!in)
        return trec_fail(err, "unknown option '%s' (a trec-fit option)", option);
    if (in->arg == TREC_ARG_NONE || in->arg == TREC_ARG_FILE ||
        d->option == TREC_OPT_SEED || d->option == TREC_OPT_THREADS)
        return trec_fail(err, "%s cannot be searched by trec-tune", in->name);
    const char *dots = strstr(spec, "..");
    if (dots) {
        if (in->arg != TREC_ARG_INT && in->arg != TREC_ARG_REAL)
            return trec_fail(err, "%s: a range '%s' of an option that is not a number",
                             in->name, spec);
        char lo[64], *end;
        size_t n = (size_t)(dots - spec);
        if (n == 0 || n >= sizeof lo)
            return trec_fail(err, "%s: '%s' is not a range LO..HI", in->name, spec);
        memcpy(lo, spec, n);
        lo[n] = 0;
        if (check_value(d->option, lo, err) != 0 || check_value(d->option, dots + 2, err) != 0)
            return -1;
        d->lo = strtod(lo, &end);
        d->hi = strtod(dots + 2, &end);
        if (!(d->lo < d->hi))
            return trec_fail(err, "%s: range '%s' is empty (LO must be below HI)", in->name,
                             spec);
        d->is_range = 1;
        d->log_scale = in->log_scale && d->lo > 0;
        return 0;
    }
    char buf[1024], *save = NULL;
    if (snprintf(buf, sizeof buf, "%s", spec) >= (int)sizeof buf)
        return trec_fail(err, "%s: list too long", in->name);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (d->nvalues == TREC_TUNE_MAX_VALUES)
            return trec_fail(err, "%s: at most %d values", in->name, TREC_TUNE_MAX_VALUES);
        if (strlen(t) >= sizeof d->values[0])
            return trec_fail(err, "%s: value '%s' too long", in->name, t);
        if (check_value(d->option, t, err) != 0)
            return -1;
        for (int i = 0; i < d->nvalues; i++)
            if (strcmp(d->values[i], t) == 0)
                return trec_fail(err, "%s: value '%s' given twice", in->name, t);
        strcpy(d->values[d->nvalues++], t);
    }
    if (d->nvalues == 0 || spec[0] == ',' || spec[strlen(spec) - 1] == ',' ||
        strstr(spec, ",,"))
        return trec_fail(err, "%s: '%s' is not a list V1,V2,... or a range LO..HI", in->name,
                         spec);
    return 0;
}

int trec_tune_space_add(trec_tune_space *s, const char *option, const char *spec,
                        trec_error *err)
{
    if (s->ngiven == TREC_TUNE_MAX_DIMS)
        return trec_fail(err, "at most %d searched options", TREC_TUNE_MAX_DIMS);
    trec_tune_dim d;
    if (parse_dim(&d, option, spec, err) != 0)
        return -1;
    for (int i = 0; i < s->ngiven; i++)
        if (s->given[i].option == d.option)
            return trec_fail(err, "%s given twice", trec_fit_option_name(d.option));
    s->given[s->ngiven++] = d;
    return 0;
}

int trec_tune_default_dims(const char *algorithm, trec_tune_dim *dims, int max)
{
    int n = 0;
    trec_error err;
    const trec_algorithm *a = trec_algorithm_find(algorithm);
    for (const trec_tune_default *d = a ? a->tune : NULL; d && d->option && n < max; d++)
        if (parse_dim(&dims[n], d->option, d->spec, &err) == 0)
            n++;
    return n;
}

/* The algorithms of the table with a tune_rank, by rank: "ease,als,sgd". */
static char default_list[256];

static void make_default_list(void)
{
    for (int rank = 1; rank <= TREC_TUNE_MAX_ALGOS; rank++)
        for (int i = 0; trec_algorithm_at(i); i++)
            if (trec_algorithm_at(i)->tune_rank == rank) {
                if (default_list[0])
                    strcat(default_list, ",");
                strcat(default_list, trec_algorithm_at(i)->name);
            }
}

const char *trec_tune_default_algorithms(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_default_list);
    return default_list;
}

static int takes(const char *algorithm, int option)
{
    const trec_algorithm *a = trec_algorithm_find(algorithm);
    return a && option >= 0 && option < TREC_OPT_LIMIT &&
           (trec_algorithm_options(a) & TREC_OPT(option));
}

int trec_tune_space_finish(trec_tune_space *s, trec_error *err)
{
    (void)err;
    for (int g = 0; g < s->ngiven; g++) {
        s->given[g].used = 0;
        for (int a = 0; a < s->nalgos; a++)
            s->given[g].used |= takes(s->algos[a], s->given[g].option);
    }
    for (int a = 0; a < s->nalgos; a++) {
        trec_tune_dim def[TREC_TUNE_MAX_DIMS];
        int nd = trec_tune_default_dims(s->algos[a], def, TREC_TUNE_MAX_DIMS);
        s->ndims[a] = 0;
        /* the defaults' order, each replaced by the given one; then the
         * given ones the defaults have not */
        for (int i = 0; i < nd; i++) {
            const trec_tune_dim *d = &def[i];
            for (int g = 0; g < s->ngiven; g++)
                if (s->given[g].option == d->option)
                    d = &s->given[g];
            s->dims[a][s->ndims[a]++] = *d;
        }
        for (int g = 0; g < s->ngiven; g++) {
            int dup = 0;
            for (int i = 0; i < nd; i++)
                dup |= def[i].option == s->given[g].option;
            if (!dup && takes(s->algos[a], s->given[g].option)) {
                if (s->ndims[a] == TREC_TUNE_MAX_DIMS)
                    return trec_fail(err, "too many searched options");
                s->dims[a][s->ndims[a]++] = s->given[g];
            }
        }
    }
    return 0;
}

/* One value of dimension d, drawn with r (ranges) into buf. */
static void draw(const trec_tune_dim *d, trec_rng *r, char *buf, size_t size)
{
    if (!d->is_range) {
        snprintf(buf, size, "%s", d->values[trec_rng_below(r, (uint64_t)d->nvalues)]);
        return;
    }
    double u = trec_rng_uniform(r), v;
    if (d->log_scale)
        v = exp(log(d->lo) + u * (log(d->hi) - log(d->lo)));
    else
        v = d->lo + u * (d->hi - d->lo);
    const trec_fit_option_info *in = trec_fit_option_about(d->option);
    if (in->arg == TREC_ARG_INT) {
        v = floor(v + 0.5);
        if (v > d->hi)
            v = d->hi;
        snprintf(buf, size, "%.0f", v);
    } else {
        snprintf(buf, size, "%.3g", v);
    }
}

static void append(char *opts, const trec_tune_dim *d, const char *v)
{
    size_t n = strlen(opts);
    snprintf(opts + n, TREC_TUNE_OPTIONS_MAX - n, "%s%s %s", n ? " " : "",
             trec_fit_option_name(d->option), v);
}

int trec_tune_space_trials(const trec_tune_space *s, int a, uint64_t n, uint64_t seed,
                           char (*out)[TREC_TUNE_OPTIONS_MAX], uint64_t max, uint64_t *count,
                           trec_error *err)
{
    const trec_tune_dim *dims = s->dims[a];
    int nd = s->ndims[a];
    uint64_t grid = 1;
    int ranges = 0;
    for (int i = 0; i < nd; i++) {
        ranges |= dims[i].is_range;
        if (!dims[i].is_range)
            grid = grid > n ? grid : grid * (uint64_t)dims[i].nvalues;
    }
    if (n > max)
        return trec_fail(err, "too many trials (at most %llu)", (unsigned long long)max);
    *count = 0;
    if (!ranges && grid <= n) {
        /* the whole grid, the last dimension fastest */
        for (uint64_t g = 0; g < grid; g++) {
            uint64_t rest = g;
            out[g][0] = 0;
            int idx[TREC_TUNE_MAX_DIMS];
            for (int i = nd - 1; i >= 0; i--) {
                idx[i] = (int)(rest % (uint64_t)dims[i].nvalues);
                rest /= (uint64_t)dims[i].nvalues;
            }
            for (int i = 0; i < nd; i++)
                append(out[g], &dims[i], dims[i].values[idx[i]]);
        }
        *count = grid;
        return 0;
    }
    trec_rng r;
    trec_rng_seed_stream(&r, seed, (uint64_t)a + 1);
    for (uint64_t t = 0; t < n; t++) {
        /* a new point when one can be found in 100 draws */
        for (int attempt = 0; attempt < 100; attempt++) {
            char v[64];
            out[*count][0] = 0;
            for (int i = 0; i < nd; i++) {
                draw(&dims[i], &r, v, sizeof v);
                append(out[*count], &dims[i], v);
            }
            int dup = 0;
            for (uint64_t j = 0; j < *count && !dup; j++)
                dup = strcmp(out[j], out[*count]) == 0;
            if (!dup) {
                (*count)++;
                break;
            }
        }
    }
    return 0;
}
