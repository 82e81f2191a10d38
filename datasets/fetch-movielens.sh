#!/bin/sh
# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# fetch-movielens.sh - download, verify and unpack MovieLens datasets from
# GroupLens into a local cache (never into the repository: the GroupLens terms
# let users download the data themselves, not us redistribute it).
#
#   datasets/fetch-movielens.sh [--dir DIR] [--link] NAME...
#   NAME: ml-latest-small ml-100k ml-1m ml-25m
#
# Each NAME ends up in DIR/NAME (default: datasets/cache/NAME, git-ignored),
# with a manifest DIR/NAME/.trec-sha256 of the files it verified. Running it
# again re-checks that manifest and does nothing when it holds.
#
# Checksums, two kinds:
#  - GroupLens publishes NAME.zip.md5 beside each zip: every download is
#    checked against it (a download without it is refused).
#  - SHA-256 of extracted files pinned below, computed by us from a known-good
#    copy. Only ml-latest-small is pinned (its four CSV files); ml-100k, ml-1m
#    and ml-25m rely on the .md5 file alone. Pinned files are checked after
#    every download and before every mirror copy.
#
# Environment:
#  TREC_MOVIELENS_URL    base URL (default https://files.grouplens.org/datasets/movielens);
#                        file:///some/dir works with curl (used by the tests)
#  TREC_DATASETS_MIRROR  a directory holding already extracted datasets
#                        (MIRROR/NAME/ratings.csv ...): copied (or symlinked with
#                        --link) instead of downloading, after checking pinned
#                        checksums. A NAME missing from the mirror is downloaded.
#
# Exit status: 0 all NAMEs present and verified, 1 failure, 2 usage error.

set -u
prog=fetch-movielens.sh
here=$(cd "$(dirname "$0")" && pwd)
KNOWN="ml-latest-small ml-100k ml-1m ml-25m"
BASE_URL=${TREC_MOVIELENS_URL:-https://files.grouplens.org/datasets/movielens}
MIRROR=${TREC_DATASETS_MIRROR:-}
MANIFEST=.trec-sha256

# SHA-256 of extracted files, computed with sha256sum from the ml-latest-small
# copy in /work/shared/datasets (README.txt says: generated September 26, 2018).
# No other dataset is pinned: we have not computed its checksums ourselves.
pinned() {
    case $1 in
    ml-latest-small) cat <<'EOF'
80da8b3393dae325bbba5a31f291a6ba55d8d4f4396de3c456f2c1635b1b70e8  ratings.csv
c47b783f23eb304413307e1bb05335e427737da20ec8d3c0e96335567dd5f3dc  movies.csv
68eec00a0820c2faa8863a6df7032f13d5899a4462bce9a97213905297ff3d34  tags.csv
028a4a1d17751ca9276e0e0718cfc22356350f224a996e1ec348c23274b9209d  links.csv
EOF
    ;;
    esac
}

err() { echo "$prog: error: $*" >&2; }
note() { echo "$prog: $*" >&2; }
usage() {
    cat <<EOF
usage: $prog [--dir DIR] [--link] NAME...
Downloads MovieLens datasets from GroupLens, verifies them and unpacks each
into DIR/NAME (default DIR: $here/cache).
NAME: $KNOWN
  --dir DIR   where datasets go
  --link      with TREC_DATASETS_MIRROR, symlink the mirror's files instead of copying
Environment: TREC_DATASETS_MIRROR=DIR (local copies, DIR/NAME/ratings.csv ...),
TREC_MOVIELENS_URL=URL (download base URL).
EOF
}

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum <"$1" | cut -d' ' -f1
    else shasum -a 256 <"$1" | cut -d' ' -f1; fi
}

md5_of() {
    if command -v md5sum >/dev/null 2>&1; then md5sum <"$1" | cut -d' ' -f1
    else openssl md5 -r <"$1" | cut -d' ' -f1; fi
}

