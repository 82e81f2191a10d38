# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-fit.sh - trec-fit: options, model contents, errors, determinism,
# divergence. Fixtures: tests/fixtures/fit (see make-fixtures.c there).
F=$FIX/fit
R=$F/ratings.csr
# TensorRec's defaults (--algorithm tensorrec): the default preset is tested below
fit() { trec-fit --algorithm tensorrec "$@" -q; }

ok "TensorRec's defaults (rmse, linear, k=100)" fit "$R" -o default.trec
# "TREC" is the magic of every trec file: ask trec-info what kind of file it is
ok "trec-info reads the model" sh -c 'trec-info default.trec >info.txt'
contains "model file is a model" info.txt "kind:       model"
eq "... of factors, as fitted (12 users, 15 items, k=100)" \
    "$(sed -n '/^model kind:/,/^components:/p' info.txt | tr -s ' ' | tr '\n' ';')" \
    "model kind: factors;users: 12;items: 15;components: 100;"
eq "META records the defaults" \
  "$(grep -ao '"loss":"rmse","prediction":"dot","components":100,"biases":true' default.trec | head -n 1)" \
  '"loss":"rmse","prediction":"dot","components":100,"biases":true'
contains "META records learning rate, alpha and epochs" default.trec '"learning_rate":0.1,"alpha":1e-05,"epochs":100'
contains "META records the input file" default.trec '"interactions":{"file":"'"$R"'","size":'

# determinism: same inputs, seed and threads give the same bytes
ok "fit a" fit "$R" -o a.trec --components 4 --loss wmrb --min-rating 4 --epochs 20 --threads 2 --seed 5
ok "fit b" fit "$R" -o b.trec --components 4 --loss wmrb --min-rating 4 --epochs 20 --threads 2 --seed 5
same "same seed and threads: same model bytes" a.trec b.trec
ok "fit c (other seed)" fit "$R" -o c.trec --components 4 --loss wmrb --min-rating 4 --epochs 20 --threads 2 --seed 6
if cmp -s a.trec c.trec; then fail_ "another seed gives another model"; else pass_ "another seed gives another model"; fi

# every option is accepted and recorded
ok "--loss rmse-dense --predict cosine" fit "$R" -o o1.trec --components 3 --epochs 5 --loss rmse-dense --predict cosine
contains "META loss rmse-dense, prediction cosine" o1.trec '"loss":"rmse-dense","prediction":"cosine","components":3'
ok "--loss balanced-wmrb --sampled-items 4 --predict euclidean" fit "$R" -o o2.trec --components 3 --epochs 5 --loss balanced-wmrb --sampled-items 4 --predict euclidean
contains "META sampled items" o2.trec '"sampled_items":4'
contains "META: samples from all items by default" o2.trec '"sample_from":"all-items"'
ok "--sample-unobserved" fit "$R" -o o2u.trec --components 3 --epochs 5 --loss wmrb --sampled-items 4 --sample-unobserved
contains "META: samples from unobserved items" o2u.trec '"sample_from":"unobserved-items"'
if cmp -s o2u.trec o2.trec; then fail_ "--sample-unobserved changes the model"; else pass_ "--sample-unobserved changes the model"; fi
fails "--sample-unobserved without a wmrb loss" 2 "--sample-unobserved only applies to --loss wmrb or balanced-wmrb" fit "$R" -o bad.trec --sample-unobserved
fails "--sample-unobserved with too few unobserved items" 1 "--sample-unobserved: user u4 has 10 positive items, fewer than" fit "$R" -o bad.trec --loss wmrb --sampled-items 6 --sample-unobserved
contains "too few unobserved items: names the user" "$T/.err" "has 10 positive items, fewer than --sampled-items 6 are left to sample"
ok "--loss separation-dense --min-rating 4" fit "$R" -o o3.trec --components 3 --epochs 5 --loss separation-dense --min-rating 4
contains "META min rating" o3.trec '"min_rating":4'
ok "--user-repr relu --hidden 6 --item-repr normalized-linear" fit "$R" -o o4.trec --components 3 --epochs 5 --user-repr relu --hidden 6 --item-repr normalized-linear
contains "META relu hidden size" o4.trec '"representation":"relu","identity":true,"metadata_features":0,"features":12,"hidden":6'
ok "--user-repr relu default hidden (4 x components)" fit "$R" -o o5.trec --components 3 --epochs 2 --user-repr relu
contains "META default hidden 12" o5.trec '"hidden":12'
ok "--batch-users 5 --learning-rate 0.05 --alpha 0.001" fit "$R" -o o6.trec --components 3 --epochs 5 --batch-users 5 --learning-rate 0.05 --alpha 0.001
contains "META batches" o6.trec '"batch_users":5,"batches":3'
contains "META learning rate and alpha" o6.trec '"learning_rate":0.05,"alpha":0.001'
ok "--no-biases" fit "$R" -o o7.trec --components 3 --epochs 5 --no-biases
contains "META biases off" o7.trec '"biases":false'
ok "--user-features with identity" fit "$R" -o o8.trec --components 3 --epochs 5 --user-features $F/users.csr
contains "META user metadata features" o8.trec '"user":{"representation":"linear","identity":true,"metadata_features":2,"features":14'
ok "content model: item pass-through of genres" fit "$R" -o content.trec --components 3 --epochs 5 --loss wmrb --min-rating 4 --item-features $F/genres.csr --no-item-identity --item-repr pass-through
contains "META content item side" content.trec '"item":{"representation":"pass-through","identity":false,"metadata_features":3,"features":3'
contains "model carries the genre labels" content.trec "evenoddany"
ok "hybrid: identity + genres" fit "$R" -o hybrid.trec --components 4 --epochs 5 --loss wmrb --min-rating 4 --item-features $F/genres.csr
contains "META hybrid item side" hybrid.trec '"item":{"representation":"linear","identity":true,"metadata_features":3,"features":18'
ok "weighted pass-through, users without identity" fit "$R" -o o9.trec --components 2 --epochs 5 --user-features $F/users.csr --no-user-identity --user-repr weighted-pass-through
fails "--loss separation needs non-positive values" 1 "loss separation needs non-positive interactions (value <= 0) as well as" fit "$R" -o bad.trec --loss separation
contains "separation error suggests separation-dense" "$T/.err" "separation-dense"

