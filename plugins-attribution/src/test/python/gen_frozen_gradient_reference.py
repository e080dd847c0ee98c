"""Captum 0.8.0 gradient attributions on the *frozen* TorchScript model of a parity fixture.

The shared fixtures (gen_reference.py) run Captum on the eager nn.Module; for the batch-norm model
(residual-s2) the frozen model.pt that Java loads has batch-norm folded into the convolutions, which
changes float rounding. In float32, on residual-s2 one ReLU input along the riemann_right path sits
within rounding of zero, so the eager and frozen models gave IG results 4e-4 apart (relative L-inf).
The fixtures are float64 now (model.pt exported after .double(), x.npy float64), where eager and frozen
agree to ~1e-15; this script still gives the reference for exactly the model Java runs, in the input's
dtype (float64).

usage: PYTHONPATH=/tmp/refsrc /usr/bin/python3 gen_frozen_gradient_reference.py FIXTURE_DIR OUT_DIR
"""
import json, os, sys
import numpy as np, torch
from captum.attr import Saliency, InputXGradient, IntegratedGradients

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
m = torch.jit.load(os.path.join(src, "model.pt")).eval()
x = torch.tensor(np.load(os.path.join(src, "x.npy")))
y = torch.tensor(np.load(os.path.join(src, "y.npy")))
ref = {}
def put(name, t, **opts):
    np.save(os.path.join(out, name + ".npy"), t.detach().numpy()); ref[name] = opts
put("saliency", Saliency(m).attribute(x, target=y, abs=True), method="saliency")
put("input-x-gradient", InputXGradient(m).attribute(x, target=y), method="input-x-gradient")
for q in ["riemann_right", "riemann_trapezoid", "gausslegendre"]:
    put("integrated-gradients." + q, IntegratedGradients(m).attribute(x, target=y, n_steps=32, method=q, baselines=0.0),
        method="integrated-gradients", steps=32, quadrature=q, baseline="zeros")
ref["_note"] = "Captum 0.8.0, torch " + torch.__version__ + ", " + str(x.dtype) + ", on the frozen model.pt of " + os.path.basename(os.path.normpath(src))
json.dump(ref, open(os.path.join(out, "reference.json"), "w"), indent=1)
print("wrote", sorted(ref))
