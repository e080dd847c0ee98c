"""Writes the NIB experiment's CLIP-like model: the layout of OpenAI CLIP ViT-B/32 (pre-norm
transformer towers, class token, quick_gelu, causal text mask, pooling at the EOT token = the
highest id, linear projections) at toy width, for 56x56 grey images with 8x8 patches (a 7x7 grid +
the class token = 50 tokens, as ViT-B/32 at 224) and 8-token captions. Seeded random weights,
scripted but NOT frozen, so DJL can load its parameters as trainable and the demo trains it
contrastively in Java (dev.ibex.demo.clip.ContrastiveTraining).

Exports, for the split layer L (NIB/M2IB read the hidden state entering block L):
  encode_image(x), encode_text(ids), to_image_L / from_image_L, to_text_L / from_text_L(h, ids),
  to_text_0 / from_text_0(h, ids) (the token embeddings: saliency's and the text metrics' split),
  attention_shape_encode_image / attention_encode_image(x, probe), and the same for encode_text
  (dev.ibex.api.model.AttentionProbing: probe[b] is added to block b's softmax output).

usage: /usr/bin/python3 make_clip_demo.py OUT.pt [SEED]
"""
import sys

import torch
import torch.nn as nn

D, HEADS, LAYERS, PATCH, IMG, CHANNELS, VOCAB, CTX, EMBED, SPLIT = 32, 4, 4, 8, 56, 1, 17, 8, 32, 2


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D)
        self.q = nn.Linear(D, D)
        self.k = nn.Linear(D, D)
        self.v = nn.Linear(D, D)
        self.o = nn.Linear(D, D)
        self.ln2 = nn.LayerNorm(D)
        self.fc1 = nn.Linear(D, 4 * D)
        self.fc2 = nn.Linear(4 * D, D)
        self.heads = HEADS
        self.dh = D // HEADS
        self.d = D

    def forward(self, x, mask: torch.Tensor, probe: torch.Tensor):
        """One pre-norm block; probe (N, heads, T, T) is added to the attention probabilities.
        Returns the output and the probabilities (probe included)."""
        b, t, _ = x.shape
        h = self.ln1(x)
        q = self.q(h).view(b, t, self.heads, self.dh).transpose(1, 2) * (self.dh ** -0.5)
        k = self.k(h).view(b, t, self.heads, self.dh).transpose(1, 2)
        v = self.v(h).view(b, t, self.heads, self.dh).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2) + mask, -1) + probe
        x = x + self.o((a @ v).transpose(1, 2).reshape(b, t, self.d))
        h = self.fc1(self.ln2(x))
        h = h * torch.sigmoid(1.702 * h)  # quick_gelu, as CLIP
        return x + self.fc2(h), a


