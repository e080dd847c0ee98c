"""Reference attributions from Captum / pytorch-grad-cam on small frozen TorchScript models, written as
.npy for parity checks of the Java library (copied from the shared fixtures' generator, made float64).

Float64 throughout: the model is initialised as before (same seed, float32 init) and then converted with
.double() before export, the input is the same float32 draw widened to float64, and every reference is
saved in float64. In float32 a ReLU input within rounding of zero flips with the CPU's instruction set
(AVX2 vs AVX-512) or the reduction order, so a float32 reference only holds on the machine that made it;
in float64 those ties vanish and Java agrees to ~1e-15. pytorch-grad-cam's outputs stay float32: it
min-max normalises and resizes in float32 (OpenCV) itself.

Run with Debian's /usr/bin/python3 (torch 1.13) and PYTHONPATH holding captum, pytorch_grad_cam, ttach.
usage: gen_reference.py OUTDIR SEED VARIANT   (VARIANT: plain | residual)"""
import sys, os, json, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from captum.attr import Saliency, InputXGradient, IntegratedGradients, LayerGradCam, LayerAttribution, Occlusion
out, seed, variant = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
torch.manual_seed(seed); np.random.seed(seed)

class Plain(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(3, 8, 3, padding=1); s.c2 = nn.Conv2d(8, 16, 3, padding=1); s.c3 = nn.Conv2d(16, 16, 3, padding=1)
        s.fc = nn.Linear(16, 10)
    @torch.jit.export
    def to_conv3(s, x):
        x = F.relu(s.c1(x)); x = F.max_pool2d(F.relu(s.c2(x)), 2); return F.relu(s.c3(x))
    @torch.jit.export
    def from_conv3(s, z):
        return s.fc(torch.flatten(F.adaptive_avg_pool2d(z, 1), 1))
    def forward(s, x): return s.from_conv3(s.to_conv3(x))

class Residual(nn.Module):
    def __init__(s):
        super().__init__()
        s.stem = nn.Conv2d(3, 16, 3, padding=1, bias=False); s.bn0 = nn.BatchNorm2d(16)
        s.a = nn.Conv2d(16, 16, 3, padding=1, bias=False); s.bna = nn.BatchNorm2d(16)
        s.b = nn.Conv2d(16, 16, 3, padding=1, bias=False); s.bnb = nn.BatchNorm2d(16)
        s.down = nn.Conv2d(16, 32, 3, stride=2, padding=1); s.fc = nn.Linear(32, 10)
    @torch.jit.export
    def to_conv3(s, x):
        h = F.relu(s.bn0(s.stem(x)))
        r = s.bnb(s.b(F.relu(s.bna(s.a(h)))))
        return F.relu(s.down(F.relu(h + r)))
    @torch.jit.export
    def from_conv3(s, z):
        return s.fc(torch.flatten(F.adaptive_avg_pool2d(z, 1), 1))
    def forward(s, x): return s.from_conv3(s.to_conv3(x))

m = (Plain() if variant == 'plain' else Residual())
if variant != 'plain':  # give batch-norm non-trivial statistics
    for bn in [m.bn0, m.bna, m.bnb]:
        bn.running_mean.uniform_(-0.2, 0.2); bn.running_var.uniform_(0.5, 1.5); bn.weight.data.uniform_(0.5, 1.5); bn.bias.data.uniform_(-0.2, 0.2)
m.eval()
m = m.double()  # after the float32 init: same weights as the float32 fixtures, widened
sm = torch.jit.freeze(torch.jit.script(m), preserved_attrs=["to_conv3", "from_conv3"])
sm.save(os.path.join(out, "model.pt"))
x = torch.randn(4, 3, 32, 32).double(); y = torch.tensor([1, 3, 5, 7]) if seed % 2 else torch.tensor([0, 2, 4, 9])
np.save(os.path.join(out, "x.npy"), x.numpy()); np.save(os.path.join(out, "y.npy"), y.numpy())
np.save(os.path.join(out, "logits.npy"), m(x).detach().numpy())
ref = {}
def put(name, t, **opts):
    np.save(os.path.join(out, name + ".npy"), t.detach().numpy()); ref[name] = opts
put("saliency", Saliency(m).attribute(x, target=y, abs=True), method="saliency", note="|d logit_y / dx|, Captum Saliency(abs=True)")
put("input-x-gradient", InputXGradient(m).attribute(x, target=y), method="input-x-gradient")
for q in ["riemann_right", "riemann_trapezoid", "gausslegendre"]:
    put("integrated-gradients." + q, IntegratedGradients(m).attribute(x, target=y, n_steps=32, method=q, baselines=0.0),
        method="integrated-gradients", steps=32, quadrature=q, baseline="zeros")
# Grad-CAM at the conv3 split: the layer output is to_conv3(x); use a wrapper module so Captum can hook it
class Split(nn.Module):
    def __init__(s, m): super().__init__(); s.m = m; s.head = Head(m); s.tail = Tail(m)
    def forward(s, x): return s.tail(s.head(x))
class Head(nn.Module):
    def __init__(s, m): super().__init__(); s.m = [m]
    def forward(s, x): return s.m[0].to_conv3(x)
class Tail(nn.Module):
    def __init__(s, m): super().__init__(); s.m = [m]
    def forward(s, z): return s.m[0].from_conv3(z)
sp = Split(m)
cam = LayerGradCam(sp, sp.head).attribute(x, target=y, relu_attributions=True)
put("grad-cam.layer", cam[:, 0], method="grad-cam", layer="conv3", note="layer resolution, ReLU, no normalisation")
put("grad-cam", LayerAttribution.interpolate(cam, (32, 32), interpolate_mode="bilinear")[:, 0], method="grad-cam", layer="conv3",
    note="bilinearly upsampled (align_corners=False) to input size, ReLU, no normalisation")
put("occlusion", Occlusion(m).attribute(x, target=y, sliding_window_shapes=(3, 8, 8), strides=(3, 4, 4), baselines=0.0),
    method="occlusion", window="3x8x8", strides="3x4x4", baseline=0.0)
try:
    from pytorch_grad_cam import GradCAMPlusPlus, ScoreCAM, GradCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
    for name, C in [("grad-cam-plus-plus", GradCAMPlusPlus), ("score-cam", ScoreCAM), ("grad-cam.minmax", GradCAM)]:
        with C(model=sp, target_layers=[sp.head]) as c:
            if name == "score-cam": c.batch_size = 64
            g = c(input_tensor=x, targets=[ClassifierOutputTarget(int(t)) for t in y])
        put(name, torch.tensor(g), method=name.split(".")[0], layer="conv3", note="pytorch-grad-cam 1.5.5 (084273b): ReLU, per-sample min-max, cv2 bilinear resize, float32 output")
except Exception as e:
    print("grad-cam library unavailable:", e)
for k in ref: ref[k]["dtype"] = str(np.load(os.path.join(out, k + ".npy")).dtype)
ref["_note"] = "torch " + torch.__version__ + ", model and input float64"
json.dump(ref, open(os.path.join(out, "reference.json"), "w"), indent=1)
print("wrote", sorted(ref))
