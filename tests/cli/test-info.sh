# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-info.sh - trec-info (summary, --json, --dump) on a matrix made by
# trec-ingest from a small ratings fixture, and on damaged files.
. "$FIX/split/binpatch.sh"
LC_ALL=C; export LC_ALL
TAB=$(printf '\t')
csv=$FIX/split/split-ratings.csv
N=$(($(wc -l <"$csv") - 1))
lines() { wc -l <"$1" | tr -d ' '; }
code() { "$@" >/dev/null 2>&1; echo $?; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
tail -n +2 "$csv" | awk -F, -v OFS="$TAB" '{ print $1, $2, $3 + 0, $4 }' | sort >csv.tsv; made -s "csv.tsv"

ok "trec-ingest makes the matrix" trec-ingest "$csv" -o r.csr

# ---- the summary, against figures computed from the CSV ----
ok "summary" trec-info r.csr
trec-info r.csr >info.txt; made -s "info.txt"
users=$(cut -f1 csv.tsv | sort -u | wc -l | tr -d ' ')
items=$(cut -f2 csv.tsv | sort -u | wc -l | tr -d ' ')
contains "file name" info.txt "file:       r.csr"
contains "kind" info.txt "kind:       matrix"
contains "format version" info.txt "version:    1"
contains "file size" info.txt "size:       $(wc -c <r.csr | tr -d ' ') bytes"
contains "shape" info.txt "shape:      $users rows x $items columns"
contains "nnz" info.txt "nnz:        $N"
contains "density" info.txt \
    "density:    $(awk -v n=$N -v u=$users -v i=$items 'BEGIN { printf "%g", n / (u * i) }')"
cut -f3 csv.tsv | sort -n | awk '{ s += $1; a[NR] = $1 }
    END { printf "values:     min %s, max %s, mean %g\n", a[1], a[NR], s / NR }' >want.txt
contains "value range and mean" info.txt "$(cat want.txt)"
distinct=$(cut -f3 csv.tsv | sort -un | tr '\n' ' ' | sed 's/ $//')
contains "distinct values" info.txt \
    "distinct:   $(cut -f3 csv.tsv | sort -u | wc -l | tr -d ' '): $distinct"
contains "no empty rows" info.txt "empty rows: 0"
contains "no empty columns" info.txt "empty cols: 0"
per() { # field: "min m, median x, max M" of the entry counts per value of that field
    cut -f"$1" csv.tsv | sort | uniq -c | awk '{ print $1 }' | sort -n |
        awk '{ a[NR] = $1 } END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
              printf "min %d, median %g, max %d", a[1], m, a[NR] }'
}
contains "entries per row" info.txt "per row:    $(per 1)"
contains "entries per column" info.txt "per column: $(per 2)"
tmin=$(cut -f4 csv.tsv | sort -n | head -n 1)
tmax=$(cut -f4 csv.tsv | sort -n | tail -n 1)
contains "time range, ISO-8601 UTC and raw" info.txt \
    "time:       $(iso "$tmin") .. $(iso "$tmax") ($tmin .. $tmax)"
contains "row label count" info.txt "row labels: $users:"
contains "column label count" info.txt "col labels: $items:"
sed -n 's/^row labels: [0-9]*: //p' info.txt | tr -d '.' | tr ',' '\n' | tr -d ' ' |
    grep . >sample.txt
eq "five row labels shown" "$(lines sample.txt)" 5
cut -f1 csv.tsv | sort -u >ids.txt
eq "the row labels shown are user ids" "$(sort sample.txt | comm -23 - ids.txt)" ""
for tag in DIMS RPTR CIDX VALS TIME RLAB CLAB; do
    contains "section $tag listed" info.txt "  $tag  offset"
done
contains "checksum verdict" info.txt "checksum:   ok"
# each listed checksum is the CRC-32 of the bytes at that offset and size
grep '^  [A-Z]' info.txt | while read -r tag _ off _ size _ crc; do
    [ "$(section_crc r.csr "$off" "$size")" = "$crc" ] || echo "$tag"
