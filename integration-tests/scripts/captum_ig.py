"""Captum's IntegratedGradients on a TorchScript model, for the memory benchmark: run under
/usr/bin/time -v to read its peak resident memory. Captum comes from a source tree on PYTHONPATH
(e.g. `git archive v0.8.0 captum | tar -x -C DIR`); it is not part of ibex.

usage: PYTHONPATH=CAPTUM_SRC /usr/bin/python3 captum_ig.py MODEL.pt X.npy TARGET [INTERNAL_BATCH_SIZE]
(no INTERNAL_BATCH_SIZE: Captum's default, None, puts all steps x images in one batch)"""
import sys
import time

import numpy as np
import torch

try:
    import captum
    from captum.attr import IntegratedGradients
except ImportError as e:
    sys.exit("captum is not importable (%s): put its source tree on PYTHONPATH" % e)

model = torch.jit.load(sys.argv[1]).eval()
x = torch.from_numpy(np.load(sys.argv[2]))
target = int(sys.argv[3])
batch = int(sys.argv[4]) if len(sys.argv) > 4 else None
start = time.time()
attr = IntegratedGradients(model).attribute(x, target=target, internal_batch_size=batch)
print(
    "captum %s IG: images=%d steps=50 internal_batch_size=%s threads=%d seconds=%.1f sum=%.6g"
    % (captum.__version__, x.shape[0], batch, torch.get_num_threads(), time.time() - start,
       attr.sum().item())
)