# --init: continue from a model; --epochs 0 keeps the weights
ok "fit 10 epochs" fit "$R" -o ten.trec --components 4 --epochs 10 --loss wmrb --min-rating 4
ok "--init with 0 more epochs" fit "$R" -o again.trec --components 4 --epochs 0 --loss wmrb --min-rating 4 --init ten.trec
contains "META records the init model" again.trec '"init":{"file":"ten.trec"'
contains "META counts the epochs" again.trec '"epochs":0,"epochs_total":10'
ok "--init with 10 more epochs" fit "$R" -o twenty.trec --components 4 --epochs 10 --loss wmrb --min-rating 4 --init ten.trec
contains "META epochs total 20" twenty.trec '"epochs_total":20'
fit "$R" -o twenty-stdin.trec --components 4 --epochs 10 --loss wmrb --min-rating 4 --init - <ten.trec
made "twenty-stdin.trec (--init -)"
ok "fit 20 epochs at once" fit "$R" -o once.trec --components 4 --epochs 20 --loss wmrb --min-rating 4
# every section but META (which names the inputs) has the same checksum
crcs() { trec-info "$1" | awk '$2 == "offset" && $1 != "META" { print $1, $NF }'; }
eq "10 + 10 epochs with --init = 20 epochs (weights, moments, outputs)" "$(crcs twenty.trec)" "$(crcs once.trec)"
eq "--init -: the model read from stdin continues the same" "$(crcs twenty-stdin.trec)" "$(crcs once.trec)"
contains "--init -: META counts its epochs" twenty-stdin.trec '"epochs_total":20'
eq "... and the comparison covers the weights and Adam's moments" \
    "$(crcs once.trec | awk '$1 ~ /W1_|ADMM|ADMV|IREP/' | wc -l | tr -d ' ')" 5
fails "--init with other --components" 1 "--init model does not match this fit: different --components" fit "$R" -o bad.trec --components 5 --init ten.trec
contains "init mismatch names the option" "$T/.err" "different --components"
fails "--init with another prediction" 1 "--init model does not match this fit: different --predict" fit "$R" -o bad.trec --components 4 --predict cosine --init ten.trec
fails "--init that is not a model" 1 "ratings.csr: is a matrix file, expected a model file" fit "$R" -o bad.trec --components 4 --init "$R"

