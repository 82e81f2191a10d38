/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* model_kind.h - what each model kind does for the model file (internal to
 * lib/format): its own data, shape words, allocation, validation, sections
 * and description. model.c holds one table row per kind. */
#ifndef TREC_MODEL_KIND_H
#define TREC_MODEL_KIND_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "model.h"

#define TREC_MDIM_WORDS 16
#define TREC_MDIM_KIND 13      /* the MDIM word that holds the kind */
#define TREC_MODEL_MAX_SECTIONS 32
#define TREC_MODEL_SCRATCH_WORDS 8

typedef struct trec_model_kind_ops {
    const char *name;
    /* Bytes of the kind's own data (trec_model.kind_data, a struct in the
     * kind's header), 0 for none. model.c allocates it zeroed before
     * dims_in (reading) or alloc, and copies it whole before alloc when
     * copying a model: alloc must set every array pointer in it. */
    size_t data_size;
    /* MDIM words 2..15 but TREC_MDIM_KIND: to the file, and from it (bounds
     * checked against the file's size `lim` before any multiplication). */
    void (*dims_out)(const trec_model *m, uint64_t d[TREC_MDIM_WORDS]);
    int (*dims_in)(const uint64_t d[TREC_MDIM_WORDS], uint64_t lim, trec_model *m,
                   const char *name, trec_error *err);
    int (*alloc)(trec_model *m, trec_error *err);
    int (*validate)(const trec_model *m, const char *name, trec_error *err);
    /* Appends the kind's sections to s (room for TREC_MODEL_MAX_SECTIONS);
     * small sections may be built in scratch[TREC_MODEL_SCRATCH_WORDS],
     * which lives until the file is written. */
    void (*sections)(const trec_model *m, trec_section *s, size_t *n, uint64_t *scratch);
    int (*read)(const trec_container *c, trec_model *m, trec_error *err);
    /* Describes the kind's part of m as "name: value" lines (text) or as
     * members of a JSON object (json): exactly one of them is given. */
    void (*describe)(const trec_model *m, FILE *text, cJSON *json);
    /* Tags of the sections scoring does not need (trec_model_map), NULL-
     * terminated; read must then leave them alone (m->scoring_only). */
    const char *const *scoring_skip;
    /* Tags of the sections of per-user rows that trec_model_map_queries
     * leaves to use_users, NULL-terminated (NULL: none); read must find
     * them with trec_model_get_section, and validate must not read them
     * when m->users_lazy. */
    const char *const *user_rows;
    /* Checks users' rows of those sections (trec_model_use_users). */
    int (*use_users)(trec_model *m, const uint64_t *users, uint64_t n, trec_error *err);
} trec_model_kind_ops;

extern const trec_model_kind_ops trec_model_factors_ops;
extern const trec_model_kind_ops trec_model_item_item_ops;

/* Helpers the kinds share (model.c). */
/* m's kind data (kind already set), allocated zeroed and owned by m on first
 * use; NULL on failure or for a kind without data (with err set). */
void *trec_model_kind_data(trec_model *m, trec_error *err);
float *trec_model_alloc_floats(trec_model *m, uint64_t n, trec_error *err, int *failed);
void *trec_model_alloc_bytes(trec_model *m, uint64_t n, trec_error *err, int *failed);
int trec_model_check_finite(const float *p, uint64_t n, const char *name, const char *what,
                            trec_error *err);
/* Points *dst at section tag, exactly `want` elements of `elem` bytes
 * (absent iff want is 0). */
int trec_model_get_section(const trec_container *c, const char *tag, uint64_t want,
                           uint64_t elem, void **dst, trec_error *err);
void trec_model_add_section(trec_section *s, size_t *n, const char *tag, const void *data,
                            uint64_t size);

#endif
