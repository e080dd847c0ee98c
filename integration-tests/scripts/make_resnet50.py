"""The memory benchmark's model: torchvision ResNet-50 with random weights (seeded), eval mode,
scripted and frozen in float32 (torch.jit.freeze folds batch-norm), plus a batch of 224x224
standard normal images. Not a fixture (~100 MB: do not commit it).

usage: /usr/bin/python3 make_resnet50.py OUTDIR [IMAGES]
writes OUTDIR/resnet50.pt and OUTDIR/x224-IMAGES.npy (IMAGES, 3, 224, 224), IMAGES default 3."""
import os
import sys

import numpy as np
import torch
import torchvision

out = sys.argv[1]
images = int(sys.argv[2]) if len(sys.argv) > 2 else 3
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
model = torchvision.models.resnet50(weights=None).eval()
frozen = torch.jit.freeze(torch.jit.script(model))
path = os.path.join(out, "resnet50.pt")
frozen.save(path)
x = torch.randn(images, 3, 224, 224)
with torch.no_grad():
    assert torch.allclose(frozen(x[:1]), model(x[:1]), atol=1e-3)
np.save(os.path.join(out, "x224-%d.npy" % images), x.numpy())
print("wrote", path, os.path.getsize(path) // 1024, "KiB")
