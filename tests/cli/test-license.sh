# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-license.sh - the licence: LICENSE is the BSD 3-Clause text, every
# source file under lib/, cmd/, tests/ and scripts/ has the one-line notice
# (scripts/spdx-notice.sh puts it there; --check lists the files without).
LC_ALL=C; export LC_ALL
contains "LICENSE: BSD 3-Clause" "$ROOT/LICENSE" "BSD 3-Clause License"
contains "LICENSE: the copyright line" "$ROOT/LICENSE" "Copyright (c) 2026 the trec authors"
eq "every source file has the notice (scripts/spdx-notice.sh --check)" \
    "$("$ROOT/scripts/spdx-notice.sh" --check)" ""
# the script on a scratch tree: it finds, adds, keeps #! first, is idempotent
mkdir -p x/scripts x/lib x/tests
cp "$ROOT/scripts/spdx-notice.sh" x/scripts/
printf 'int f(void);\n' >x/lib/a.h
printf '#!/bin/sh\necho hi\n' >x/tests/b.sh
chmod +x x/tests/b.sh
x/scripts/spdx-notice.sh --check >check.out; rc=$?
eq "--check: exit 1 when a file lacks it" "$rc" 1
eq "--check: names the files" "$(cat check.out)" "lib/a.h
tests/b.sh"
ok "adds the notices" x/scripts/spdx-notice.sh
eq "a C header: the notice as line 1" "$(head -n 1 x/lib/a.h)" \
    "/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */"
eq "a script: #! stays line 1, the notice line 2" "$(head -n 2 x/tests/b.sh)" "#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause"
ok "...and it still runs" test "$(x/tests/b.sh)" = hi
cp x/lib/a.h a.before
ok "a second run" x/scripts/spdx-notice.sh
same "...changes nothing" x/lib/a.h a.before
