# Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause
# test-als-ease.sh - trec-fit --algorithm als / ease end to end: the model
# kinds through trec-info, trec-eval and trec-recommend; EASE's scores against
# the formula computed here in Python from the dumped ratings; determinism
# across thread counts; errors.
F=$FIX/fit
R=$F/ratings.csr
LC_ALL=C; export LC_ALL

# ---- ease: the scores are EASE's (12 users < 15 items: the dual form) ----
ok "ease: fit" trec-fit -q "$R" -o ease.trec --algorithm ease --lambda 2 --min-rating 4 --other-weight 0.5
trec-info ease.trec >ease.txt
contains "ease: trec-info names the kind" ease.txt "model kind: item-item"
contains "ease: the dual form (fewer users than items)" ease.txt "dual form"
contains "ease: META algorithm" ease.trec '"algorithm":"ease","model_kind":"item-item","lambda":2'
trec-info --dump "$R" >ratings.tsv; made -s "ratings.tsv"
trec-recommend ease.trec --all-users -k 15 --no-header >ease.tsv; made -s "ease.tsv"
cat >ease.py <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open("ratings.tsv")]
users, items = [], []
for u, i, v, *rest in rows:
    if u not in users: users.append(u)
    if i not in items: items.append(i)
n = len(items)
X = {}
for u, i, v, *rest in rows:
    X[(u, i)] = 1.0 if float(v) >= 4 else 0.5
# argv: lambda, dropout p, the recommendations[, user exponent e]:
# Lambda = lambda I + p/(1-p) diag(X'X), X's rows divided by their sums^e
lam, p, recs = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
e = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
for u in users:
    s = sum(w for (v, i), w in X.items() if v == u)
    for k in [k for k in X if k[0] == u]:
        X[k] /= s ** e
G = [[sum(X.get((u, items[a]), 0) * X.get((u, items[b]), 0) for u in users)
      for b in range(n)] for a in range(n)]
for a in range(n):
    G[a][a] += lam + p / (1 - p) * G[a][a]
P = [[1.0 if a == b else 0.0 for b in range(n)] for a in range(n)]
for c in range(n):
    d = G[c][c]
    G[c] = [g / d for g in G[c]]; P[c] = [p / d for p in P[c]]
    for r in range(n):
        if r != c:
            f = G[r][c]
            G[r] = [g - f * h for g, h in zip(G[r], G[c])]
            P[r] = [p - f * h for p, h in zip(P[r], P[c])]
B = [[0.0 if j == t else -P[j][t] / P[t][t] for t in range(n)] for j in range(n)]
worst = 0.0
for line in open(recs):
    u, rank, i, s = line.split("\t")[:4]
    t = items.index(i)
    want = sum(X.get((u, items[j]), 0) * B[j][t] for j in range(n))
    worst = max(worst, abs(float(s) - want) / (1 + abs(want)))