done >badcrc.txt
eq "listed checksums are the sections' CRC-32" "$(cat badcrc.txt)" ""

# ---- several files, stdin, -o ----
trec-info r.csr r.csr >two.txt; made -s "two.txt"
eq "two files: two descriptions" "$(grep -c '^file:' two.txt)" 2
eq "two files: a blank line between them" "$(grep -c '^$' two.txt)" 1
trec-info - <r.csr >stdin.txt; made -s "stdin.txt"
contains "'-' reads stdin" stdin.txt "file:       <stdin>"
eq "stdin: same description" "$(sed 1d stdin.txt)" "$(sed 1d info.txt)"
ok "-o writes a file" trec-info -o out.txt r.csr
same "-o: the same text as stdout" out.txt info.txt
fails "write error on stdout" 1 "<stdout>: write failed: No space left on device" sh -c 'trec-info r.csr >/dev/full'

# ---- JSON ----
trec-info --json --pretty r.csr >info.json; made -s "info.json"
eq "--json: top-level keys in their fixed order" \
    "$(sed -n 's/^\t"\([a-z_]*\)":.*/\1/p' info.json | tr '\n' ' ')" \
    "file kind version size rows cols nnz density values empty_rows empty_cols entries_per_row entries_per_col time row_labels col_labels sections checksum "
contains "--json: nnz" info.json "\"nnz\":${TAB}$N,"
contains "--json: kind" info.json "\"kind\":${TAB}\"matrix\","
contains "--json: shape" info.json "\"rows\":${TAB}$users,"
contains "--json: distinct values" info.json "\"distinct_values\":${TAB}[$(echo "$distinct" | sed 's/ /, /g')]"
contains "--json: time" info.json "\"min_iso\":${TAB}\"$(iso "$tmin")\""
contains "--json: checksum" info.json "\"checksum\":${TAB}\"ok\""
eq "--json: one object per section" "$(grep -c '"tag":' info.json)" 7
eq "--json: one file is an object" "$(head -c 1 info.json)" "{"
trec-info --json r.csr r.csr >two.json; made -s "two.json"
eq "--json: several files are one object per line (JSON Lines)" \
    "$(python3 -c 'import json, sys; print(len([json.loads(l) for l in open("two.json")]))')" 2
eq "--json: ... of one object per file" "$(grep -c '"file":' two.json)" 2

# ---- dump ----
ok "--dump" trec-info --dump r.csr
trec-info --dump r.csr >dump.tsv; made -s "dump.tsv"
eq "--dump: one line per entry" "$(lines dump.tsv)" "$N"
sort dump.tsv >dump_sorted.tsv
same "--dump: user, item, rating, timestamp = the CSV's, after sorting" dump_sorted.tsv csv.tsv
cut -f1-3 dump.tsv | sort >d3.tsv
cut -f1-3 csv.tsv | sort >c3.tsv
same "--dump: row/col/value triples = the CSV's" d3.tsv c3.tsv
eq "--dump: values in shortest form (4, not 4.0)" \
    "$(cut -f3 dump.tsv | grep -c '\.0')" 0
trec-info --dump --no-labels r.csr >nl.tsv; made -s "nl.tsv"
eq "--no-labels: row indices in [0, rows)" \
    "$(awk -F"$TAB" -v r=$users '$1 !~ /^[0-9]+$/ || $1 >= r' nl.tsv)" ""
eq "--no-labels: column indices in [0, cols)" \
    "$(awk -F"$TAB" -v c=$items '$2 !~ /^[0-9]+$/ || $2 >= c' nl.tsv)" ""
eq "--dump: row order, columns increasing within a row" \
    "$(awk -F"$TAB" 'NR > 1 && ($1 < r || ($1 == r && $2 <= c)) { print NR } { r = $1; c = $2 }' nl.tsv)" ""
