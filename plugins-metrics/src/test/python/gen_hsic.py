"""Independent reference for the HSIC-based information metrics (numpy only).

Writes x.npy (6,1,4,4), r.npy (6,1,4,4), m.npy (6,4,4) and expected.npy holding, in order:
info-differential (raw), info-differential (normalised), dependence-fg, dependence-bg,
dependence-xfg-rbg, dependence-xbg-rfg (normalised), and the raw fg and bg terms.
Run: /usr/bin/python3 gen_hsic.py OUTDIR
"""
import sys
import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)
n = 6
x = rng.normal(size=(n, 1, 4, 4)).astype(np.float32)
r = (0.8 * x + 0.3 * rng.normal(size=x.shape)).astype(np.float32)
m = np.zeros((n, 4, 4), np.float32)
for i in range(n):
    m[i, i % 2: i % 2 + 2, 1:3 + i % 2] = 1


def hsic(a, b):
    a = a.reshape(n, -1).astype(np.float64)
    b = b.reshape(n, -1).astype(np.float64)
    a = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-300)
    b = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-300)
    k = a @ a.T
    l = b @ b.T
    h = np.eye(n) - np.ones((n, n)) / n
    return np.trace(k @ h @ l @ h) / (n - 1) ** 2


def nhsic(a, b):
    return hsic(a, b) / np.sqrt(hsic(a, a) * hsic(b, b))


mm = m[:, None]
xf, xb, rf, rb = x * mm, x * (1 - mm), r * mm, r * (1 - mm)
expected = np.array([
    hsic(rf, xf) - hsic(rb, xb),
    nhsic(rf, xf) - nhsic(rb, xb),
    nhsic(rf, xf), nhsic(rb, xb), nhsic(rb, xf), nhsic(rf, xb),
    hsic(rf, xf), hsic(rb, xb)])
np.save(f"{out}/x.npy", x)
np.save(f"{out}/r.npy", r)
np.save(f"{out}/m.npy", m)
np.save(f"{out}/expected.npy", expected)
print(expected)