class ClipDemo(nn.Module):
    def __init__(self):
        super().__init__()
        grid = IMG // PATCH
        self.patch = nn.Conv2d(CHANNELS, D, PATCH, PATCH, bias=False)
        self.cls = nn.Parameter(torch.randn(D) * D ** -0.5)
        self.vpos = nn.Parameter(torch.randn(grid * grid + 1, D) * D ** -0.5)
        self.pre = nn.LayerNorm(D)
        self.vblocks = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.post = nn.LayerNorm(D)
        self.vproj = nn.Linear(D, EMBED, bias=False)
        self.tok = nn.Embedding(VOCAB, D)
        self.tpos = nn.Parameter(torch.randn(CTX, D) * 0.01)
        self.tblocks = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.final = nn.LayerNorm(D)
        self.tproj = nn.Linear(D, EMBED, bias=False)
        self.register_buffer("causal", torch.full((CTX, CTX), float("-inf")).triu(1))
        self.d = D
        self.layers = LAYERS
        self.split = SPLIT
        self.heads = HEADS
        self.patch_size = PATCH

    def image_tokens(self, x):
        h = self.patch(x).flatten(2).transpose(1, 2)
        h = torch.cat([self.cls.expand(h.shape[0], 1, self.d), h], 1) + self.vpos
        return self.pre(h)

    def image_head(self, h):
        return self.vproj(self.post(h[:, 0]))

    def text_tokens(self, ids):
        return self.tok(ids) + self.tpos[: ids.shape[1]]

    def text_head(self, h, ids):
        h = self.final(h)
        return self.tproj(h[torch.arange(h.shape[0]), ids.argmax(-1)])

    def vrun(self, h, first: int, last: int):
        z = torch.zeros(1)
        for i, b in enumerate(self.vblocks):
            if first <= i < last:
                h = b(h, z, z)[0]
        return h

    def trun(self, h, first: int, last: int):
        t = h.shape[1]
        m = self.causal[:t, :t]
        z = torch.zeros(1)
        for i, b in enumerate(self.tblocks):
            if first <= i < last:
                h = b(h, m, z)[0]
        return h

    @torch.jit.export
    def to_image_2(self, x):
        return self.vrun(self.image_tokens(x), 0, self.split)

    @torch.jit.export
    def from_image_2(self, h):
        return self.image_head(self.vrun(h, self.split, self.layers))

    @torch.jit.export
    def to_text_2(self, ids):
        return self.trun(self.text_tokens(ids), 0, self.split)

    @torch.jit.export
    def from_text_2(self, h, ids):
        return self.text_head(self.trun(h, self.split, self.layers), ids)

    @torch.jit.export
    def to_text_0(self, ids):
        return self.text_tokens(ids)

    @torch.jit.export
    def from_text_0(self, h, ids):
        return self.text_head(self.trun(h, 0, self.layers), ids)

    @torch.jit.export
    def encode_image(self, x):
        return self.image_head(self.vrun(self.image_tokens(x), 0, self.layers))

    @torch.jit.export
    def encode_text(self, ids):
        return self.text_head(self.trun(self.text_tokens(ids), 0, self.layers), ids)

    @torch.jit.export
    def attention_shape_encode_image(self, x):
        return torch.tensor([self.layers, self.heads, (x.shape[2] // self.patch_size) * (x.shape[3] // self.patch_size) + 1])

    @torch.jit.export
    def attention_encode_image(self, x, probe):
        h = self.image_tokens(x)
        z = torch.zeros(1)
        attentions = []
        for i, b in enumerate(self.vblocks):
            h, a = b(h, z, probe[i])
            attentions.append(a)
        return self.image_head(h), torch.stack(attentions)

    @torch.jit.export
    def attention_shape_encode_text(self, ids):
        return torch.tensor([self.layers, self.heads, ids.shape[1]])

    @torch.jit.export
    def attention_encode_text(self, ids, probe):
        h = self.text_tokens(ids)
        t = ids.shape[1]
        m = self.causal[:t, :t]
        attentions = []
        for i, b in enumerate(self.tblocks):
            h, a = b(h, m, probe[i])
            attentions.append(a)
        return self.text_head(h, ids), torch.stack(attentions)

    def forward(self, x, ids):
        i = nn.functional.normalize(self.encode_image(x), dim=-1)
        t = nn.functional.normalize(self.encode_text(ids), dim=-1)
        return i @ t.t()


def main():
    out = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    torch.manual_seed(seed)
    m = ClipDemo().eval()
    scripted = torch.jit.script(m)
    # self-check: the split halves and the probed passes equal the entry points
    x = torch.rand(2, CHANNELS, IMG, IMG)
    ids = torch.zeros(2, CTX, dtype=torch.long)
    ids[:, 0] = 1
    ids[:, 1:4] = torch.randint(2, VOCAB - 1, (2, 3))
    ids[:, 4] = VOCAB - 1
    with torch.no_grad():
        assert torch.allclose(scripted.from_image_2(scripted.to_image_2(x)), scripted.encode_image(x), atol=1e-5)
        assert torch.allclose(scripted.from_text_2(scripted.to_text_2(ids), ids), scripted.encode_text(ids), atol=1e-5)
        assert torch.allclose(scripted.from_text_0(scripted.to_text_0(ids), ids), scripted.encode_text(ids), atol=1e-5)
        probe = torch.zeros(LAYERS, 2, HEADS, 50, 50)
        out_i, att = scripted.attention_encode_image(x, probe)
        assert torch.allclose(out_i, scripted.encode_image(x), atol=1e-5) and att.shape == probe.shape
        out_t, _ = scripted.attention_encode_text(ids, torch.zeros(LAYERS, 2, HEADS, CTX, CTX))
        assert torch.allclose(out_t, scripted.encode_text(ids), atol=1e-5)
    scripted.save(out)
    n = sum(p.numel() for p in m.parameters())
    print("wrote %s: %d parameters, %d layers of width %d per tower, split at %d" % (out, n, LAYERS, D, SPLIT))


if __name__ == "__main__":
    main()
