"""A 224x224 benchmark model: torchvision resnet18 with random weights (seeded), eval mode, frozen to
TorchScript with the split point layer4 exported (to_layer4 / from_layer4), plus an input batch.
Not a test fixture (about 45 MB): generate it where you benchmark.

usage: /usr/bin/python3 make_bench_resnet18.py OUT_DIR   -> OUT_DIR/resnet18.pt, OUT_DIR/x224.npy (16,3,224,224)
"""
import os, sys
import numpy as np, torch, torch.nn as nn, torchvision

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)

class Split(nn.Module):
    def __init__(s, net):
        super().__init__()
        s.net = net
    @torch.jit.export
    def to_layer4(s, x):
        n = s.net
        x = n.maxpool(n.relu(n.bn1(n.conv1(x))))
        return n.layer4(n.layer3(n.layer2(n.layer1(x))))
    @torch.jit.export
    def from_layer4(s, z):
        return s.net.fc(torch.flatten(s.net.avgpool(z), 1))
    def forward(s, x):
        return s.from_layer4(s.to_layer4(x))

net = torchvision.models.resnet18(num_classes=1000)
for m in net.modules():  # non-trivial batch-norm statistics, folded by freeze
    if isinstance(m, nn.BatchNorm2d):
        m.running_mean.uniform_(-0.1, 0.1); m.running_var.uniform_(0.5, 1.5)
model = Split(net).eval()
frozen = torch.jit.freeze(torch.jit.script(model), preserved_attrs=["to_layer4", "from_layer4"])
frozen.save(os.path.join(out, "resnet18.pt"))
x = torch.randn(16, 3, 224, 224)
assert torch.allclose(frozen(x[:2]), model(x[:2]), atol=1e-4)
np.save(os.path.join(out, "x224.npy"), x.numpy().astype(np.float32))
print("wrote", os.path.join(out, "resnet18.pt"), "and x224.npy")
