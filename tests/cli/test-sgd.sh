# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-sgd.sh - trec-fit --algorithm sgd (--loss bpr|warp|warp-kos|logistic):
# META, determinism (seed; the thread count does not change the model),
# hybrid models and cold start through trec-recommend, trec-eval, errors.
# Data: tests/fixtures/fit (12 x 15: one block) and a synth-movielens set of
# 133 users x 1413 items (8 x 8 strata).
F=$FIX/fit
R=$F/ratings.csr
fit() { trec-fit "$@" -q; }

"$BIN/synth-movielens" --ratings 20000 --seed 3 --out syn 2>/dev/null; made "syn"
trec-ingest -q syn/ratings.csv -o syn.csr; made "syn.csr"
trec-ingest -q --item-features syn/movies.csv --align syn.csr -o syngenres.csr; made "syngenres.csr"
S=syn.csr

# ---- every loss; META ----
for loss in bpr warp warp-kos logistic; do
    ok "--loss $loss" fit "$S" -o "$loss.trec" --loss "$loss" --min-rating 4 --components 8 --epochs 3
    contains "META: $loss is sgd's" "$loss.trec" "\"algorithm\":\"sgd\",\"model_kind\":\"factors\",\"loss\":\"$loss\""
done
contains "META: components and biases" bpr.trec '"components":8,"biases":true'
contains "META: sides" bpr.trec '"user":{"representation":"linear","identity":true,"metadata_features":0,"features":133}'
contains "META: schedule and epochs" bpr.trec '"learning_rate":0.05,"schedule":"adagrad","alpha":0,"epochs":3,"epochs_total":3'
contains "META: no max_sampled for bpr" bpr.trec '"max_sampled":null,"kos_k":null,"kos_n":null,"blocks":8'
contains "META: max_sampled for warp" warp.trec '"max_sampled":10,"kos_k":null'
contains "META: kos_k and kos_n = 2 kos_k" warp-kos.trec '"max_sampled":10,"kos_k":5,"kos_n":10'
contains "META: weights" warp.trec '"min_rating":4,"values":"binary","other_weight":0'
ok "--algorithm sgd alone: warp, k 64, 30 epochs" fit "$R" -o dflt.trec --algorithm sgd --epochs 1
contains "META: sgd's default loss and components" dflt.trec '"loss":"warp","prediction":"dot","components":64'
contains "META: tiny data: one block" dflt.trec '"blocks":1'
ok "--schedule sgd --alpha --learning-rate --max-sampled" fit "$S" -o o1.trec --loss warp --schedule sgd --learning-rate 0.02 --alpha 0.1 --max-sampled 5 --components 4 --epochs 2
contains "META: the options" o1.trec '"learning_rate":0.02,"schedule":"sgd","alpha":0.1,"epochs":2,"epochs_total":2,"max_sampled":5'
ok "--kos-k 2 --no-biases --values raw --other-weight" fit "$S" -o o2.trec --loss warp-kos --kos-k 2 --no-biases --values raw --min-rating 4 --other-weight 0.3 --components 4 --epochs 2
contains "META: kos_k 2, no biases, raw values" o2.trec '"kos_k":2,"kos_n":4'
contains "META: raw values, other weight" o2.trec '"values":"raw","other_weight":0.3'
fit "$S" -o o3.trec --loss warp-kos --components 4 --epochs 2; made "o3.trec"
if cmp -s o2.trec o3.trec; then fail_ "--kos-k changes the model"; else pass_ "--kos-k changes the model"; fi

# ---- determinism: the same bytes for any thread count ----
for t in 1 2 3; do
    fit "$S" -o t$t.trec --loss warp --min-rating 4 --components 8 --epochs 3 --item-features syngenres.csr --threads $t; made "t$t.trec"
done
same "1 and 2 threads: the same model bytes" t1.trec t2.trec
same "1 and 3 threads: the same model bytes" t1.trec t3.trec
fit "$S" -o b1.trec --loss bpr --components 8 --epochs 2 --threads 1 --seed 7; made "b1.trec"
fit "$S" -o b2.trec --loss bpr --components 8 --epochs 2 --threads 2 --seed 7; made "b2.trec"
same "bpr: 1 and 2 threads, the same bytes" b1.trec b2.trec
fit "$S" -o b3.trec --loss bpr --components 8 --epochs 2 --threads 2 --seed 8; made "b3.trec"
if cmp -s b2.trec b3.trec; then fail_ "another seed gives another model"; else pass_ "another seed gives another model"; fi

# ---- readers: trec-info, trec-eval, trec-recommend ----
ok "trec-info reads an sgd model" trec-info warp.trec
ok "trec-eval evaluates an sgd model" trec-eval warp.trec --test "$S" --min-rating 4
ok "trec-recommend for a user" trec-recommend warp.trec --user 1 -k 5
ok "trec-recommend --similar-to" trec-recommend warp.trec --similar-to 1 -k 3

