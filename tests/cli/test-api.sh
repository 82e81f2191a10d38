# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-api.sh - libtrec as a library: a program built against the public
# headers alone (the ones `make install` puts in include/trec/) fits, scores
# and ranks; no internal header is public; every exported symbol is trec_.
INC=$BIN/include
ok "public headers are staged" test -f "$INC/trec/trec.h"
for h in adam.h crc32.h loss_wmrb.h number.h prediction.h representation.h rng.h parallel.h \
         tensorrec.h algorithm.h model_kind.h score_kind.h ingest_reader.h linalg.h; do
    if [ -e "$INC/trec/$h" ]; then fail_ "internal header $h is not public"
    else pass_ "internal header $h is not public"; fi
done
# each public header compiles on its own
for h in "$INC"/trec/*.h; do
    printf '#include <trec/%s>\n' "$(basename "$h")" >one.c
    ok "$(basename "$h") stands alone" ${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
        -I"$INC" -c one.c -o one.o
done

san_flags=
nm "$BIN/libtrec.a" 2>/dev/null | grep -q __asan_ && san_flags="-fsanitize=address,undefined"
# shellcheck disable=SC2086
ok "an example program builds against the public API only" ${CC:-cc} -std=c11 -D_GNU_SOURCE \
    -Wall -Wextra -Werror $san_flags -I"$INC" -o example "$ROOT/tests/api/example.c" \
    "$BIN/libtrec.a" -lcsv -lcjson -lblis -lz -lm -pthread
ok "example: a model and a top 5" sh -c "./example '$FIX/fit/ratings.csr' tensorrec >top.tsv"
eq "example: five ranked items" "$(cut -f1 top.tsv | tr '\n' ' ')" "1 2 3 4 5 "

# (ASan adds __odr_asan.NAME aliases of exported data)
bad=$(nm -g --defined-only "$BIN/libtrec.a" | awk 'NF == 3 && $3 !~ /^(trec_|__odr_asan)/ {print $3}' | sort -u)
eq "every exported symbol starts with trec_" "$bad" ""
