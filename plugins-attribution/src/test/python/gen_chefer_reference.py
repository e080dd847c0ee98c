"""The toy CLIP (parity/clip) re-exported with the attention contract, a small seeded ViT classifier, and
reference Chefer relevance maps for both (Chefer, Gur, Wolf 2021, "Generic Attention-model Explainability",
the rule of their CLIP notebook: R = I; for each block b from `start`: R <- R + mean_heads(relu(dA_b * A_b)) @ R;
read the row of the class token (image, classifier) or of the EOT token (text: the highest id); image: drop the
class token, patch grid, bilinear up-sample (align_corners=false), per-sample min-max; text: per token, min-max).

The CLIP is rebuilt exactly as /work/shared/parity/gen_clip_reference.py builds it with seed 7 (same weights, same
graph for encode_image / encode_text / to_* / from_*, so NIB and M2IB references stay valid; checked below against
the committed embeddings), plus the attention contract that the `chefer` attributor reads:

  attention_shape_<entry>(x) -> int64 tensor [blocks, heads, tokens]      (from x's shape only, no forward pass)
  attention_<entry>(x, probe) -> (output, attention)
      probe: float (blocks, N, heads, tokens, tokens) zeros, added to each block's attention probabilities;
      attention: the probabilities (probe included), stacked the same way. d output / d probe = d output / d A.

Here the references are computed on the eager modules, reading each block's attention probabilities and their
gradients with retain_grad (the authors' way, blk.attn_probs and torch.autograd.grad), not through the probes.
check_chefer_against_authors.py runs the authors' own `interpret` function (their CLIP_explainability notebook,
read at run time) on these modules against the references: equal to <= 4e-9.

Writes CLIP_DIR/{clip.pt, chefer.*.npy, chefer.json} and VIT_DIR/{model.pt, x.npy, logits.npy, chefer.*.npy,
reference.json}. Run with Debian's torch 1.13:
  /usr/bin/python3 gen_chefer_reference.py CLIP_DIR VIT_DIR"""
import sys, os, json, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from typing import List, Tuple

clip_dir, vit_dir = sys.argv[1], sys.argv[2]
os.makedirs(vit_dir, exist_ok=True)
D, H, LAYERS, P, IMG, VOCAB, CTX, E = 64, 4, 4, 8, 32, 64, 8, 32
LAYER = 2