# ---- hybrid and content models; cold start ----
FF=$FIX/fit
ok "hybrid: identity + genres" fit "$FF/ratings.csr" -o hyb.trec --loss warp --item-features "$FF/genres.csr" --components 3 --epochs 5
contains "META: hybrid item side" hyb.trec '"item":{"representation":"linear","identity":true,"metadata_features":3,"features":18}'
trec-recommend hyb.trec --user u1 -k 15 -o plain.tsv; made -s "plain.tsv"
trec-recommend hyb.trec --user u1 -k 15 --item-features "$FF/genres.csr" -o same.tsv; made -s "same.tsv"
same "cold start recomputes exactly the stored representations" same.tsv plain.tsv
printf 'movieId,title,genres\nnew1,A New One,odd|any\nnew2,Another,even\n' >newitems.csv
trec-ingest -q --item-features newitems.csv -o newitems.csr; made "newitems.csr"
trec-recommend hyb.trec --user u1 -k 17 --item-features newitems.csr --no-header -o cold.tsv; made -s "cold.tsv"
eq "new items are ranked (15 + 2)" "$(cut -f3 cold.tsv | grep -c '^new')" 2
ok "content users: user features only" fit "$FF/ratings.csr" -o ucont.trec --loss bpr --user-features "$FF/users.csr" --no-user-identity --components 2 --epochs 5
printf 'userId,group\nnewbie,0\nother,1\n' >newusers.csv
trec-ingest -q --user-features --feature-col group newusers.csv -o nu.csr; made "nu.csr"
trec-recommend ucont.trec --user u1 -k 5 --no-header | cut -f2- >u1.tsv; made -s "u1.tsv"
trec-recommend ucont.trec --user newbie -k 5 --no-header --user-features nu.csr | cut -f2- >newbie.tsv; made -s "newbie.tsv"
same "a new user with u1's features gets u1's list" newbie.tsv u1.tsv

# ---- errors ----
fails "--algorithm sgd with a tensorrec loss" 2 "--loss rmse is not one of sgd's (bpr, warp, warp-kos, logistic)" fit "$R" -o bad.trec --algorithm sgd --loss rmse
contains "... names sgd's losses" "$T/.err" "--loss rmse is not one of sgd's (bpr, warp, warp-kos, logistic)"
fails "--algorithm tensorrec with an sgd loss" 2 "--loss warp is not one of tensorrec's (rmse, rmse-dense, wmrb," fit "$R" -o bad.trec --algorithm tensorrec --loss warp
fails "an option sgd does not take" 2 "--sampled-items does not apply to --algorithm sgd" fit "$R" -o bad.trec --loss warp --sampled-items 5
contains "... is named" "$T/.err" "--sampled-items does not apply to --algorithm sgd"
fails "--user-repr with sgd" 2 "--user-repr does not apply to --algorithm sgd" fit "$R" -o bad.trec --loss bpr --user-repr relu
# --init: sgd starts from a factor model's weights (test-across.sh: on a grown matrix)
ok "--init with sgd" fit "$R" -o cont.trec --loss warp --init dflt.trec --epochs 1 -q
contains "--init: META counts the epochs of both fits" cont.trec '"epochs":1,"epochs_total":2'
fails "--init of another shape" 1 "--init model does not match this fit: different --components" fit "$R" -o bad.trec --loss bpr --components 8 --init dflt.trec
fails "--max-sampled with bpr" 2 "--max-sampled only applies to --loss warp or warp-kos" fit "$R" -o bad.trec --loss bpr --max-sampled 5
contains "... says which losses" "$T/.err" "--max-sampled only applies to --loss warp or warp-kos"
fails "--kos-k with warp" 2 "--kos-k only applies to --loss warp-kos" fit "$R" -o bad.trec --loss warp --kos-k 3
fails "--schedule adadelta" 2 "--schedule: unknown value (adagrad, sgd): adadelta" fit "$R" -o bad.trec --loss warp --schedule adadelta
fails "no positives after --min-rating" 1 "no interactions to train on (after --min-rating)" fit "$R" -o bad.trec --loss warp --min-rating 99
contains "... says so" "$T/.err" "no interactions to train on (after --min-rating)"
fails "a side without features" 1 "the item side has no features: give --item-features or drop --no-item-identity" fit "$R" -o bad.trec --loss warp --no-item-identity
fails "divergence" 1 "the fit diverged at epoch 1" fit "$R" -o bad.trec --loss logistic --schedule sgd --learning-rate 1e30 --alpha 0 --epochs 3
contains "... names the options" "$T/.err" "try a smaller --learning-rate (now 1e+30) or --alpha (now 0)"