# labels and indices name the same rows and columns, one to one
paste dump.tsv nl.tsv | awk -F"$TAB" '
    { if (($1 in ri) && ri[$1] != $5) bad++; if (($5 in rl) && rl[$5] != $1) bad++
      if (($2 in ci) && ci[$2] != $6) bad++; if (($6 in cl) && cl[$6] != $2) bad++
      ri[$1] = $5; rl[$5] = $1; ci[$2] = $6; cl[$6] = $2
      if ($3 != $7 || $4 != $8) bad++ }
    END { print bad + 0 }' >map.txt
eq "--no-labels: indices map one to one onto labels" "$(cat map.txt)" 0
trec-info --dump -o dump_o.tsv r.csr; made -s "dump_o.tsv"
same "--dump -o: same as stdout" dump_o.tsv dump.tsv
trec-info --dump - <r.csr >dump_stdin.tsv; made -s "dump_stdin.tsv"
same "--dump -: stdin" dump_stdin.tsv dump.tsv
fails "--dump: write error" 1 "<stdout>: write failed: No space left on device" sh -c 'trec-info --dump r.csr >/dev/full'

# ---- without timestamps ----
cp r.csr notime.csr
rename_section notime.csr TIME XIME
trec-info notime.csr >nt.txt; made -s "nt.txt"
contains "no TIME section: says so" nt.txt "time:       none (no timestamps)"
contains "no TIME section: the unknown section is listed" nt.txt "  XIME  offset"
eq "--dump without timestamps: three columns" \
    "$(trec-info --dump notime.csr | awk -F"$TAB" '{ print NF }' | sort -u)" 3
trec-info --json notime.csr >nt.json; made -s "nt.json"
contains "--json: time is null" nt.json '"time":null,'

# ---- a model-kind file without model sections is refused ----
cp r.csr model.trec
set_u32 model.trec 12 2
fix_header_crc model.trec
fails "model-kind file with matrix sections" 1 "model.trec: model file has no MDIM section" trec-info model.trec
contains "model-kind file: names the missing section" "$T/.err" "model file has no MDIM section"
fails "--dump of a model file" 1 "model.trec: is a model file, expected a matrix file" trec-info --dump model.trec
contains "--dump of a model file: says a matrix is needed" "$T/.err" "expected a matrix file"
cp model.trec kind3.trec
set_u32 kind3.trec 12 3
fix_header_crc kind3.trec
fails "unknown kind" 1 "kind3.trec: unknown file kind 3" trec-info kind3.trec
contains "unknown kind: named" "$T/.err" "unknown file kind 3"

# ---- damaged files: one-line error naming the file, exit 1 ----
damaged() { # desc file expected-message
    fails "$1" 1 "$3" trec-info "$2"
    eq "$1: one line" "$(lines "$T/.err")" 1
    eq "$1: exit status 1" "$(code trec-info "$2")" 1
}
head -c 1000 r.csr >trunc.csr
damaged "truncated file" trunc.csr "trunc.csr: file is 1000 bytes but its header says"
head -c 20 r.csr >short.csr
damaged "file shorter than a header" short.csr "short.csr: truncated trec file"
cp r.csr magic.csr
printf 'XXXX' | dd of=magic.csr bs=1 seek=0 conv=notrunc 2>/dev/null
damaged "wrong magic" magic.csr "magic.csr: not a trec file"
cp r.csr crlf.csr
printf '\n' | dd of=crlf.csr bs=1 seek=4 conv=notrunc 2>/dev/null
damaged "damaged magic" crlf.csr "crlf.csr: damaged trec file header"
vals=$(grep '^  VALS' info.txt | awk '{ print $3 }')
cp r.csr flip.csr
printf '\377' | dd of=flip.csr bs=1 seek=$((vals + 5)) conv=notrunc 2>/dev/null
damaged "flipped byte in VALS" flip.csr "flip.csr: checksum mismatch in section VALS"
cp r.csr head.csr
printf '\377' | dd of=head.csr bs=1 seek=12 conv=notrunc 2>/dev/null
damaged "damaged header" head.csr "head.csr: header checksum mismatch"
cp r.csr ver.csr
set_u32 ver.csr 8 9
fix_header_crc ver.csr
damaged "future version" ver.csr "ver.csr: unsupported trec format version 9"
: >empty.csr
damaged "empty file" empty.csr "empty.csr: not a trec file"
damaged "a CSV file" "$csv" "not a trec file"
damaged "missing file" nosuch.csr "nosuch.csr: cannot open"
# structurally wrong but with valid checksums: DIMS says one more column than labels
cp r.csr dims.csr
set_u32 dims.csr $(($(grep '^  DIMS' info.txt | awk '{ print $3 }') + 8)) $((items + 1))
dims_off=$(grep '^  DIMS' info.txt | awk '{ print $3 }')
tail -c +$((dims_off + 1)) dims.csr | head -c 24 | gzip -c | tail -c 8 | head -c 4 |
    dd of=dims.csr bs=1 seek=$((32 + 4)) conv=notrunc 2>/dev/null