print("ok" if worst < 1e-4 else "worst relative error %g" % worst)
PY
eq "ease: every user's scores equal X B, B from the formula" "$(python3 ease.py 2 0 ease.tsv)" "ok"
eq "ease: a full list per user" "$(wc -l <ease.tsv | tr -d ' ')" "180"
trec-recommend ease.trec --similar-to "$(sed -n 1p ratings.tsv | cut -f2)" -k 3 --no-header >sim.tsv
eq "ease: --similar-to gives 3 other items" "$(wc -l <sim.tsv | tr -d ' ')" "3"
ok "ease: trec-eval" sh -c "trec-eval ease.trec --test '$R' --min-rating 4 >eval.txt"
contains "ease: trec-eval table" eval.txt "model "
ok "ease: --json" sh -c "trec-info --json ease.trec | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[\"model_kind\"] == \"item-item\"'"
ok "ease: 1 thread" trec-fit -q "$R" -o e1.trec --algorithm ease --threads 1
ok "ease: 3 threads" trec-fit -q "$R" -o e3.trec --algorithm ease --threads 3
same "ease: the thread count does not change the model" e1.trec e3.trec
# ---- --dropout: EDLAE's regulariser, in the dual form (column weights) ----
ok "ease --dropout: fit" trec-fit -q "$R" -o edlae.trec --algorithm ease --lambda 2 --dropout 0.3 --min-rating 4 --other-weight 0.5
trec-info edlae.trec >edlae.txt
contains "ease --dropout: the dual form keeps column weights" edlae.txt "user kernel, column weights)"
contains "ease --dropout: META" edlae.trec '"lambda":2,"dropout":0.3'
trec-recommend edlae.trec --all-users -k 15 --no-header >edlae.tsv; made -s "edlae.tsv"
eq "ease --dropout: every user's scores equal X B, Lambda = lambda I + p/(1-p) diag(X'X)" "$(python3 ease.py 2 0.3 edlae.tsv)" "ok"
eq "ease --dropout: not EASE's scores" "$(cmp -s edlae.tsv ease.tsv && echo same)" ""
ok "ease --dropout: trec-eval reads it" sh -c "trec-eval edlae.trec --test '$R' --min-rating 4 >/dev/null"
# ---- --user-exponent: rows scaled by their weight sums^-e; fold-in alike ----
ok "ease --user-exponent: fit" trec-fit -q "$R" -o ue.trec --algorithm ease --lambda 0.5 --user-exponent 0.5 --min-rating 4 --other-weight 0.5
contains "ease --user-exponent: META" ue.trec '"user_exponent":0.5'
trec-recommend ue.trec --all-users -k 15 --no-header >ue.tsv; made -s "ue.tsv"
eq "ease --user-exponent: scores equal X B with X's rows scaled" "$(python3 ease.py 0.5 0 ue.tsv 0.5)" "ok"
u1=$(cut -f1 ratings.tsv | head -n 1)
{ echo userId,movieId,rating; awk -F'\t' -v u="$u1" '$1 == u { print $1 "," $2 "," $3 }' ratings.tsv; } >hist-ue.csv
trec-recommend ue.trec --user "$u1" --exclude "$R" -k 5 --no-header >ue-own.tsv; made -s "ue-own.tsv"
trec-recommend ue.trec --history hist-ue.csv -k 5 --no-header >ue-folded.tsv; made -s "ue-folded.tsv"
same "ease --user-exponent: a folded-in user scores as itself" ue-own.tsv ue-folded.tsv
fails "ease: --dropout 1 is refused" 2 "--dropout: '1' is not a number in [0, 0.99]" trec-fit -q "$R" -o x.trec --algorithm ease --dropout 1
fails "als: --dropout does not apply" 2 "--dropout does not apply to --algorithm als" trec-fit -q "$R" -o x.trec --algorithm als --dropout 0.2
fails "ease: --components does not apply" 2 "--components does not apply to --algorithm ease: ease learns item-item" trec-fit -q "$R" -o x.trec --algorithm ease --components 4
contains "ease: the message names the option and algorithm" "$T/.err" "--components does not apply to --algorithm ease"
fails "ease: beyond --max-memory" 1 "ease needs about 0.0 GiB for its 12 x 12 user-user matrix, more than" trec-fit -q "$R" -o x.trec --algorithm ease --max-memory 100
contains "ease: the refusal suggests als" "$T/.err" "use --algorithm als"
fails "ease: --max-memory must be a size" 2 "--max-memory: 'lots' is not a size (bytes, or a number with K, M, G or T)" trec-fit -q "$R" -o x.trec --algorithm ease --max-memory lots
fails "ease: cold start from features does not apply" 1 "users.csr: an item-item model has no feature weights, so features do not" trec-recommend ease.trec --user-features "$F/users.csr" --all-users
contains "ease: cold start: says why" "$T/.err" "item-item model has no feature weights"

# ---- als ----
ok "als: fit" trec-fit -q "$R" -o als.trec --algorithm als --components 4 --epochs 6 --min-rating 4
trec-info als.trec >als.txt
contains "als: a factors model" als.txt "model kind: factors"
contains "als: META" als.trec '"algorithm":"als","model_kind":"factors","components":4,"epochs":6,"epochs_total":6,"lambda":0.1'
ok "als: 1 thread" trec-fit -q "$R" -o a1.trec --algorithm als --components 4 --epochs 6 --min-rating 4 --threads 1
ok "als: 3 threads" trec-fit -q "$R" -o a3.trec --algorithm als --components 4 --epochs 6 --min-rating 4 --threads 3
same "als: the thread count does not change the model" a1.trec a3.trec
ok "als: 2 iterations" trec-fit -q "$R" -o h.trec --algorithm als --components 4 --epochs 2 --min-rating 4
ok "als: 4 more from it" trec-fit -q "$R" -o h2.trec --algorithm als --components 4 --epochs 4 --min-rating 4 --init h.trec
trec-recommend als.trec --all-users -k 15 >r6.tsv; made -s "r6.tsv"
trec-recommend h2.trec --all-users -k 15 >r24.tsv; made -s "r24.tsv"
same "als: 2 + 4 iterations recommend exactly as 6" r6.tsv r24.tsv
contains "als: --init continues the iteration count" h2.trec '"epochs_total":6'
ok "als: cholesky" trec-fit -q "$R" -o ch.trec --algorithm als --components 4 --solver cholesky --confidence log --lambda-exponent 1 --lambda 0.001
ok "als: trec-eval" sh -c "trec-eval als.trec --test '$R' --train '$R' --min-rating 4 >eval.txt"
fails "als: metadata features do not apply" 2 "--item-features does not apply to --algorithm als: als learns one" trec-fit -q "$R" -o x.trec --algorithm als --item-features "$F/genres.csr"
contains "als: the message points to sgd" "$T/.err" "use --algorithm sgd"
fails "als: --init from an item-item model" 1 "--init model does not match this fit: als continues a model of identity" trec-fit -q "$R" -o x.trec --algorithm als --components 4 --init ease.trec
fails "als: --cg-steps with --solver cholesky" 2 "--cg-steps goes with --solver cg" trec-fit -q "$R" -o x.trec --algorithm als --solver cholesky --cg-steps 3
fails "unknown algorithm" 2 "unknown algorithm 'nope' (tensorrec, sgd, als, ease)" trec-fit -q "$R" -o x.trec --algorithm nope
contains "unknown algorithm: lists them" "$T/.err" "tensorrec, sgd, als, ease"

