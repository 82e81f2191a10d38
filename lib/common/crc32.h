/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* crc32.h - CRC-32 as used by zlib, PNG and gzip (IEEE 802.3 polynomial,
 * reflected, initial value and final XOR 0xFFFFFFFF), so that any language's
 * standard library can verify trec files (e.g. Python's zlib.crc32). */
#ifndef TREC_CRC32_H
#define TREC_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continues a running CRC: start with crc = 0. */
uint32_t trec_crc32(uint32_t crc, const void *data, size_t len);
/* The same, by tables only (the reference the vector path is tested against). */
uint32_t trec_crc32_portable(uint32_t crc, const void *data, size_t len);

/* The CRC-32 of A followed by B from crc_a = CRC(A), crc_b = CRC(B) and B's
 * length, without the bytes (zlib's crc32_combine, same result): lets
 * processes that each read a part of a section verify the whole section
 * by combining their parts' CRCs in order. O(log len_b). */
uint32_t trec_crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

#endif
