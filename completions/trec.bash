# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# trec.bash - bash completion for the trec tools (trec-ingest, trec-split,
# trec-info, trec-fit, trec-tune, trec-eval, trec-recommend, trec-report).
# Options are read from each tool's --help, so they stay complete; file
# arguments complete to files of the kind the option wants (matrices .csr,
# models .trec, delimited text .csv/.dat/.data, histories and logs .tsv, id
# lists any file, ...).
# Installed by `make install` under share/bash-completion/completions/ (one
# name per tool); or: . completions/trec.bash

# _trec_options TOOL: the long and short options of TOOL's --help.
_trec_options()
{
    "$1" --help 2>/dev/null | grep -oE '(^|[ ,[])--?[A-Za-z][A-Za-z0-9-]*' |
        sed 's/^[ ,[]*//' | sort -u
}

# _trec_algorithms: the fitting algorithms, as trec-fit --help lists them
# ("... with one of the algorithms tensorrec, sgd, als, ease.").
_trec_algorithms()
{
    trec-fit --help 2>/dev/null |
        sed -n 's/.* with one of the algorithms \(.*\)\.$/\1/p' | tr -d ','
}

# _trec_kind TOOL OPTION: the kind of file OPTION (or the positional
# argument, "") of TOOL takes: csr, trec, csv, tsv, html, svg, png, any, or
# none (a value that is not a file).
_trec_kind()
{
    case $1:$2 in
    *:--test|*:--train|*:--valid|*:--align|*:--exclude) echo csr ;;
    trec-ingest:--item-features|trec-ingest:--user-features|trec-ingest:) echo csv ;;
    trec-ingest:-o|trec-ingest:--output|trec-split:--train|trec-split:--test) echo csr ;;
    trec-fit:--item-features|trec-fit:--user-features|trec-recommend:--item-features) echo csr ;;
    trec-recommend:--user-features) echo csr ;;
    trec-fit:-o|trec-fit:--output|trec-tune:-o|trec-tune:--output|*:--init) echo trec ;;
    trec-split:|trec-fit:|trec-tune:) echo csr ;;
    trec-info:) echo csr-or-trec ;;
    trec-eval:|trec-recommend:) echo trec ;;
    trec-report:|trec-eval:--history|trec-eval:--per-user|*:--log) echo tsv ;;
    trec-recommend:--history|*:--titles) echo csv ;;
    trec-report:-o|trec-report:--output) echo html ;;
    *:--svg) echo svg ;;
    *:--png) echo png ;;
    *:-o|*:--output|*:--gnuplot|*:--users|*:--allow-items|*:--deny-items) echo any ;;
    *:--gain) echo "word:exp binary" ;;
    *:--loss) echo "word:rmse rmse-dense wmrb balanced-wmrb separation separation-dense bpr warp warp-kos logistic" ;;
    *:--solver) echo "word:cg cholesky" ;;
    *:--schedule) echo "word:adagrad sgd" ;;
    *:--algorithm) echo "word:$(_trec_algorithms)" ;;
    *:--predict) echo "word:dot cosine euclidean" ;;
    *:--user-repr|*:--item-repr) echo "word:linear normalized-linear pass-through weighted-pass-through relu" ;;
    *:--by) echo "word:entry user" ;;
    *:--duplicates) echo "word:last max sum error" ;;
    *:--values) echo "word:binary raw" ;;
    *:--plot-format) echo "word:svg png" ;;
    *:--repeated-ids) echo "word:merge error" ;;
    *:--fail-below-baseline) echo "word:most-popular random" ;;
    *:--metric|*:--fail-below) echo "word:recall@10 precision@10 ndcg@10 f1@10" ;;
    *) echo none ;;
    esac
}

# _trec_files KIND CUR: files of KIND starting with CUR, and directories.
_trec_files()
{
    local pat
    case $1 in
    csr) pat='*.csr' ;;
    trec) pat='*.trec' ;;
    csr-or-trec) pat='*.@(csr|trec)' ;;
    csv) pat='*.@(csv|dat|data|tsv|user|item)' ;;
    tsv) pat='*.tsv' ;;
    html) pat='*.html' ;;
    svg) pat='*.svg' ;;
    png) pat='*.png' ;;
    *) pat='*' ;;
    esac
    local IFS=$'\n' f
    shopt -s extglob nullglob
    for f in $2$pat; do [ -f "$f" ] && COMPREPLY+=("$f"); done
    for f in $2*; do [ -d "$f" ] && COMPREPLY+=("$f/"); done
}

# options that take a value (from --help: "--opt VALUE" or "--opt=...")
_trec_takes_value()
{
    "$1" --help 2>/dev/null | grep -qE "(^|[ ,[])$2( |=)[A-Z]"
}

_trec()
{
    local tool=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]}
    local prev=
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    if [ "$COMP_CWORD" -gt 1 ] && [ "${prev#-}" != "$prev" ] && _trec_takes_value "$tool" "$prev"; then
        local kind
        kind=$(_trec_kind "$tool" "$prev")
        case $kind in
        none) return 0 ;;
        word:*) COMPREPLY=($(compgen -W "${kind#word:}" -- "$cur")) ;;
        *) _trec_files "$kind" "$cur" ;;
        esac
        return 0
    fi
    if [ "${cur#-}" != "$cur" ]; then
        COMPREPLY=($(compgen -W "$(_trec_options "$tool")" -- "$cur"))
        [ "$cur" = "-" ] && COMPREPLY+=("-")    # standard input
        return 0
    fi
    _trec_files "$(_trec_kind "$tool" "")" "$cur"
}

complete -o filenames -F _trec trec-ingest trec-split trec-info trec-fit trec-tune \
    trec-eval trec-recommend trec-report
