/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* csv-tokenize.c - the baseline of the ingest benchmark: libcsv alone
 * tokenizing a file, with callbacks that only count fields and records. This
 * is "libcsv's bare tokenizing speed"; trec-ingest, which also parses numbers,
 * maps ids and builds a matrix, is reported relative to it (scripts/bench.sh).
 *
 *   bench-csv-tokenize FILE
 * prints one line: bytes=B fields=F records=R seconds=S mb_per_s=X
 * (MB = 10^6 bytes; seconds cover read() + csv_parse() + csv_fini()). */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (1 << 20) /* read() size: 1 MiB, as the ingest reader uses */

typedef struct {
    uint64_t fields, records;
} counts;

static void on_field(void *s, size_t len, void *data)
{
    (void)s;
    (void)len;
    ((counts *)data)->fields++;
}

static void on_record(int c, void *data)
{
    (void)c;
    ((counts *)data)->records++;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: bench-csv-tokenize FILE\n");
        return 2;
    }
    const char *path = argv[1];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "bench-csv-tokenize: error: %s: %s\n", path, strerror(errno));
        return 1;
    }
    char *buf = malloc(BLOCK);
    struct csv_parser p;
    if (!buf || csv_init(&p, 0) != 0) {
        fprintf(stderr, "bench-csv-tokenize: error: out of memory\n");
        return 1;
    }
    counts c = {0, 0};
    uint64_t bytes = 0;
    double t0 = now();
    for (;;) {
        ssize_t n = read(fd, buf, BLOCK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "bench-csv-tokenize: error: %s: %s\n", path, strerror(errno));
            return 1;
        }
        if (n == 0)
            break;
        if (csv_parse(&p, buf, (size_t)n, on_field, on_record, &c) != (size_t)n) {
            fprintf(stderr, "bench-csv-tokenize: error: %s: near byte %" PRIu64 ": %s\n", path,
                    bytes, csv_strerror(csv_error(&p)));
            return 1;
        }
        bytes += (uint64_t)n;
    }
    csv_fini(&p, on_field, on_record, &c);
    double secs = now() - t0;
    csv_free(&p);
    free(buf);
    close(fd);
    printf("bytes=%" PRIu64 " fields=%" PRIu64 " records=%" PRIu64 " seconds=%.6f mb_per_s=%.1f\n",
           bytes, c.fields, c.records, secs, secs > 0 ? bytes / secs / 1e6 : 0.0);
    return 0;
}
