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
G = [[(2.0 if a == b else 0.0) + sum(X.get((u, items[a]), 0) * X.get((u, items[b]), 0) for u in users)
      for b in range(n)] for a in range(n)]
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
for line in open("ease.tsv"):
    u, rank, i, s = line.split("\t")[:4]
    t = items.index(i)
    want = sum(X.get((u, items[j]), 0) * B[j][t] for j in range(n))
    worst = max(worst, abs(float(s) - want) / (1 + abs(want)))
print("ok" if worst < 1e-4 else "worst relative error %g" % worst)
