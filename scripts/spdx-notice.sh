#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# spdx-notice.sh - puts the one-line copyright and licence notice at the top
# of every source file (.c, .h, .sh) under lib/, cmd/, tests/ and scripts/
# that lacks it: after a shell script's #! line, else as line 1. Idempotent:
# run it again after adding or merging files. With --check, changes nothing
# and lists the files without the notice (exit 1 if any).
set -e
cd "$(dirname "$0")/.."
NOTICE="Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause"
check=0
[ "${1:-}" = "--check" ] && check=1
missing=0
dirs=$(for d in lib cmd tests scripts; do [ -d "$d" ] && echo "$d"; done)
for f in $(find $dirs -type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' \) | sort); do
    head -n 2 "$f" | grep -qF "SPDX-License-Identifier:" && continue
    if [ $check -eq 1 ]; then
        echo "$f"
        missing=1
        continue
    fi
    case $f in
    *.sh) line="# $NOTICE" ;;
    *) line="/* $NOTICE */" ;;
    esac
    tmp=$f.spdx.$$
    if head -n 1 "$f" | grep -q '^#!'; then
        { head -n 1 "$f"; echo "$line"; tail -n +2 "$f"; } >"$tmp"
    else
        { echo "$line"; cat "$f"; } >"$tmp"
    fi
    chmod --reference="$f" "$tmp"
    mv "$tmp" "$f"
done
exit $missing
