#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# spdx-notice.sh - puts the one-line copyright and licence notice at the top
# of every file of the project that can hold a comment and lacks it: sources
# (.c, .h, .sh, .bash) under lib/, cmd/, tests/, scripts/, datasets/ and
# completions/, the Makefile, the CI script, the pkg-config template, the
# linker map and the manual pages (a roff comment, .\"). It goes after a
# script's #! line, else on line 1. Idempotent: run it again after adding or
# merging files. With --check, changes nothing and lists the files without
# the notice (exit 1 if any).
set -e
cd "$(dirname "$0")/.."
NOTICE="Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause"
check=0
[ "${1:-}" = "--check" ] && check=1
missing=0
# (ifs, not &&: a last test that fails would stop the script under set -e)
dirs=$(for d in lib cmd tests scripts datasets completions; do
    if [ -d "$d" ]; then echo "$d"; fi
done)
others=$(for f in Makefile .ci/run lib/trec.pc.in lib/libtrec.map; do
    if [ -f "$f" ]; then echo "$f"; fi
done)
mans=$(if [ -d man ]; then find man -type f -name '*.[1-8]'; fi)
# shellcheck disable=SC2086
for f in $( { [ -z "$dirs" ] || find $dirs -type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' \
        -o -name '*.bash' \); echo "$others"; echo "$mans"; } | grep . | sort -u); do
    head -n 2 "$f" | grep -qF "SPDX-License-Identifier:" && continue
    if [ $check -eq 1 ]; then
        echo "$f"
        missing=1
        continue
    fi
    case $f in
    *.c|*.h|*.map) line="/* $NOTICE */" ;;
    man/*) line=".\\\" $NOTICE" ;;
    *) line="# $NOTICE" ;;
    esac
    tmp=$f.spdx.$$
    if head -n 1 "$f" | grep -q '^#!'; then
        { head -n 1 "$f"; printf "%s\n" "$line"; tail -n +2 "$f"; } >"$tmp"
    else
        { printf "%s\n" "$line"; cat "$f"; } >"$tmp"
    fi
    chmod --reference="$f" "$tmp"
    mv "$tmp" "$f"
done
exit $missing
