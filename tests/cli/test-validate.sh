# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-validate.sh - trec-split --valid, trec-fit's presets (the default one
# among them) and its validation during the fit (--valid, --metric,
# --patience, --log). Fixtures: tests/fixtures/fit.
F=$FIX/fit
R=$F/ratings.csr
crcs() { trec-info "$1" | awk '$2 == "offset" && $1 != "META" { print $1, $NF }'; }
nnz() { trec-info --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["nnz"])'; }

# ---- trec-split --valid ----
ok "split: --valid" trec-split -q "$R" --train tr.csr --valid va.csr --test te.csr --seed 3
trec-split -q "$R" --train tr2.csr --test te2.csr --seed 3; made "tr2.csr"
same "split: test as without --valid" te.csr te2.csr
trec-split -q tr2.csr --train tr3.csr --test va3.csr --seed 4; made "tr3.csr"
same "split: valid = a second split of train with seed N + 1 (valid)" va.csr va3.csr
same "split: valid = a second split of train with seed N + 1 (train)" tr.csr tr3.csr
eq "split: entries add up" "$(($(nnz tr.csr) + $(nnz va.csr) + $(nnz te.csr)))" "$(nnz "$R")"
trec-split -q "$R" --train trh.csr --valid vah.csr --test teh.csr --seed 3 --valid-fraction 0.5; made "trh.csr"
trec-split -q tr2.csr --train trh3.csr --test vah3.csr --seed 4 --test-fraction 0.5; made "trh3.csr"
same "split: --valid-fraction is the second split's --test-fraction" vah.csr vah3.csr
fails "split: --valid-fraction above 1" 2 "--valid-fraction: '2' is not a number in [0, 1]" trec-split -q "$R" --train x.csr --valid y.csr --test z.csr --valid-fraction 2
fails "split: --valid-fraction without --valid" 2 "--valid-fraction goes with --valid FILE" trec-split -q "$R" --train x.csr --test z.csr --valid-fraction 0.3
eq "split: no output left by the failures" "$(ls x.csr y.csr z.csr 2>/dev/null)" ""

# ---- presets ----
trec-fit "$R" -o d.trec 2>d.err; made "d.trec"
contains "default: said on stderr" d.err "trec-fit: default configuration: ease"
contains "default: recorded in META" d.trec '"preset":"default"'
contains "default: ease on a small matrix" d.trec '"algorithm":"ease"'
contains "default: ease's tuned lambda" d.trec '"lambda":70'
contains "default: ease's tuned user exponent" d.trec '"user_exponent":0.1'
trec-fit -q "$R" -o pe.trec --preset ease; made "pe.trec"
eq "default = --preset ease when it fits --max-memory" "$(crcs d.trec)" "$(crcs pe.trec)"
trec-fit "$R" -o da.trec --max-memory 1K 2>da.err; made "da.trec"
contains "default: als when ease would need more than --max-memory" da.err "default configuration: als"
contains "... which says how to insist" da.err "give --preset ease or --max-memory to insist"
contains "... als's tuned components" da.trec '"components":128'
trec-fit -q "$R" -o dl.trec --preset ease --lambda 50; made "dl.trec"
contains "an option given overrides the preset's" dl.trec '"lambda":50'
fails "default: an option of one algorithm only is refused" 2 "--lambda does not apply to the default configuration (ease, or als when" trec-fit "$R" -o bad.trec --lambda 50
contains "... naming the presets" "$T/.err" "give --preset ease, --preset als or --algorithm with it"
trec-fit -q "$R" -o dm.trec --min-rating 5; made "dm.trec"
contains "default: an option both algorithms take is carried" dm.trec '"min_rating":5'
trec-fit -q "$R" -o t.trec --preset tensorrec --components 2 --epochs 2; made "t.trec"
trec-fit -q "$R" -o t2.trec --algorithm tensorrec --components 2 --epochs 2; made "t2.trec"
eq "--preset tensorrec = TensorRec's defaults" "$(crcs t.trec)" "$(crcs t2.trec)"
contains "--preset tensorrec: rmse loss" t.trec '"loss":"rmse"'
printf '1,1,1\n2,2,1\n3,3,1\n1,2,1\n' >imp.csv
trec-ingest -q imp.csv -o imp.csr; made "imp.csr"
trec-fit imp.csr -o imp.trec 2>imp.err; made "imp.trec"
contains "default on all-1 data: every entry a positive (said)" imp.err "no value reaches 4: every entry is a positive"
fails "unknown preset" 2 "unknown preset 'best' (default, ease, als, sgd, tensorrec)" trec-fit "$R" -o bad.trec --preset best
fails "--preset with --algorithm" 2 "--preset and --algorithm exclude each other" trec-fit "$R" -o bad.trec --preset als --algorithm als
fails "a preset's algorithm refuses another's option" 2 "--components does not apply to --algorithm ease: ease learns item-item" trec-fit "$R" -o bad.trec --preset ease --components 4

