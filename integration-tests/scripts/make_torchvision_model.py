"""The memory benchmark's models: a torchvision classifier (resnet50, resnet18, mobilenet_v2, ...) with random
weights (seeded), eval mode, scripted and frozen in float32 (torch.jit.freeze folds batch-norm), plus a batch of
224x224 standard normal images. Not fixtures (up to ~100 MB: do not commit them).

usage: /usr/bin/python3 make_torchvision_model.py NAME OUTDIR [IMAGES]
writes OUTDIR/NAME.pt and OUTDIR/x224-IMAGES.npy (IMAGES, 3, 224, 224), IMAGES default 3."""
import os
import sys

import numpy as np
import torch
import torchvision

name, out = sys.argv[1], sys.argv[2]
images = int(sys.argv[3]) if len(sys.argv) > 3 else 3
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
model = getattr(torchvision.models, name)(weights=None).eval()
frozen = torch.jit.freeze(torch.jit.script(model))
path = os.path.join(out, name + ".pt")
frozen.save(path)
torch.manual_seed(1)
x = torch.randn(images, 3, 224, 224)
with torch.no_grad():
    assert torch.allclose(frozen(x[:1]), model(x[:1]), atol=1e-3)
np.save(os.path.join(out, "x224-%d.npy" % images), x.numpy())
print("wrote", path, os.path.getsize(path) // 1024, "KiB")
