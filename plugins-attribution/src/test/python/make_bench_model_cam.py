"""Benchmark model for the CAM / perturbation attributors: torchvision ResNet-18 with random weights
(seeded), eval mode, frozen TorchScript exporting the split point layer4 (to_layer4 / from_layer4), plus
a 224x224 input batch. Not a test fixture (the model is ~45 MB: do not commit it).

usage: /usr/bin/python3 make_bench_model_cam.py OUTDIR [BATCH]
writes OUTDIR/resnet18-layer4.pt and OUTDIR/x224.npy (BATCH, 3, 224, 224) standard normal."""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision

out = sys.argv[1]
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 16
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)


class SplitResNet(nn.Module):
    """ResNet-18 with its last convolutional stage as a split point."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    @torch.jit.export
    def to_layer4(self, x):
        n = self.net
        x = n.maxpool(n.relu(n.bn1(n.conv1(x))))
        return n.layer4(n.layer3(n.layer2(n.layer1(x))))

    @torch.jit.export
    def from_layer4(self, z):
        return self.net.fc(torch.flatten(self.net.avgpool(z), 1))

    def forward(self, x):
        return self.from_layer4(self.to_layer4(x))


model = SplitResNet(torchvision.models.resnet18(weights=None, num_classes=1000)).eval()
frozen = torch.jit.freeze(torch.jit.script(model), preserved_attrs=["to_layer4", "from_layer4"])
path = os.path.join(out, "resnet18-layer4.pt")
frozen.save(path)
x = torch.randn(batch, 3, 224, 224)
with torch.no_grad():
    assert torch.allclose(frozen(x[:2]), model(x[:2]), atol=1e-4)
    assert torch.allclose(frozen.from_layer4(frozen.to_layer4(x[:2])), model(x[:2]), atol=1e-4)
np.save(os.path.join(out, "x224.npy"), x.numpy())
print("wrote", path, os.path.getsize(path) // 1024, "KiB")