fix_header_crc dims.csr
damaged "label count not matching the shape" dims.csr "dims.csr: $items column labels for $((items + 1)) columns"
trec-info r.csr flip.csr r.csr >mixed.txt 2>mixed.err
eq "a damaged file among several: exit 1" "$(code trec-info r.csr flip.csr r.csr)" 1
eq "... the others still described" "$(grep -c '^file:' mixed.txt)" 2
contains "... and the damaged one named" mixed.err "flip.csr: checksum mismatch"

# ---- usage errors (exit 2) ----
usage() { # message args...: trec-info ARGS exits 2 with an error saying message
    m=$1; shift
    fails "usage: $*" 2 "$m" trec-info "$@"
}
usage "missing FILE"
usage "--json and --dump exclude each other" --json --dump r.csr
usage "--no-labels goes with --dump" --no-labels r.csr
usage "--dump takes one FILE: r.csr" --dump r.csr r.csr
usage "unrecognized option '--frobnicate'" --frobnicate r.csr
ok "--help" trec-info --help
ok "--version" trec-info --version

# ---- a real model file: shape, sides, feature labels, meta ----
ok "model: fit a hybrid to describe" trec-fit -q "$FIX/fit/ratings.csr" -o hyb.trec \
    --item-features "$FIX/fit/genres.csr" --components 3 --epochs 3 --loss wmrb --seed 7
trec-info hyb.trec >hyb.txt; made -s "hyb.txt"
contains "model: kind" hyb.txt "kind:       model"
contains "model: users" hyb.txt "users:      12"
contains "model: items" hyb.txt "items:      15"
contains "model: components" hyb.txt "components: 3"
contains "model: prediction" hyb.txt "prediction: dot"
contains "model: item side, identity + genres" hyb.txt "item side:  linear representation, 15 identity + 3 metadata features"
contains "model: genre labels" hyb.txt "3: even, odd, any"
contains "model: meta has the loss" hyb.txt '"loss":"wmrb"'
contains "model: optimiser state (3 epochs, one batch)" hyb.txt "optimiser:  Adam state after 3 steps"
contains "model: checksum" hyb.txt "checksum:   ok"
trec-info --json hyb.trec >hyb.json; made -s "hyb.json"
eq "model: --json parses, meta embedded" \
    "$(python3 -c 'import json,sys; d=json.load(open("hyb.json")); print(d["kind"], d["components"], d["item_side"]["metadata_features"], d["meta"]["loss"])')" \
    "model 3 3 wmrb"
head -c 600 hyb.trec >hyb-cut.trec
fails "model: truncated model file" 1 "hyb-cut.trec: file is 600 bytes but its header says 4320 (truncated or damaged)" trec-info hyb-cut.trec
contains "model: truncated: says so" "$T/.err" "truncated"
