"""Fixture for TorchScriptModelCrossingTest: a seeded toy token model whose blocks are pre-norm residual blocks
(h + mlp(norm(h)), a transformer block's shape), exported by ibex-export in float64 at two split points:
blocks.1.norm, crossed by the residual stream h besides the norm's output, and blocks.0, crossed by nothing.

usage: /usr/bin/python3 api/src/test/python/gen_crossing_fixture.py   (from the repository root)
writes api/src/test/resources/parity/crossing/{toy.pt, x.npy, logits.npy, norm_grad.npy}: norm_grad is the gradient of
the class-0 logits' sum at blocks.1.norm's output, read by a forward hook (as pytorch-grad-cam reads a layer's
gradient)."""
import os
import subprocess
import sys

import numpy as np
import torch
from torch import nn

OUT = "api/src/test/resources/parity/crossing"


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 2 * width), nn.GELU(), nn.Linear(2 * width, width))

    def forward(self, h):
        return h + self.mlp(self.norm(h))


class Toy(nn.Module):
    """(N, 5, 4) tokens -> (N, 3) logits."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(4, 8)
        self.blocks = nn.Sequential(Block(8), Block(8))
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        return self.head(self.blocks(self.embed(x)).mean(1))


def toy():
    return Toy()


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
    subprocess.run([sys.executable, "integration-tests/src/main/python/ibex_export.py",
                    "--model", "gen_crossing_fixture:toy", "--seed", "0", "--dtype", "float64",
                    "--split", "blocks.1.norm", "--split", "blocks.0", "--input-shape", "2,5,4",
                    "--out", os.path.join(OUT, "toy.pt")], check=True, env=env)
    torch.manual_seed(0)
    model = Toy().double().eval()
    torch.manual_seed(1)
    x = torch.randn(3, 5, 4, dtype=torch.float64)
    seen = {}

    def keep(module, inputs, output):
        output.retain_grad()
        seen["norm"] = output

    model.blocks[1].norm.register_forward_hook(keep)
    logits = model(x)
    logits[:, 0].sum().backward()
    np.save(os.path.join(OUT, "x.npy"), x.numpy())
    np.save(os.path.join(OUT, "logits.npy"), logits.detach().numpy())
    np.save(os.path.join(OUT, "norm_grad.npy"), seen["norm"].grad.numpy())
    print("wrote", OUT)