# check_pinned NAME DIR [remove]: checks DIR's files against the pinned
# SHA-256s; with "remove", a file that does not match is deleted.
check_pinned() {
    _bad=0
    _list=$(pinned "$1")
    [ -n "$_list" ] || return 0
    while read -r _sum _file; do
        if [ ! -f "$2/$_file" ]; then
            err "$2/$_file: missing (a pinned file of $1)"
            _bad=1
            continue
        fi
        _got=$(sha256_of "$2/$_file")
        if [ "$_got" != "$_sum" ]; then
            if [ "${3:-}" = remove ]; then
                rm -f "$2/$_file"
                err "$2/$_file: SHA-256 mismatch (expected $_sum, got $_got); file removed"
            else
                err "$2/$_file: SHA-256 mismatch (expected $_sum, got $_got)"
            fi
            _bad=1
        fi
    done <<EOF
$_list
EOF
    return $_bad
}

# write_manifest DIR: SHA-256 of every file in DIR, for the idempotence check.
write_manifest() {
    (cd "$1" && find . \( -type f -o -type l \) ! -name "$MANIFEST*" | sed 's|^\./||' | sort |
        while read -r f; do printf '%s  %s\n' "$(sha256_of "$f")" "$f"; done) >"$1/$MANIFEST.tmp" &&
        mv "$1/$MANIFEST.tmp" "$1/$MANIFEST"
}

# check_manifest DIR: every file listed still has its checksum.
check_manifest() {
    [ -s "$1/$MANIFEST" ] || return 1
    while read -r _sum _file; do
        [ -f "$1/$_file" ] && [ "$(sha256_of "$1/$_file")" = "$_sum" ] || return 1
    done <"$1/$MANIFEST"
}

download() { # URL FILE
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL --retry 2 -o "$2" "$1" 2>"$2.log"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1" 2>"$2.log"
    else
        err "neither curl nor wget is installed; install one, or set TREC_DATASETS_MIRROR"
        return 1
    fi
    _rc=$?
    if [ $_rc -ne 0 ]; then
        rm -f "$2"
        err "cannot download $1 ($(head -n 1 "$2.log" 2>/dev/null | tr -d '\r')); no network? A local copy can be used with TREC_DATASETS_MIRROR=DIR"
        rm -f "$2.log"
        return 1
    fi
    rm -f "$2.log"
}

extract() { # ZIP DIR
    if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$1" -d "$2"
    elif command -v python3 >/dev/null 2>&1; then
        python3 -m zipfile -e "$1" "$2"
    else
        err "cannot extract $1: install unzip (or python3)"
        return 1
    fi
}

# fetch_download NAME STAGE: zip + .md5 from BASE_URL, verified and extracted
# into STAGE/d.
fetch_download() {
    _url="$BASE_URL/$1.zip"
    note "downloading $_url"
    download "$_url.md5" "$2/$1.zip.md5" || return 1
    # the .md5 format varies ("SUM  file" or "MD5 (file) = SUM"): take the hex
    _want=$(grep -Eo '[0-9a-fA-F]{32}' "$2/$1.zip.md5" | head -n 1 | tr 'A-F' 'a-f')
    if [ -z "$_want" ]; then
        err "$_url.md5: no MD5 checksum in it; refusing an unverified download"
        return 1
    fi
    download "$_url" "$2/$1.zip" || return 1
    _got=$(md5_of "$2/$1.zip")
    if [ "$_got" != "$_want" ]; then
        rm -f "$2/$1.zip"
        err "$_url: MD5 mismatch (expected $_want from $1.zip.md5, got $_got); download removed"
        return 1
    fi
    mkdir "$2/x" && extract "$2/$1.zip" "$2/x" || return 1
    rm -f "$2/$1.zip"
    # GroupLens zips hold one top directory named after the dataset
    if [ -d "$2/x/$1" ]; then
        mv "$2/x/$1" "$2/d"
    else
        mv "$2/x" "$2/d"
    fi
    check_pinned "$1" "$2/d" remove || return 1
}

