"""Reference M2IB maps on the toy CLIP (parity/clip/clip.pt), written independently of ibex from the
description of the authors' code (YingWANGG/M2IB scripts/iba.py): per-element λ = sigmoid(α), α0 = 5,
Z = λ·h + (1−λ)·ε, capacity = KL(N(λh, (1−λ)²) ‖ N(0,1)), loss = β·mean(capacity) − mean(cos), Adam lr 1,
10 steps of 10 draws; the heatmap is the capacity buffered in the last step's forward pass (before its
update), as the authors' code reads `buffer_capacity`. Noise scale 0 makes the result deterministic, so Java and PyTorch can be compared
exactly; the noisy path is tested for behaviour in Java.
usage: /usr/bin/python3 gen_m2ib_reference.py CLIP_DIR"""
import sys, os, numpy as np, torch, torch.nn.functional as F
d = sys.argv[1]
m = torch.jit.load(os.path.join(d, "clip.pt"))
x = torch.tensor(np.load(os.path.join(d, "pixels.npy"))); ids = torch.tensor(np.load(os.path.join(d, "ids.npy")))
ie = torch.tensor(np.load(os.path.join(d, "image_embeddings.npy"))); te = torch.tensor(np.load(os.path.join(d, "text_embeddings.npy")))
BETA, STEPS, DRAWS, LR, INIT = 0.1, 10, 10, 1.0, 5.0

def m2ib(h, tail, other):
    out = []
    for s in range(h.shape[0]):
        hs = h[s:s + 1]
        alpha = torch.full_like(hs, INIT, requires_grad=True)
        opt = torch.optim.Adam([alpha], lr=LR)
        for _ in range(STEPS):
            opt.zero_grad()
            lam = torch.sigmoid(alpha)
            # what the authors' bottleneck buffers in every forward pass; the last one is the heatmap
            buffered = (0.5 * ((1 - lam).clamp_min(1e-12) ** 2 + (lam * hs) ** 2 - 1)
                        - torch.log((1 - lam).clamp_min(1e-12))).detach()
            z = (lam * hs).expand(DRAWS, *hs.shape[1:])          # ε scaled by 0: Z = λ·h
            cos = F.cosine_similarity(tail(z, s), other[s:s + 1].expand(DRAWS, -1), eps=1e-6).mean()
            std = (1 - lam).clamp_min(1e-12)
            cap = 0.5 * (std ** 2 + (lam * hs) ** 2 - 1) - torch.log(std)
            (BETA * cap.mean() - cos).backward(); opt.step()
        out.append(buffered.sum(-1))
    return torch.cat(out)
def minmax(a):
    f = a.flatten(1); lo = f.min(1, keepdim=True)[0]; hi = f.max(1, keepdim=True)[0]
    return ((f - lo) / (hi - lo)).view_as(a)
with torch.no_grad():
    hi_, ht = m.to_image_2(x), m.to_text_2(ids)
img = m2ib(hi_, lambda z, s: m.from_image_2(z), te)[:, 1:]
g = int(img.shape[1] ** 0.5)
img = minmax(F.interpolate(img.reshape(-1, 1, g, g), size=x.shape[-2:], mode="bilinear")[:, 0])
txt = minmax(m2ib(ht, lambda z, s: m.from_text_2(z, ids[s:s + 1].expand(z.shape[0], -1)), ie))
np.save(os.path.join(d, "m2ib.image.npy"), img.detach().numpy().astype(np.float32))
np.save(os.path.join(d, "m2ib.text.npy"), txt.detach().numpy().astype(np.float32))
print("ok", img.shape, txt.shape)
