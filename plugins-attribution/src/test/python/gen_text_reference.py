"""A small seeded text classifier with an attention mask, frozen to TorchScript, and Captum 0.8.0 references of
attribution at its token-embedding layer, one score per token (summed over the embedding dimension).

Model: token embedding (vocab 40, width 16) -> + learned positions -> one post-norm transformer encoder layer
(2 heads, key padding mask from `mask`, ReLU feed-forward 32) -> mean over the unmasked tokens -> linear, 3 classes.
Written out by hand (no nn.TransformerEncoderLayer, whose inference fast path would change float rounding between
a call with and without gradients). Exported methods (the attention-mask contract of ibex's AttentionMaskedModel:
every method takes the mask, int64 (N, L), 1 for a token and 0 for padding, as its last argument):
  forward(ids, mask) -> logits;  to_embed(ids, mask) -> (N, L, 16) token embeddings;  from_embed(e, mask) -> logits

Inputs ids.npy (4, 10): [CLS]=1 ... [SEP]=2 then padding 0, of lengths 10, 7, 5, 9. Reference token sequences:
padding id 0 everywhere except [CLS] and [SEP] (Captum's convention, TokenReferenceBase with the special tokens
kept), padding kept. Target: class 1 for every sample (and the predicted class for saliency).

References (Captum on the eager module, layer = model.tok, additional_forward_args = (mask,)):
  lig.<quadrature>.npy      LayerIntegratedGradients, n_steps 50, each of Captum's five methods
  lig.riemann_right.<n>.npy and lig.delta.riemann_right.<n>.npy  steps 4, 16, 64, with Captum's convergence delta
  ixg.npy                   LayerGradientXActivation (embedding x gradient)
  saliency.npy              |LayerGradientXActivation(multiply_by_inputs=False)| summed over the embedding
  smoothgrad.npy            SmoothGrad of that saliency with the noise at the embeddings (Captum has no noise tunnel
                            for token ids): 8 draws, stdev 0.15 of each sample's embedding range, seed 3, the noise
                            drawn as ibex draws it (java.util.Random(seed).nextGaussian(), row after row, sample-major,
                            re-implemented below), the predicted class of the clean input
all (4, 10), summed over the embedding dimension. usage (Captum 0.8.0 source on the path for this run only):
  PYTHONPATH=/tmp/captum-src /usr/bin/python3 gen_text_reference.py OUTDIR"""
import sys, os, json, math, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from captum.attr import LayerIntegratedGradients, LayerGradientXActivation

out = sys.argv[1]; os.makedirs(out, exist_ok=True)
torch.manual_seed(5)
torch.set_default_dtype(torch.float64)
VOCAB, D, HEADS, FF, L, CLASSES = 40, 16, 2, 32, 10, 3