# fetch_mirror NAME STAGE: copies (or links) MIRROR/NAME into STAGE/d.
fetch_mirror() {
    _src=$(cd "$MIRROR/$1" && pwd -P) || return 1
    check_pinned "$1" "$_src" || {
        err "$_src: rejected (checksum mismatch), nothing copied"
        return 1
    }
    [ -n "$(pinned "$1")" ] || note "$1: no pinned checksums; mirror copy not verified"
    mkdir "$2/d" || return 1
    for f in "$_src"/*; do
        [ -f "$f" ] || continue
        if [ "$LINK" = 1 ]; then
            ln -s "$f" "$2/d/" || return 1
        else
            cp "$f" "$2/d/" || return 1
        fi
    done
    # a copy may be damaged on the way (disk full): check what landed
    check_pinned "$1" "$2/d" remove || return 1
}

fetch_one() { # NAME
    _dest="$DIR/$1"
    if [ -d "$_dest" ] || [ -L "$_dest" ]; then
        if [ ! -f "$_dest/$MANIFEST" ]; then
            err "$_dest exists but was not made by $prog (no $MANIFEST); remove it or use another --dir"
            return 1
        fi
        if check_manifest "$_dest" && check_pinned "$1" "$_dest" >/dev/null 2>&1; then
            echo "$1: already present and verified in $_dest"
            return 0
        fi
        note "$_dest: files changed or missing since fetched; removing it and fetching again"
        rm -rf "$_dest"
    fi
    STAGE="$DIR/.$1.tmp.$$"
    rm -rf "$STAGE"
    mkdir "$STAGE" || return 1
    if [ -n "$MIRROR" ] && [ -d "$MIRROR/$1" ]; then
        note "copying $1 from mirror $MIRROR"
        fetch_mirror "$1" "$STAGE" || return 1
        how="from mirror $MIRROR"
    else
        [ -n "$MIRROR" ] && note "$1 is not in mirror $MIRROR; downloading"
        fetch_download "$1" "$STAGE" || return 1
        how="downloaded, MD5 verified"
    fi
    write_manifest "$STAGE/d" && mv "$STAGE/d" "$_dest" || return 1
    rm -rf "$STAGE"
    STAGE=
    if [ -n "$(pinned "$1")" ]; then
        _pins="$(pinned "$1" | wc -l | tr -d ' ') pinned SHA-256 verified"
    else
        _pins="no pinned SHA-256"
    fi
    echo "$1: $_dest ($how; $_pins)"
}

DIR="$here/cache"
LINK=0
while [ $# -gt 0 ]; do
    case $1 in
    --dir) [ $# -ge 2 ] || { err "--dir needs a directory"; exit 2; }; DIR=$2; shift 2 ;;
    --dir=*) DIR=${1#--dir=}; shift ;;
    --link) LINK=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    -*) err "unknown option '$1'"; usage >&2; exit 2 ;;
    *) break ;;
    esac
done
[ $# -gt 0 ] || { err "no dataset NAME given (one of: $KNOWN)"; exit 2; }
# every NAME is checked before anything is fetched: a typo costs no download
for name in "$@"; do
    case " $KNOWN " in
    *" $name "*) : ;;
    *) err "unknown dataset '$name' (known: $KNOWN)"; exit 2 ;;
    esac
done
if [ -n "$MIRROR" ] && [ ! -d "$MIRROR" ]; then
    err "TREC_DATASETS_MIRROR=$MIRROR is not a directory"
    exit 2
fi
mkdir -p "$DIR" || exit 1

STAGE=
trap '[ -n "$STAGE" ] && rm -rf "$STAGE"' EXIT
trap 'exit 1' INT TERM HUP
status=0
for name in "$@"; do
    fetch_one "$name" || { status=1; [ -n "$STAGE" ] && rm -rf "$STAGE"; STAGE=; }
done
exit $status
