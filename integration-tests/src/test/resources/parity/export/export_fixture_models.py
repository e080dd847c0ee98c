"""Model functions for ibex_export.py's --model package.module:fn, used by ExportParityIT and gen_export_reference.py.

A random-weight torchvision MobileNetV2 or EfficientNet in eval mode has batch norms that normalise nothing (running
mean 0, variance 1): the activations shrink layer after layer, to logits of 1e-9 (mobilenet_v2) and 1e-14
(efficientnet_b0), and Grad-CAM's maps drown in pytorch-grad-cam's 1e-7 min-max epsilon. calibrated() sets the
running statistics from seeded random batches first, as a trained network's would be set from data."""
import torch
import torch.nn as nn
import torchvision.models


def calibrated(name, batches=2, side=64, **kwargs):
    """torchvision.models.<name>(**kwargs), float64, its batch norms' running statistics the mean and variance over
    `batches` random (8, 3, side, side) batches drawn from the current torch seed (train mode for the batch norms
    only: dropout and stochastic depth stay off); returned in eval mode."""
    model = getattr(torchvision.models, name)(**kwargs).double().eval()
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # a cumulative average over the batches
        m.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn(8, 3, side, side, dtype=torch.float64))
    for m in norms:
        m.momentum = 0.1
    return model.eval()


class _SmallNet(nn.Module):
    def __init__(self, data_dependent):
        super().__init__()
        self.data_dependent = data_dependent
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        h = self.conv(x)
        if self.data_dependent and h.mean() > 0:  # control flow on a tensor's value: torch.fx cannot trace it
            h = h.relu()
        return self.head(h.mean(dim=(2, 3)))


def small():
    """A traceable conv net (3 -> 4 channels, split point "conv") for the exporter's bad-input tests."""
    return _SmallNet(False)


def data_dependent():
    """The same net with an `if` on a tensor's value in forward: not traceable by torch.fx."""
    return _SmallNet(True)


def _batch_scale(h):
    """Scales by the square root of the batch size through numpy: TorchScript cannot compile it, so the
    exporter falls back to tracing, which bakes the sample batch's size in as a constant."""
    import numpy as np

    return h * float(np.sqrt(h.shape[0]))


torch.fx.wrap("_batch_scale")


class _BatchBaked(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(_batch_scale(self.conv(x)).mean(dim=(2, 3)))


def batch_baked():
    """A traceable net whose traced export is right at the sample's batch size only: the exporter's check at a
    second batch size must refuse it."""
    return _BatchBaked()
