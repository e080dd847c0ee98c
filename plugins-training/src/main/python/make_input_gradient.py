"""Writes input_gradient.pt: torch.autograd.grad(scalar, x, create_graph=True) as TorchScript.

DJL exposes only Tensor.backward, which accumulates into every leaf; under create_graph the
parameters' .grad would then hold the graph and reference the parameters (a cycle that C++
reference counting never frees). autograd.grad with inputs=[x] touches no parameter.

Run with Debian's torch: /usr/bin/python3 make_input_gradient.py OUT_DIR
"""
import sys

import torch


class InputGradient(torch.nn.Module):
    def forward(self, scalar: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        grads = torch.autograd.grad([scalar], [x], create_graph=True)
        g = grads[0]
        assert g is not None
        return g


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    torch.jit.script(InputGradient()).save(out + "/input_gradient.pt")