# ---- fold-in: trec-recommend --liked / --history, trec-eval --fold-in ----
u1=$(cut -f1 ratings.tsv | head -n 1)
awk -F'\t' -v u="$u1" '$1 == u { print $1 "," $2 "," $3 }' ratings.tsv >hist.csv
printf 'userId,movieId,rating\n' | cat - hist.csv >hist-h.csv
trec-recommend ease.trec --user "$u1" --exclude "$R" -k 5 --no-header >own.tsv; made -s "own.tsv"
trec-recommend ease.trec --history hist-h.csv -k 5 --no-header >folded.tsv; made -s "folded.tsv"
same "ease: a user folded in from its ratings (header skipped, weighted as trained) ranks as itself" own.tsv folded.tsv
awk -F'\t' -v u="$u1" '$1 == u && $3 >= 4 { printf "%s%s", s, $2; s = "," }' ratings.tsv >liked.txt
trec-recommend ease.trec --liked "$(cat liked.txt)" -k 15 --no-header >liked.tsv; made -s "liked.tsv"
eq "--liked: the user is 'liked'" "$(cut -f1 liked.tsv | sort -u)" "liked"
eq "--liked: the liked items are left out" "$(cut -f3 liked.tsv | grep -cxF -f "$(printf '%s\n' "$(tr ',' '\n' <liked.txt)" >liked.lst; echo liked.lst)")" "0"
trec-recommend ease.trec --liked "$(cat liked.txt),no-such-item" -k 3 2>warn.txt >/dev/null
contains "--liked: an unknown item is a warning" warn.txt "warning: 1 history item not in ease.trec, skipped (first: 'no-such-item')"
printf 'u,%s,abc\n' "$(cut -f2 ratings.tsv | head -n 1)" >bad.csv
fails "--history: a value that is not a number" 1 "bad.csv: line 1: field 3 (value): 'abc' is not a number" trec-recommend ease.trec --history bad.csv
contains "--history: names file, line and field" "$T/.err" "bad.csv: line 1: field 3 (value): 'abc' is not a number"
ok "fold-in --exclude: a matrix with the model's items" trec-recommend ease.trec --history hist-h.csv -k 3 --no-header --exclude "$R"
trec-recommend ease.trec --history hist-h.csv -k 3 --no-header --exclude "$R" >fx.tsv; made -s "fx.tsv"
trec-recommend ease.trec --user "$u1" -k 3 --no-header --exclude "$R" >ux.tsv; made -s "ux.tsv"
same "fold-in --exclude: rows matched by raw user id (a user in R: its R items left out)" ux.tsv fx.tsv
printf 'someone-new,%s\n' "$(cat liked.txt | tr ',' '\n' | head -n 3 | paste -sd, | sed 's/,/\nsomeone-new,/g')" >new.csv
trec-recommend ease.trec --history new.csv -k 5 --no-header >n1.tsv; made -s "n1.tsv"
trec-recommend ease.trec --history new.csv -k 5 --no-header --exclude "$R" >n2.tsv; made -s "n2.tsv"
same "fold-in --exclude: a user not in the matrix loses nothing more" n1.tsv n2.tsv
# --exclude is matched to the model's items by raw id: a matrix of other
# columns (genres) excludes nothing, and says so.
trec-recommend ease.trec --liked "$(cat liked.txt)" --exclude "$FIX/fit/genres.csr" >g.tsv 2>g.err; made "g.tsv"
trec-recommend ease.trec --liked "$(cat liked.txt)" -q >g0.tsv; made "g0.tsv"
same "fold-in --exclude: a matrix of other items leaves nothing out" g.tsv g0.tsv
contains "fold-in --exclude: its items are counted as skipped" g.err "items not in ease.trec skipped"
contains "fold-in --exclude: says which" g.err "genres.csr"
ok "als: converged (cholesky, 40 iterations)" trec-fit -q "$R" -o conv.trec --algorithm als --components 3 --solver cholesky --epochs 40 --min-rating 4
trec-eval conv.trec --test "$R" --train "$R" --min-rating 4 --tsv -q | cut -f1-4 >e-fit.tsv; made -s "e-fit.tsv"
trec-eval conv.trec --test "$R" --train "$R" --min-rating 4 --tsv -q --fold-in | cut -f1-4 >e-fold.tsv; made -s "e-fold.tsv"
same "als: at convergence folded-in users rank as the fitted ones" e-fit.tsv e-fold.tsv
fails "--fold-in needs --train" 2 "--fold-in needs --train FILE (the histories to fold in)" trec-eval conv.trec --test "$R" --fold-in
ok "tensorrec model predicting with cosine" trec-fit -q "$R" -o cos.trec --algorithm tensorrec --components 3 --epochs 2 --predict cosine
fails "fold-in of a cosine model" 1 "fold-in solves for dot-product scores; this model predicts with cosine" trec-recommend cos.trec --liked "$(cat liked.txt)"
contains "fold-in of a cosine model: says why" "$T/.err" "fold-in solves for dot-product scores; this model predicts with cosine"