# progress and summary
trec-fit "$R" -o p.trec --algorithm tensorrec --components 3 --epochs 20 2>progress.txt; made "p.trec"
contains "progress every 10% of the epochs (not a terminal)" progress.txt "trec-fit: epoch 2/20 loss"
contains "progress shows elapsed and ETA" progress.txt "elapsed"
contains "summary line" progress.txt "trec-fit: wrote p.trec: 12 users, 15 items, 3 components, rmse loss"
trec-fit "$R" -o p.trec --algorithm tensorrec --components 3 --epochs 20 -q 2>quiet.txt; made "p.trec"
eq "--quiet prints nothing" "$(cat quiet.txt)" ""
ok "--help" trec-fit --help
ok "--version" trec-fit --version
ok "output to stdout" sh -c "trec-fit '$R' -o - -q --algorithm tensorrec --components 2 --epochs 2 >stdout.trec"
eq "... a model of 2 components" "$(trec-info stdout.trec | sed -n 's/^components: *//p')" 2

# bad inputs
fails "missing input file" 1 "nope.csr: cannot open: No such file or directory" fit nope.csr -o bad.trec
fails "missing -o" 2 "missing -o MODEL" fit "$R"
fails "unknown --loss" 2 "--loss: unknown loss (rmse, rmse-dense, wmrb, balanced-wmrb," fit "$R" -o bad.trec --loss hinge
fails "unknown --predict" 2 "--predict: unknown value (dot, cosine, euclidean): manhattan" fit "$R" -o bad.trec --predict manhattan
fails "unknown --item-repr" 2 "--item-repr: unknown representation (linear, normalized-linear," fit "$R" -o bad.trec --item-repr deep
fails "--components 0" 2 "--components: '0' is not an integer in [1, 1048576]" fit "$R" -o bad.trec --components 0
fails "--learning-rate not a number" 2 "--learning-rate: 'fast' is not a number in [1e-30, 1e+30]" fit "$R" -o bad.trec --learning-rate fast
fails "--hidden without relu" 2 "--hidden needs --user-repr relu or --item-repr relu" fit "$R" -o bad.trec --hidden 8
fails "--sampled-items without a wmrb loss" 2 "--sampled-items only applies to --loss wmrb or balanced-wmrb" fit "$R" -o bad.trec --sampled-items 4
# Feature rows are matched to the items by raw id (test-across.sh): a
# missing or unknown row is counted, not an error.
trec-fit "$R" -o short.trec --item-features $F/genres-short.csr --algorithm tensorrec --epochs 1 2>short.err; made "short.trec"
contains "a feature file without a row for an item: counted" short.err "genres-short.csr: matched by ids: 0 items not in the interaction matrix skipped, 1 items of the matrix without a row"
trec-fit "$R" -o relabel.trec --item-features $F/genres-relabel.csr --algorithm tensorrec --epochs 1 2>relabel.err; made "relabel.trec"
contains "a feature row of an unknown id: counted" relabel.err "genres-relabel.csr: matched by ids: 1 items not in the interaction matrix skipped, 1 items of the matrix without a row"
fails "feature file rows for users given as items" 1 "users.csr: no row is labelled with an item id of the interaction matrix" fit "$R" -o bad.trec --item-features $F/users.csr
contains "no row matches: says so" "$T/.err" "users.csr: no row is labelled with an item id of the interaction matrix"
fails "labelled features, unlabelled interactions" 1 "genres.csr: item feature matrix has row labels but the interaction" fit $F/unlabelled.csr -o bad.trec --item-features $F/genres.csr
fails "pass-through with the wrong --components" 1 "item representation pass-through needs --components equal to the number" fit "$R" -o bad.trec --item-features $F/genres.csr --no-item-identity --item-repr pass-through --components 5
contains "pass-through error" "$T/.err" "item representation pass-through needs --components equal to the number of item features (3), not 5"
fails "no item features at all" 1 "the item side has no features: give --item-features or drop --no-item-identity" fit "$R" -o bad.trec --no-item-identity
ok "--sampled-items above the number of items: all of them" fit "$R" -o all16.trec --epochs 2 --loss wmrb --sampled-items 16
contains "... recorded as the 15 items" all16.trec '"sampled_items":15'
ok "--sampled-items all" fit "$R" -o allw.trec --epochs 2 --loss wmrb --sampled-items all
eq "... the same model" "$(crcs all16.trec)" "$(crcs allw.trec)"
fails "--epochs 0 without --init" 2 "--epochs 0 trains nothing: the model would be its random initialisation" fit "$R" -o bad.trec --epochs 0
contains "--epochs 0 refused: says why" "$T/.err" "--epochs 0 trains nothing"
fails "a feature file that is not a matrix" 1 "ten.trec: is a model file, expected a matrix file" fit "$R" -o bad.trec --item-features ten.trec
eq "no model left by the failures" "$(ls bad.trec 2>/dev/null)" ""

