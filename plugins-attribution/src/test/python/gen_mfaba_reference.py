"""Independent re-implementation of MFABA (Zhu et al., AAAI 2024) for the Java parity test.

Written from the paper's algorithm and the authors' public code (LMBTough/MFABA, saliency/core/mfaba.py:
FGSMGrad + MFABA): one sample at a time, a separate early-stop forward after every step, as the
authors do. For a path x_0 = x, x_1, ..., x_K (K <= steps) that descends the score S:
    smooth: x_{t+1} = clip_[lo,hi](x + clip_[-eps,eps](x_t - a*sign(g_t) - x))
    sharp:  x_{t+1} = clip_[lo,hi](x_t - 100*a*g_t/||g_t||_2)
    g_t = dS/dx(x_t), S = softmax(logits)[y] (score=softmax) or logits[y] (score=target)
    stop after the step whose point is no longer classified as y (early stop)
    attribution = -sum_{t<K} (x_{t+1} - x_t) * g_t
Targets: the predicted class of each sample.
Runs in the fixture's dtype (float64: model.pt exported after .double(), x.npy float64) and writes it.
usage: /usr/bin/python3 gen_mfaba_reference.py FIXTURE_DIR OUT_DIR
"""
import json, os, sys
import numpy as np, torch

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
m = torch.jit.load(os.path.join(src, "model.pt")).eval()
X = torch.tensor(np.load(os.path.join(src, "x.npy")))
Y = m(X).argmax(-1).numpy()  # the predicted class: paths start correctly classified

def score(logits, y, kind):
    return torch.softmax(logits, -1)[0, y] if kind == "softmax" else logits[0, y]

def mfaba(x, y, variant, steps, a, eps, lo, hi, kind, early_stop):
    x0 = x.clone()
    cur = x.clone()
    attr = torch.zeros_like(x)
    taken = 0
    for t in range(steps):
        p = cur.clone().requires_grad_(True)
        g, = torch.autograd.grad(score(m(p), y, kind), p)
        if variant == "smooth":
            nxt = torch.clamp(x0 + torch.clamp(cur - a * g.sign() - x0, -eps, eps), lo, hi)
        else:
            nxt = torch.clamp(cur - 100 * a * g / g.norm(), lo, hi)
        attr -= (nxt - cur) * g
        cur = nxt
        taken = t + 1
        if early_stop and int(m(cur).argmax(-1)) != y:
            break
    with torch.no_grad():
        gap = float(attr.sum() - (score(m(x0), y, kind) - score(m(cur), y, kind)))
    return attr, taken, gap

configs = {
    "mfaba.smooth": dict(variant="smooth", steps=12, a=0.08, eps=0.5, lo=-2.5, hi=2.5, kind="softmax", early_stop=True),
    "mfaba.sharp": dict(variant="sharp", steps=12, a=0.06, eps=float("inf"), lo=-float("inf"), hi=float("inf"), kind="softmax", early_stop=True),
    "mfaba.target-score": dict(variant="smooth", steps=10, a=0.01, eps=float("inf"), lo=-float("inf"), hi=float("inf"), kind="target", early_stop=False),
}
ref = {}
for name, c in configs.items():
    attrs, taken, gaps = [], [], []
    for i in range(X.shape[0]):
        a, k, g = mfaba(X[i:i+1], int(Y[i]), **c)
        attrs.append(a); taken.append(k); gaps.append(g)
    np.save(os.path.join(out, name + ".npy"), torch.cat(attrs).detach().numpy())
    ref[name] = dict(c, steps_taken=taken, completeness_gap=gaps, dtype=str(X.dtype))
    print(name, "steps taken", taken, "gaps", ["%.2g" % g for g in gaps])
json.dump(ref, open(os.path.join(out, "reference.json"), "w"), indent=1)
