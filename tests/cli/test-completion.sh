# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-completion.sh - bash completion (completions/trec.bash): options from
# each tool's --help, values of enumerated options, and files by kind.
if ! command -v bash >/dev/null 2>&1; then
    skip "bash completion (no bash)"
else
mkdir -p dir
: >a.csr; : >b.csr; : >m.trec; : >r.csv; : >h.tsv; : >notes.txt
# comp WORD...: the completions of the last word, sorted, one line
comp() {
    bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _trec
             [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
        "$ROOT/completions/trec.bash" "$@"
}
eq "trec-eval --fa: the gate options" "$(comp trec-eval --fa)" "--fail-below --fail-below-baseline "
eq "trec-eval --test: matrices (and directories)" "$(comp trec-eval m.trec --test '')" "a.csr b.csr dir/ "
eq "trec-eval MODEL: models" "$(comp trec-eval '')" "dir/ m.trec "
eq "trec-fit TRAIN: matrices" "$(comp trec-fit '')" "a.csr b.csr dir/ "
eq "trec-fit --init: models" "$(comp trec-fit a.csr --init '')" "dir/ m.trec "
eq "trec-ingest INPUT: delimited files" "$(comp trec-ingest '')" "dir/ h.tsv r.csv "
eq "trec-report HISTORY: TSV files" "$(comp trec-report '')" "dir/ h.tsv "
eq "trec-info FILE: matrices and models" "$(comp trec-info '')" "a.csr b.csr dir/ m.trec "
eq "--gain: its values" "$(comp trec-eval m.trec --gain '')" "binary exp "
eq "--loss w: its values" "$(comp trec-fit a.csr --loss w)" "warp warp-kos wmrb "
eq "--algorithm: the algorithms trec-fit --help lists" "$(comp trec-fit a.csr --algorithm '')" "als ease sgd tensorrec "
eq "--algorithm e: completed" "$(comp trec-fit a.csr --algorithm e)" "ease "
eq "-k: a number, no files" "$(comp trec-eval m.trec -k '')" ""
# every tool (one per cmd/trec-*.c) is registered
tools=$(cd "$ROOT/cmd" && ls trec-*.c | sed 's/\.c$//')
ntools=$(echo "$tools" | wc -l)
for t in $tools; do
    ok "$t has a completion spec" bash -c '. "$0"; complete -p "$1"' \
        "$ROOT/completions/trec.bash" "$t"
done
eq "every tool completes -q and -v" \
    "$(for t in $tools; do comp $t -; done | tr ' ' '\n' | grep -cxE -- '-q|-v')" $((2 * ntools))
eq "- completes to the options and standard input" "$(comp trec-split - | tr ' ' '\n' | grep -cx -- -)" 1
eq "every tool completes --json and --help" \
    "$(for t in $tools; do comp $t --; done | tr ' ' '\n' | grep -cxE -- '--json|--help')" \
    $((2 * ntools))
# files by kind for every option that takes a file
eq "trec-tune TRAIN: matrices" "$(comp trec-tune '')" "a.csr b.csr dir/ "
eq "trec-tune --valid: matrices" "$(comp trec-tune a.csr --valid '')" "a.csr b.csr dir/ "
eq "trec-tune -o: models" "$(comp trec-tune a.csr -o '')" "dir/ m.trec "
eq "trec-tune --log: TSV files" "$(comp trec-tune a.csr --log '')" "dir/ h.tsv "
eq "trec-tune --metric: its values" "$(comp trec-tune a.csr --metric nd)" "ndcg@10 "
eq "trec-fit --valid: matrices" "$(comp trec-fit a.csr --valid '')" "a.csr b.csr dir/ "
eq "trec-fit --log: TSV files" "$(comp trec-fit a.csr --log '')" "dir/ h.tsv "
eq "trec-split --valid: matrices" "$(comp trec-split r.csv --valid '')" "a.csr b.csr dir/ "
for o in --users --allow-items --deny-items; do
    eq "trec-recommend $o: id lists, any file" "$(comp trec-recommend m.trec $o '')" \
        "a.csr b.csr dir/ h.tsv m.trec notes.txt r.csv "
done
eq "trec-recommend --history: delimited files" "$(comp trec-recommend m.trec --history '')" \
    "dir/ h.tsv r.csv "
eq "trec-recommend --liked: ids, no files" "$(comp trec-recommend m.trec --liked '')" ""
fi
