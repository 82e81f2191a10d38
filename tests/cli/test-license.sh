# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-license.sh - the licence: LICENSE is the BSD 3-Clause text, every
# source file under lib/, cmd/, tests/, scripts/, datasets/ and completions/,
# the Makefile and the manual pages have the one-line notice
# (scripts/spdx-notice.sh puts it there; --check lists the files without).
LC_ALL=C; export LC_ALL
contains "LICENSE: BSD 3-Clause" "$ROOT/LICENSE" "BSD 3-Clause License"
contains "LICENSE: the copyright line" "$ROOT/LICENSE" "Copyright (c) 2026 the trec authors"
eq "every source file has the notice (scripts/spdx-notice.sh --check)" \
    "$("$ROOT/scripts/spdx-notice.sh" --check)" ""
for f in datasets/synth-movielens.c datasets/fetch-movielens.sh completions/trec.bash Makefile \
    man/man1/trec-eval.1 man/man5/trec-formats.5 man/man7/trec.7; do
    ok "the notice in $f's first 2 lines" sh -c "head -n 2 '$ROOT/$f' | grep -q 'SPDX-License-Identifier: BSD-3-Clause'"
done
# the script on a scratch tree: it finds, adds, keeps #! first, is idempotent
mkdir -p x/scripts x/lib x/tests x/datasets x/completions x/man/man1
cp "$ROOT/scripts/spdx-notice.sh" x/scripts/
printf 'int f(void);\n' >x/lib/a.h
printf '#!/bin/sh\necho hi\n' >x/tests/b.sh
chmod +x x/tests/b.sh
printf 'int main(void) { return 0; }\n' >x/datasets/gen.c
printf '_t() { :; }\n' >x/completions/t.bash
printf 'all:\n\ttrue\n' >x/Makefile
printf '.TH T 1 2026-12-02 "trec 0.1.0" "User Commands"\n.SH NAME\nt \\- a tool\n' >x/man/man1/t.1
x/scripts/spdx-notice.sh --check >check.out; rc=$?
eq "--check: exit 1 when a file lacks it" "$rc" 1
eq "--check: names the files" "$(cat check.out)" "Makefile
completions/t.bash
datasets/gen.c
lib/a.h
man/man1/t.1
tests/b.sh"
ok "adds the notices" x/scripts/spdx-notice.sh
eq "a C header: the notice as line 1" "$(head -n 1 x/lib/a.h)" \
    "/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */"
eq "a script: #! stays line 1, the notice line 2" "$(head -n 2 x/tests/b.sh)" "#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause"
ok "...and it still runs" test "$(x/tests/b.sh)" = hi
eq "a Makefile: a # comment as line 1" "$(head -n 1 x/Makefile)" \
    "# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause"
ok "...and make still reads it" make -s -C x
eq "a bash file: a # comment" "$(head -n 1 x/completions/t.bash)" \
    "# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause"
eq "a manual page: a roff comment as line 1, .TH next" "$(head -n 2 x/man/man1/t.1)" \
    ".\\\" Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
.TH T 1 2026-12-02 \"trec 0.1.0\" \"User Commands\""
if command -v man >/dev/null 2>&1; then
    ok "...which renders as before, without a warning" sh -c \
        "MANWIDTH=80 man --warnings -l x/man/man1/t.1 2>&1 | grep -q 'a tool' &&
         test -z \"\$(MANWIDTH=80 man --warnings -l x/man/man1/t.1 2>&1 >/dev/null)\""
else
    skip "the manual page with its notice renders (no man(1))"
fi
cp x/lib/a.h a.before
ok "a second run" x/scripts/spdx-notice.sh
same "...changes nothing" x/lib/a.h a.before