# divergence: a huge learning rate stops with a message and no model
fails "huge learning rate diverges" 1 "the fit diverged at epoch 2: the loss became infinite or NaN" fit "$R" -o nan.trec --learning-rate 1e30 --epochs 50
contains "divergence advice" "$T/.err" "try a smaller --learning-rate (now 1e+30) or --alpha"
eq "no model written on divergence" "$(ls nan.trec 2>/dev/null)" ""
cp default.trec keep.trec
fails "divergence leaves an existing file alone" 1 "the fit diverged at epoch 2" fit "$R" -o keep.trec --learning-rate 1e30 --epochs 50
same "existing model unchanged" default.trec keep.trec

# the walkthrough on ml-latest-small (needs trec-ingest and trec-split)
if have_ml && [ -x "$BIN/trec-ingest" ] && [ -x "$BIN/trec-split" ]; then
    trec-ingest "$ML/ratings.csv" -o ml.csr -q 2>/dev/null || trec-ingest "$ML/ratings.csv" -o ml.csr; made "ml.csr"
    trec-split ml.csr --train ml-train.csr --test ml-test.csr --test-fraction 0.2 --seed 1 -q 2>/dev/null ||
        trec-split ml.csr --train ml-train.csr --test ml-test.csr --test-fraction 0.2 --seed 1; made "ml-train.csr"
    ok "ml: WMRB matrix factorisation" fit ml-train.csr -o ml-wmrb.trec --components 5 --loss wmrb --min-rating 4
    contains "ml: 1% of the items sampled" ml-wmrb.trec '"sampled_items":97'
else
    skip_ml "ml-latest-small fit checks"
fi

# ---- the committed fixtures are what their generator writes ----
inc="-I$ROOT/lib -I$ROOT/tests/unit"
for d in "$ROOT"/lib/*/; do inc="$inc -I$d"; done
san=""
if nm "$BIN/libtrec.a" 2>/dev/null | grep -q __asan_; then san="-fsanitize=address,undefined"; fi
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -D_GNU_SOURCE -O1 $san $inc -o "$T/make-fixtures" "$F/make-fixtures.c" \
    "$BIN/libtrec.a" -lcsv -lcjson -lblis -lz -lm -pthread; made "make-fixtures"
# (a one-shot generator: it leaves its matrices to exit, so no leak check)
mkdir -p regen && (cd regen && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    "$T/make-fixtures"); made "regenerated fixtures"
for f in "$F"/*.csr; do
    same "fixture $(basename "$f") is its generator's output" "$f" "regen/$(basename "$f")"
done
eq "the generator writes the committed fixtures, no more" "$(cd regen && ls | tr '\n' ' ')" \
    "$(cd "$F" && ls ./*.csr | sed 's|^\./||' | tr '\n' ' ')"

# ---- sampled losses batch users by themselves beyond --max-memory ----
ok "--max-memory 200: 100 bytes of samples per user" fit "$R" -o auto.trec --components 3 --epochs 2 --loss wmrb --sampled-items 5
contains "no batching when the samples fit" auto.trec '"batch_users":null,"batches":1,"batch_users_auto":false'
ok "a budget of two users' samples" fit "$R" -o auto2.trec --components 3 --epochs 2 --loss wmrb --sampled-items 5 --max-memory 200
contains "users batched by two, automatically" auto2.trec '"batch_users":2,"batches":6,"batch_users_auto":true'
ok "the same batches given by hand" fit "$R" -o hand2.trec --components 3 --epochs 2 --loss wmrb --sampled-items 5 --batch-users 2
eq "auto batches train as hand-given ones" "$(trec-recommend auto2.trec --all-users -k 3 | md5sum)" "$(trec-recommend hand2.trec --all-users -k 3 | md5sum)"