class TextClassifier(nn.Module):
    def __init__(s):
        super().__init__()
        s.tok = nn.Embedding(VOCAB, D); s.pos = nn.Parameter(torch.randn(L, D) * 0.3)
        s.q = nn.Linear(D, D); s.k = nn.Linear(D, D); s.v = nn.Linear(D, D); s.o = nn.Linear(D, D)
        s.ln1 = nn.LayerNorm(D); s.fc1 = nn.Linear(D, FF); s.fc2 = nn.Linear(FF, D); s.ln2 = nn.LayerNorm(D)
        s.head = nn.Linear(D, CLASSES); s.heads = HEADS

    @torch.jit.export
    def to_embed(s, ids, mask):
        return s.tok(ids)

    @torch.jit.export
    def from_embed(s, e, mask):
        b, t, d = e.shape; h = s.heads
        x = e + s.pos[:t]
        q = s.q(x).view(b, t, h, d // h).transpose(1, 2) / math.sqrt(d // h)
        k = s.k(x).view(b, t, h, d // h).transpose(1, 2); v = s.v(x).view(b, t, h, d // h).transpose(1, 2)
        keys = (mask == 0).view(b, 1, 1, t)
        a = torch.softmax((q @ k.transpose(-1, -2)).masked_fill(keys, float("-inf")), -1)
        x = s.ln1(x + s.o((a @ v).transpose(1, 2).reshape(b, t, d)))
        x = s.ln2(x + s.fc2(torch.relu(s.fc1(x))))
        m = mask.to(x.dtype).unsqueeze(-1)
        return s.head((x * m).sum(1) / m.sum(1))

    def forward(s, ids, mask):
        return s.from_embed(s.to_embed(ids, mask), mask)


model = TextClassifier().eval()
lengths = [10, 7, 5, 9]
ids = torch.zeros(4, L, dtype=torch.long)
for i, n in enumerate(lengths):
    ids[i, 0] = 1; ids[i, 1:n - 1] = torch.randint(3, VOCAB, (n - 2,)); ids[i, n - 1] = 2
mask = (ids != 0).long()
ref = torch.where((ids == 1) | (ids == 2), ids, torch.zeros_like(ids))

torch.jit.freeze(torch.jit.script(model), preserved_attrs=["to_embed", "from_embed"]).save(os.path.join(out, "model.pt"))
f32 = TextClassifier(); f32.load_state_dict(model.state_dict()); f32 = f32.float().eval()
torch.jit.freeze(torch.jit.script(f32), preserved_attrs=["to_embed", "from_embed"]).save(os.path.join(out, "model-float32.pt"))
np.save(os.path.join(out, "ids.npy"), ids.numpy())
with torch.no_grad():
    logits = model(ids, mask)
np.save(os.path.join(out, "logits.npy"), logits.numpy())
TARGET = 1


def per_token(a):
    return a.sum(-1).detach().numpy()


refs = {}
lig = LayerIntegratedGradients(model, model.tok)
for q in ["riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gausslegendre"]:
    a = lig.attribute(ids, baselines=ref, target=TARGET, additional_forward_args=(mask,), n_steps=50, method=q)
    np.save(os.path.join(out, f"lig.{q}.npy"), per_token(a))
    refs[f"lig.{q}"] = dict(captum="LayerIntegratedGradients", layer="tok", n_steps=50, method=q, target=TARGET)
for steps in [4, 16, 64]:
    a, delta = lig.attribute(ids, baselines=ref, target=TARGET, additional_forward_args=(mask,), n_steps=steps,
                             method="riemann_right", return_convergence_delta=True)
    np.save(os.path.join(out, f"lig.riemann_right.{steps}.npy"), per_token(a))
    np.save(os.path.join(out, f"lig.delta.riemann_right.{steps}.npy"), delta.detach().numpy())
    refs[f"lig.riemann_right.{steps}"] = dict(captum="LayerIntegratedGradients", n_steps=steps, method="riemann_right",
                                              delta=f"lig.delta.riemann_right.{steps}.npy")
ixg = LayerGradientXActivation(model, model.tok)
np.save(os.path.join(out, "ixg.npy"), per_token(ixg.attribute(ids, target=TARGET, additional_forward_args=(mask,))))
refs["ixg"] = dict(captum="LayerGradientXActivation", layer="tok", target=TARGET)
grad = LayerGradientXActivation(model, model.tok, multiply_by_inputs=False)
predicted = logits.argmax(-1)
np.save(os.path.join(out, "saliency.npy"),
        grad.attribute(ids, target=predicted, additional_forward_args=(mask,)).abs().sum(-1).detach().numpy())
refs["saliency"] = dict(captum="LayerGradientXActivation(multiply_by_inputs=False), abs, summed", target="predicted")


class JavaRandom:
    """java.util.Random: the 48-bit LCG and its polar-method nextGaussian (the JDK's documented algorithm)."""
    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1); self.spare = None
    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
        r = self.seed >> (48 - bits)
        return r - (1 << bits) if r >= 1 << (bits - 1) else r
    def next_double(self):
        return (((self.next(26) & ((1 << 26) - 1)) << 27) + (self.next(27) & ((1 << 27) - 1))) * 2.0 ** -53
    def next_gaussian(self):
        if self.spare is not None:
            g, self.spare = self.spare, None; return g
        while True:
            v1, v2 = 2 * self.next_double() - 1, 2 * self.next_double() - 1; q = v1 * v1 + v2 * v2
            if 0 < q < 1: break
        m = math.sqrt(-2 * math.log(q) / q); self.spare = v2 * m; return v1 * m


DRAWS, STDEV, SEED = 8, 0.15, 3
rng = JavaRandom(SEED)
with torch.no_grad():
    h = model.to_embed(ids, mask)
sg = torch.zeros(ids.shape)
for i in range(ids.shape[0]):
    sigma = np.float32(STDEV * (h[i].max().item() - h[i].min().item()))
    for _ in range(DRAWS):
        eps = np.array([np.float32(rng.next_gaussian()) * sigma for _ in range(h[i].numel())], dtype=np.float32)
        e = (h[i:i + 1] + torch.tensor(eps.astype(np.float64)).view(1, L, D)).requires_grad_(True)
        score = model.from_embed(e, mask[i:i + 1])[0, predicted[i]]
        g, = torch.autograd.grad(score, e)
        sg[i] += g[0].abs().sum(-1) / DRAWS
np.save(os.path.join(out, "smoothgrad.npy"), sg.numpy())
refs["smoothgrad"] = dict(method="smoothgrad of saliency at the embeddings", samples=DRAWS, stdev=STDEV, seed=SEED,
                          target="predicted (clean)")
refs["_inputs"] = dict(ids="ids.npy", reference="padding id 0, [CLS]=1 and [SEP]=2 kept", mask="ids != 0",
                       model="float64 model.pt; model-float32.pt the same weights in float32")
json.dump(refs, open(os.path.join(out, "reference.json"), "w"), indent=1)
print("ok", logits, np.load(os.path.join(out, "lig.gausslegendre.npy")))