class Block(nn.Module):
    def __init__(s):
        super().__init__()
        s.ln1 = nn.LayerNorm(D); s.q = nn.Linear(D, D); s.k = nn.Linear(D, D); s.v = nn.Linear(D, D); s.o = nn.Linear(D, D)
        s.ln2 = nn.LayerNorm(D); s.fc1 = nn.Linear(D, 4 * D); s.fc2 = nn.Linear(4 * D, D); s.heads = H; s.dh = D // H; s.d = D
        s.keep = False
        s.attn_probs = torch.zeros(1)

    def forward(s, x, mask: torch.Tensor):
        b, t, _ = x.shape; h = s.ln1(x); H, D = s.heads, s.d
        q = s.q(h).view(b, t, H, D // H).transpose(1, 2) * (s.dh ** -0.5)
        k = s.k(h).view(b, t, H, D // H).transpose(1, 2); v = s.v(h).view(b, t, H, D // H).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2) + mask, -1)
        if not torch.jit.is_scripting() and s.keep:   # the eager reference reads A and dA here
            a.retain_grad(); s.attn_probs = a
        x = x + s.o((a @ v).transpose(1, 2).reshape(b, t, D))
        h = s.fc1(s.ln2(x)); h = h * torch.sigmoid(1.702 * h)   # quick_gelu
        return x + s.fc2(h)

    @torch.jit.export
    def probed(s, x, mask: torch.Tensor, probe: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """forward with `probe` (N, heads, T, T) added to the attention probabilities; returns them too."""
        b, t, _ = x.shape; h = s.ln1(x); H, D = s.heads, s.d
        q = s.q(h).view(b, t, H, D // H).transpose(1, 2) * (s.dh ** -0.5)
        k = s.k(h).view(b, t, H, D // H).transpose(1, 2); v = s.v(h).view(b, t, H, D // H).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2) + mask, -1) + probe
        x = x + s.o((a @ v).transpose(1, 2).reshape(b, t, D))
        h = s.fc1(s.ln2(x)); h = h * torch.sigmoid(1.702 * h)
        return x + s.fc2(h), a


class Clip(nn.Module):
    def __init__(s):
        super().__init__()
        s.patch = nn.Conv2d(3, D, P, P, bias=False); s.cls = nn.Parameter(torch.randn(D) * 0.5)
        s.vpos = nn.Parameter(torch.randn((IMG // P) ** 2 + 1, D) * 0.5); s.pre = nn.LayerNorm(D)
        s.vblocks = nn.ModuleList([Block() for _ in range(LAYERS)]); s.post = nn.LayerNorm(D); s.vproj = nn.Linear(D, E, bias=False)
        s.tok = nn.Embedding(VOCAB, D); s.tpos = nn.Parameter(torch.randn(CTX, D) * 0.5)
        s.tblocks = nn.ModuleList([Block() for _ in range(LAYERS)]); s.final = nn.LayerNorm(D); s.tproj = nn.Linear(D, E, bias=False)
        s.register_buffer("causal", torch.full((CTX, CTX), float("-inf")).triu(1)); s.d = D; s.layer = LAYER
        s.nheads = H; s.p = P

    def image_tokens(s, x):
        h = s.patch(x).flatten(2).transpose(1, 2)
        h = torch.cat([s.cls.expand(h.shape[0], 1, s.d), h], 1) + s.vpos
        return s.pre(h)

    @torch.jit.export
    def to_image_2(s, x):
        h = s.image_tokens(x); z = torch.zeros(1)
        for i, b in enumerate(s.vblocks):
            if i < s.layer: h = b(h, z)
        return h

    @torch.jit.export
    def from_image_2(s, h):
        z = torch.zeros(1)
        for i, b in enumerate(s.vblocks):
            if i >= s.layer: h = b(h, z)
        return s.vproj(s.post(h[:, 0]))

    @torch.jit.export
    def to_text_2(s, ids):
        h = s.tok(ids) + s.tpos[: ids.shape[1]]; m = s.causal[: ids.shape[1], : ids.shape[1]]
        for i, b in enumerate(s.tblocks):
            if i < s.layer: h = b(h, m)
        return h

    @torch.jit.export
    def from_text_2(s, h, ids):
        m = s.causal[: ids.shape[1], : ids.shape[1]]
        for i, b in enumerate(s.tblocks):
            if i >= s.layer: h = b(h, m)
        h = s.final(h)
        return s.tproj(h[torch.arange(h.shape[0]), ids.argmax(-1)])

    @torch.jit.export
    def encode_image(s, x): return s.from_image_2(s.to_image_2(x))

    @torch.jit.export
    def encode_text(s, ids): return s.from_text_2(s.to_text_2(ids), ids)

    # the attention contract (see the module docstring)
    @torch.jit.export
    def attention_shape_encode_image(s, x):
        return torch.tensor([len(s.vblocks), s.nheads, (x.shape[2] // s.p) * (x.shape[3] // s.p) + 1])

    @torch.jit.export
    def attention_encode_image(s, x, probe) -> Tuple[torch.Tensor, torch.Tensor]:
        h = s.image_tokens(x); z = torch.zeros(1); maps: List[torch.Tensor] = []
        for i, b in enumerate(s.vblocks):
            h, a = b.probed(h, z, probe[i]); maps.append(a)
        return s.vproj(s.post(h[:, 0])), torch.stack(maps)

    @torch.jit.export
    def attention_shape_encode_text(s, ids):
        return torch.tensor([len(s.tblocks), s.nheads, ids.shape[1]])

    @torch.jit.export
    def attention_encode_text(s, ids, probe) -> Tuple[torch.Tensor, torch.Tensor]:
        h = s.tok(ids) + s.tpos[: ids.shape[1]]; m = s.causal[: ids.shape[1], : ids.shape[1]]
        maps: List[torch.Tensor] = []
        for i, b in enumerate(s.tblocks):
            h, a = b.probed(h, m, probe[i]); maps.append(a)
        h = s.final(h)
        return s.tproj(h[torch.arange(h.shape[0]), ids.argmax(-1)]), torch.stack(maps)

    def forward(s, x, ids):
        i = F.normalize(s.encode_image(x), dim=-1); t = F.normalize(s.encode_text(ids), dim=-1)
        return i @ t.t()


VIT_BLOCKS, CLASSES = 3, 10


class Vit(nn.Module):
    """A ViT classifier at toy width: patch conv, class token, pre-norm blocks, final LayerNorm on the class token,
    linear head."""
    def __init__(s):
        super().__init__()
        s.patch = nn.Conv2d(3, D, P, P); s.cls = nn.Parameter(torch.randn(D) * 0.5)
        s.pos = nn.Parameter(torch.randn((IMG // P) ** 2 + 1, D) * 0.5)
        s.blocks = nn.ModuleList([Block() for _ in range(VIT_BLOCKS)]); s.norm = nn.LayerNorm(D); s.head = nn.Linear(D, CLASSES)
        s.d = D; s.nheads = H; s.p = P

    def tokens(s, x):
        h = s.patch(x).flatten(2).transpose(1, 2)
        return torch.cat([s.cls.expand(h.shape[0], 1, s.d), h], 1) + s.pos

    def forward(s, x):
        h = s.tokens(x); z = torch.zeros(1)
        for b in s.blocks: h = b(h, z)
        return s.head(s.norm(h[:, 0]))

    @torch.jit.export
    def attention_shape_forward(s, x):
        return torch.tensor([len(s.blocks), s.nheads, (x.shape[2] // s.p) * (x.shape[3] // s.p) + 1])

    @torch.jit.export
    def attention_forward(s, x, probe) -> Tuple[torch.Tensor, torch.Tensor]:
        h = s.tokens(x); z = torch.zeros(1); maps: List[torch.Tensor] = []
        for i, b in enumerate(s.blocks):
            h, a = b.probed(h, z, probe[i]); maps.append(a)
        return s.head(s.norm(h[:, 0])), torch.stack(maps)


# ---- models ----
torch.manual_seed(7)
clip = Clip().eval()
x = torch.randn(3, 3, IMG, IMG)
ids = torch.randint(1, VOCAB - 1, (3, CTX)); ids[:, 0] = 0; ids[:, -1] = VOCAB - 1
assert np.array_equal(x.numpy(), np.load(os.path.join(clip_dir, "pixels.npy"))), "not the committed toy CLIP"
assert np.array_equal(ids.numpy(), np.load(os.path.join(clip_dir, "ids.npy")))
with torch.no_grad():
    ie, te = clip.encode_image(x), clip.encode_text(ids)
assert np.array_equal(ie.numpy(), np.load(os.path.join(clip_dir, "image_embeddings.npy")))
assert np.array_equal(te.numpy(), np.load(os.path.join(clip_dir, "text_embeddings.npy")))
names = ["to_image_2", "from_image_2", "to_text_2", "from_text_2", "encode_image", "encode_text",
         "attention_shape_encode_image", "attention_encode_image", "attention_shape_encode_text", "attention_encode_text"]
torch.jit.freeze(torch.jit.script(clip), preserved_attrs=names).save(os.path.join(clip_dir, "clip.pt"))

torch.manual_seed(11)
vit = Vit().eval()
vx = torch.randn(4, 3, IMG, IMG)
torch.jit.freeze(torch.jit.script(vit), preserved_attrs=["attention_shape_forward", "attention_forward"]).save(
    os.path.join(vit_dir, "model.pt"))
with torch.no_grad():
    logits = vit(vx)
np.save(os.path.join(vit_dir, "x.npy"), vx.numpy()); np.save(os.path.join(vit_dir, "logits.npy"), logits.numpy())


# ---- the rule, on the eager modules ----
def relevance(blocks, score, start):
    """R over the blocks from `start` (negative: counted from the end), (N, T, T)."""
    attn = [b.attn_probs for b in blocks]
    n, _, t, _ = attn[0].shape
    grads = torch.autograd.grad(score, attn)
    R = torch.eye(t).unsqueeze(0).expand(n, t, t)
    first = start % len(blocks)
    for i in range(first, len(blocks)):
        cam = (grads[i].detach() * attn[i].detach()).clamp(min=0).mean(dim=1)
        R = R + torch.bmm(cam, R)
    return R


def keep(blocks, on):
    for b in blocks: b.keep = on


def minmax(a):
    f = a.flatten(1); lo = f.min(1, keepdim=True)[0]; hi = f.max(1, keepdim=True)[0]
    return ((f - lo) / (hi - lo)).view_as(a)


def image_map(row):          # (N, T) with the class token first -> (N, IMG, IMG)
    g = int(round((row.shape[1] - 1) ** 0.5))
    return minmax(F.interpolate(row[:, 1:].reshape(-1, 1, g, g), size=(IMG, IMG), mode="bilinear")[:, 0])


def clip_image(start):
    keep(clip.vblocks, True)
    out = clip.encode_image(x)
    R = relevance(clip.vblocks, F.cosine_similarity(out, te, eps=1e-8).sum(), start)
    keep(clip.vblocks, False)
    return R[:, 0]


def clip_text(start):
    keep(clip.tblocks, True)
    out = clip.encode_text(ids)
    R = relevance(clip.tblocks, F.cosine_similarity(out, ie, eps=1e-8).sum(), start)
    keep(clip.tblocks, False)
    return R[torch.arange(R.shape[0]), ids.argmax(-1)]


def vit_rows(classes, start):
    keep(vit.blocks, True)
    out = vit(vx)
    R = relevance(vit.blocks, out[torch.arange(out.shape[0]), classes].sum(), start)
    keep(vit.blocks, False)
    return R[:, 0]


refs = {}
for start, tag in [(0, ""), (-1, ".last")]:
    ri, rt = clip_image(start), clip_text(start)
    np.save(os.path.join(clip_dir, f"chefer.image{tag}.tokens.npy"), ri.numpy())
    np.save(os.path.join(clip_dir, f"chefer.image{tag}.npy"), image_map(ri).numpy())
    np.save(os.path.join(clip_dir, f"chefer.text{tag}.tokens.npy"), rt.numpy())
    np.save(os.path.join(clip_dir, f"chefer.text{tag}.npy"), minmax(rt).numpy())
    for side in ("image", "text"):
        refs[f"chefer.{side}{tag}"] = dict(method="chefer", modality=side, **{"start-block": start},
                                           objective=f"cosine to the paired {'caption' if side == 'image' else 'image'}'s embedding",
                                           tokens=f"chefer.{side}{tag}.tokens.npy: the relevance row before mapping (normalise=none)")
json.dump(refs, open(os.path.join(clip_dir, "chefer.json"), "w"), indent=1)

predicted = logits.argmax(-1)
vrefs = {}
for cls, tag in [(predicted, "predicted"), (torch.full((4,), 3), "class3")]:
    for start, st in [(0, ""), (-1, ".last")]:
        r = vit_rows(cls, start)
        np.save(os.path.join(vit_dir, f"chefer.{tag}{st}.tokens.npy"), r.numpy())
        np.save(os.path.join(vit_dir, f"chefer.{tag}{st}.npy"), image_map(r).numpy())
        vrefs[f"chefer.{tag}{st}"] = dict(method="chefer", target=tag if tag == "predicted" else "class 3", **{"start-block": start})
json.dump(vrefs, open(os.path.join(vit_dir, "reference.json"), "w"), indent=1)

# the probes give the same gradients as retain_grad on the eager model (the contract's promise)
scripted = torch.jit.load(os.path.join(clip_dir, "clip.pt"))
shape = scripted.attention_shape_encode_image(x).tolist()
probe = torch.zeros(shape[0], 3, shape[1], shape[2], shape[2], requires_grad=True)
out, att = scripted.attention_encode_image(x, probe)
assert torch.allclose(out, ie, atol=1e-6)
g, = torch.autograd.grad(F.cosine_similarity(out, te, eps=1e-8).sum(), probe)
cam = (g * att.detach()).clamp(min=0).mean(2)
R = torch.eye(shape[2]).expand(3, -1, -1)
for c in cam: R = R + torch.bmm(c, R)
print("probe vs retain_grad, image rows:", (R[:, 0] - clip_image(0)).abs().max().item())
print("ok")
