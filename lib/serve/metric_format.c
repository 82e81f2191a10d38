/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* metric_format.c - the one text form of a metric value (see metrics.h). */
#include "metrics.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

size_t trec_format_metric(double v, int sign, char *buf, size_t size)
{
    int n;
    if (isnan(v))
        n = snprintf(buf, size, "nan");
    else if (isinf(v))
        n = snprintf(buf, size, "%s", v < 0 ? "-inf" : sign ? "+inf" : "inf");
    else {
        n = snprintf(buf, size, sign ? "%+.*f" : "%.*f", TREC_METRIC_DECIMALS, v);
        /* a tiny negative value rounds to "-0.000000": no sign on zero */
        if (n > 0 && (size_t)n < size && (buf[0] == '-' || buf[0] == '+') &&
            strspn(buf + 1, "0.") == (size_t)n - 1) {
            if (sign)
                buf[0] = '+';
            else
                memmove(buf, buf + 1, (size_t)n--);
        }
    }
    if (n <= 0)
        return 0;
    return (size_t)n < size ? (size_t)n : size ? size - 1 : 0;
}