# ---- validation during the fit ----
trec-fit tr.csr -o v.trec --algorithm als --components 4 --epochs 10 --valid va.csr \
    --metric recall@5 --patience 2 --log v.log 2>v.err; made "v.trec"
eq "--log: TSV header" "$(head -n 1 v.log)" "epoch	loss	penalty	recall@5	best	best_epoch	seconds"
best=$(awk -F'\t' 'NR > 1 { e = $6 } END { print e }' v.log)
last=$(awk -F'\t' 'NR > 1 { e = $1 } END { print e }' v.log)
eq "--patience 2: stopped 2 evaluations after the best" "$last" "$((best + 2))"
ok "--patience: stopped before --epochs" test "$last" -lt 10
contains "curve on stderr" v.err "recall@5"
contains "validation summary" v.err "trec-fit: validation on va.csr: best recall@5"
contains "META: the validation file's header CRC (bytes 28-31 of va.csr)" v.trec \
    "\"file\":\"va.csr\",\"header_crc32\":\"$(od -An -tx4 -j28 -N4 va.csr | tr -d ' ')\""
trec-fit -q tr.csr -o vb.trec --algorithm als --components 4 --epochs "$best"; made "vb.trec"
eq "the best epoch's model is kept" "$(crcs v.trec)" "$(crcs vb.trec)"
trec-fit -q tr.csr -o v2.trec --algorithm als --components 4 --epochs 10 --valid va.csr \
    --metric recall@5 --patience 2 --log v2.log; made "v2.trec"
eq "validation is deterministic (the curve)" "$(cut -f1-6 v.log)" "$(cut -f1-6 v2.log)"
trec-fit -q tr.csr -o ev.trec --algorithm als --components 4 --epochs 5 --valid va.csr \
    --eval-every 2 --log ev.log; made "ev.trec"
eq "--eval-every 2: epochs 2, 4 and the last" "$(awk -F'\t' 'NR > 1 { printf "%s ", $1 }' ev.log)" "2 4 5 "
eq "default metric: ndcg@10" "$(head -n 1 ev.log | cut -f4)" "ndcg@10"
for a in "--algorithm tensorrec --components 3 --epochs 4" "--algorithm sgd --components 3 --epochs 4" \
         "--algorithm ease"; do
    # shellcheck disable=SC2086
    ok "--valid with $a" trec-fit -q tr.csr -o va-any.trec $a --valid va.csr --log any.log
    ok "... a curve" test "$(wc -l <any.log)" -ge 2
done
fails "--patience without --valid" 2 "--metric, --valid-gain, --eval-every, --patience and --log go with --valid FILE" trec-fit tr.csr -o bad.trec --patience 2
fails "unknown --metric" 2 "unknown metric 'accuracy@5' (recall, precision, ndcg, f1, map, mrr," trec-fit tr.csr -o bad.trec --valid va.csr --metric accuracy@5
# --valid is matched to the training matrix by ids (test-across.sh): a file
# of another ingest sharing no user or item leaves nothing to validate on
fails "--valid with no id in common" 1 "imp.csr has no positives (entries >= --min-rating): nothing to validate on" trec-fit tr.csr -o bad.trec --valid imp.csr
contains "... its users and items counted as skipped" "$T/.err" "warning: imp.csr: 3 users and 3 items not in tr.csr skipped (4 entries)"
fails "--valid that is not there" 1 "nope.csr: cannot open: No such file or directory" trec-fit tr.csr -o bad.trec --valid nope.csr
eq "no model left by the failures" "$(ls bad.trec 2>/dev/null)" ""

# ---- trec-eval takes --min-rating from the model's META ----
trec-fit -q tr.csr -o e.trec; made "e.trec"
contains "the default's positives: ratings >= 4" e.trec '"min_rating":4'
trec-eval e.trec --test te.csr --train tr.csr --standard --json -o e1.json 2>e1.err; made -s "e1.json"
contains "trec-eval: the model's --min-rating, said" e1.err "positives: entries >= 4, the model's --min-rating (from its META"
eq "... and in JSON" "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["min_rating"], d["min_rating_from"], d["convention"])' <e1.json)" "4 model standard"
trec-eval e.trec --test te.csr --train tr.csr --standard --json -q --min-rating 4 -o e2.json; made -s "e2.json"
eq "... the figures of --min-rating 4" "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["splits"])' <e1.json)" \
    "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["splits"])' <e2.json)"
trec-eval e.trec --test te.csr --train tr.csr --json -q --min-rating 1 -o e3.json 2>e3.err; made -s "e3.json"
eq "--min-rating given: the option's" "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["min_rating"], d["min_rating_from"], d["convention"])' <e3.json)" "1 option all-items"
eq "... and nothing said" "$(cat e3.err)" ""
trec-fit -q tr.csr -o t0.trec --preset tensorrec --components 2 --epochs 2; made "t0.trec"
trec-eval t0.trec --test te.csr --json -q -o e4.json; made -s "e4.json"
eq "a model without --min-rating: every entry" "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["min_rating"], d["min_rating_from"])' <e4.json)" "None none"
