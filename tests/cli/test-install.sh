# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-install.sh - `make install` into a scratch prefix: the tools, the man
# pages, libtrec.a and libtrec.so (versioned soname, the trec_* API only),
# the headers under include/trec/ and trec.pc; a C and a C++ program built
# with pkg-config against it run; `make uninstall` removes it all.
if nm "$BIN/libtrec.a" 2>/dev/null | grep -q __asan_; then
    skip "make install (a sanitizer build: the installed library is tested in the plain build)"
elif ! command -v pkg-config >/dev/null 2>&1; then
    skip "make install (no pkg-config)"
else
P=$T/prefix
ok "make install PREFIX=..." sh -c "make -s -C '$ROOT' B='$BIN' PREFIX='$P' install >install.log 2>&1"
for f in bin/trec-ingest bin/trec-eval bin/trec-report lib/libtrec.a lib/pkgconfig/trec.pc \
    include/trec/trec.h include/trec/gate.h share/man/man1/trec-report.1 share/man/man7/trec.7 \
    share/bash-completion/completions/trec-eval share/bash-completion/completions/trec-report; do
    ok "installed: $f" test -f "$P/$f"
done
so=$(cd "$P/lib" && ls libtrec.so.*.*.* 2>/dev/null)
ok "installed: libtrec.so.VERSION" test -n "$so"
eq "libtrec.so -> libtrec.so.0 -> $so" "$(readlink "$P/lib/libtrec.so") $(readlink "$P/lib/libtrec.so.0")" \
    "libtrec.so.0 $so"
eq "the soname is versioned" "$(objdump -p "$P/lib/$so" | awk '$1 == "SONAME" { print $2 }')" libtrec.so.0
eq "libtrec.so exports trec_* only" \
    "$(nm -D --defined-only "$P/lib/$so" | awk '$2 != "A" && $3 !~ /^trec_/ { print $3 }')" ""
ok "libtrec.so exports the API (trec_csr_read)" sh -c "nm -D --defined-only '$P/lib/$so' | grep -q ' trec_csr_read@@TREC_0$'"
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
eq "pkg-config: version" "$(pkg-config --modversion trec)" \
    "$(sed -n 's/^#define TREC_VERSION "\(.*\)"/\1/p' "$ROOT/lib/trec.h")"
eq "pkg-config: the private dependencies" "$(pkg-config --libs --static trec | tr ' ' '\n' | grep -c -e -lcsv -e -lblis -e -lcjson)" 3
# C, against the shared library
# shellcheck disable=SC2046
ok "C: builds with pkg-config (shared)" sh -c "${CC:-cc} -std=c11 -Wall -Wextra -Werror \
    -o example '$ROOT/tests/api/example.c' \$(pkg-config --cflags --libs trec)"
ok "C: uses libtrec.so" sh -c "LD_LIBRARY_PATH='$P/lib' ldd ./example | grep -q 'libtrec.so.0 => $P/lib/'"
ok "C: runs" sh -c "LD_LIBRARY_PATH='$P/lib' ./example '$FIX/fit/ratings.csr' tensorrec >top.tsv"
eq "C: five ranked items" "$(cut -f1 top.tsv | tr '\n' ' ')" "1 2 3 4 5 "
ok "C: builds statically with pkg-config --static" sh -c "${CC:-cc} -std=c11 -o example-static \
    '$ROOT/tests/api/example.c' -I'$P/include' -D_GNU_SOURCE '$P/lib/libtrec.a' \$(pkg-config --libs-only-other --libs-only-l --static trec | sed 's/-ltrec//')"
ok "C (static): runs" sh -c "./example-static '$FIX/fit/ratings.csr' tensorrec >top2.tsv && cmp top.tsv top2.tsv"
# C++
if command -v ${CXX:-c++} >/dev/null 2>&1; then
    # every installed header, each before trec.h (whose own guard once gave
    # the others C linkage only when it came first): a header without
    # extern "C" declares C++ names that do not link
    for h in "$P"/include/trec/*.h; do
        printf '#include <trec/%s>\n' "$(basename "$h")"
    done | grep -v 'trec/trec.h' >hello.cc
    eq "every installed header has extern \"C\" guards" \
        "$(grep -L '^extern "C" {' "$P"/include/trec/*.h)" ""
    cat >>hello.cc <<'EOF2'
// A C++ program using libtrec: the C API has C linkage in every header.
#include <trec/trec.h>
#include <cstdio>
int main(int argc, char **argv)
{
    trec_csr m;
    trec_error err;
    if (argc < 2 || trec_csr_read(argv[1], &m, &err) != 0) {
        std::fprintf(stderr, "error: %s\n", argc < 2 ? "no file" : err.msg);
        return 1;
    }
    char label[32];
    std::printf("%llu %llu %llu %s %s\n", (unsigned long long)m.rows,
                (unsigned long long)m.cols, (unsigned long long)m.nnz, TREC_VERSION,
                trec_metric_label(trec_metric_from_name("ndcg"), 10, label, sizeof label));
    trec_csr_free(&m);
    return 0;
}
EOF2
    eq "C++: includes all $(ls "$P"/include/trec | wc -l) installed headers" \
        "$(grep -c '^#include <trec/' hello.cc)" "$(ls "$P"/include/trec | wc -l)"
    ok "C++: builds with pkg-config" sh -c "${CXX:-c++} -Wall -Wextra -Werror -o hello hello.cc \$(pkg-config --cflags --libs trec)"
    eq "C++: calls metrics.h (C linkage)" \
        "$(LD_LIBRARY_PATH="$P/lib" ./hello "$FIX/fit/ratings.csr" | cut -d' ' -f5)" ndcg@10
    eq "C++: runs" "$(LD_LIBRARY_PATH="$P/lib" ./hello "$FIX/fit/ratings.csr" | cut -d' ' -f1-3)" \
        "$(trec-info --json "$FIX/fit/ratings.csr" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["rows"], d["cols"], d["nnz"])')"
else
    skip "C++ against the installed library (no c++ compiler)"
fi
ok "make uninstall" sh -c "make -s -C '$ROOT' B='$BIN' PREFIX='$P' uninstall >uninstall.log 2>&1"
eq "uninstall leaves no file" "$(find "$P" -type f -o -type l)" ""
fi
