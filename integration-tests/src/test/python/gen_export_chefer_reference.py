"""Reference Chefer relevance (Chefer, Gur, Wolf 2021: R = I; R <- R + mean_heads(relu(dA_b * A_b)) @ R over the
blocks; the class token's row; image: drop the class token, patch grid, bilinear up-sample, per-sample min-max) on
a seeded torchvision VisionTransformer with the weights of parity/export/vit/state_dict.pt (torchvision zeroes a
new ViT's head, which leaves every gradient zero; gen_export_reference.py re-draws it), for ExportCheferIT, which
exports the same model with `ibex-export --attention --state-dict` and runs `ibex explain --method chefer` on it.

The eager model's attention probabilities are read here the authors' way: each block's nn.MultiheadAttention
forward is replaced by a plain eager computation of the same attention that keeps the probabilities with
retain_grad (checked below to give the model's own output), and their gradients come from torch.autograd.grad.
Nothing of ibex-export's probe machinery is used.

usage (from the repository root): /usr/bin/python3 integration-tests/src/test/python/gen_export_chefer_reference.py
writes integration-tests/src/test/resources/parity/export-chefer/{x.npy, logits.npy, chefer.<target>.npy,
chefer.<target>.tokens.npy, reference.json}"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from torchvision.models.vision_transformer import VisionTransformer

OUT = "integration-tests/src/test/resources/parity/export-chefer"
STATE = "integration-tests/src/test/resources/parity/export/vit/state_dict.pt"
ARGS = dict(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64, num_classes=10)

torch.manual_seed(0)
vit = VisionTransformer(**ARGS)
vit.load_state_dict(torch.load(STATE))
vit = vit.eval().double()
torch.manual_seed(1)
x = torch.randn(2, 3, 32, 32, dtype=torch.float64)
with torch.no_grad():
    logits = vit(x)

blocks = [layer.self_attention for layer in vit.encoder.layers]


def eager_attention(mha):
    """The attention of mha (batch_first, no masks), keeping its probabilities for the rule."""

    def forward(query, key, value, need_weights=False, **_):
        n, t, e = query.shape
        h = mha.num_heads
        q, k, v = F.linear(query, mha.in_proj_weight, mha.in_proj_bias).chunk(3, -1)
        q, k, v = (z.reshape(n, t, h, e // h).transpose(1, 2) for z in (q, k, v))
        a = torch.softmax(q @ k.transpose(-2, -1) / (e // h) ** 0.5, -1)
        a.retain_grad()
        mha.probs = a
        out = (a @ v).transpose(1, 2).reshape(n, t, e)
        return mha.out_proj(out), None

    return forward


for mha in blocks:
    mha.forward = eager_attention(mha)
out = vit(x)
assert (out - logits).abs().max().item() < 1e-12, "the eager attention is not the model's"


def relevance(score):
    probs = [m.probs for m in blocks]
    grads = torch.autograd.grad(score, probs, retain_graph=True)
    n, _, t, _ = probs[0].shape
    r = torch.eye(t, dtype=torch.float64).expand(n, t, t)
    for a, g in zip(probs, grads):
        r = r + torch.bmm((g * a).clamp(min=0).mean(1), r)
    return r[:, 0].detach()


def image_map(row):
    g = int(round((row.shape[1] - 1) ** 0.5))
    m = F.interpolate(row[:, 1:].reshape(-1, 1, g, g), size=(32, 32), mode="bilinear", align_corners=False)[:, 0]
    f = m.flatten(1)
    lo, hi = f.min(1, keepdim=True)[0], f.max(1, keepdim=True)[0]
    return ((f - lo) / (hi - lo)).view_as(m)


os.makedirs(OUT, exist_ok=True)
np.save(os.path.join(OUT, "x.npy"), x.numpy())
np.save(os.path.join(OUT, "logits.npy"), logits.numpy())
refs = {"model": "torchvision.models.vision_transformer:VisionTransformer", "arguments": ARGS, "seed": 0,
        "state_dict": "parity/export/vit/state_dict.pt",
        "dtype": "float64", "input": "torch.manual_seed(1); torch.randn(2, 3, 32, 32, dtype=float64)",
        "torch": torch.__version__, "targets": {}}
for tag, classes in (("predicted", logits.argmax(-1)), ("class3", torch.tensor([3, 3]))):
    out = vit(x)
    row = relevance(out[torch.arange(2), classes].sum())
    np.save(os.path.join(OUT, "chefer.%s.tokens.npy" % tag), row.numpy())
    np.save(os.path.join(OUT, "chefer.%s.npy" % tag), image_map(row).numpy())
    refs["targets"][tag] = classes.tolist()
json.dump(refs, open(os.path.join(OUT, "reference.json"), "w"), indent=1)
print("wrote", OUT, refs["targets"])
