"""The Captum side of scripts/captum-comparison.sh: images/s of Captum 0.8 on the eager ResNet-18 that
make_bench_model_cam.py exports for ibex (same seed, weights, batch and input), so both sides explain the
same network. Captum is not a dependency of ibex: give its source tree (a checkout of pytorch/captum at
v0.8.0, pure Python) in CAPTUM_SRC.

usage: CAPTUM_SRC=/path/to/captum [CAPTUM_FREEZE=1] /usr/bin/python3 captum_comparison.py X224.npy THREADS STEPS INTERNAL_BATCH
(CAPTUM_FREEZE=1 turns off the parameters' gradients, as ibex's frozen model has none; by default the model is
as torchvision builds it, as a Captum user runs it)
prints one line per method: method images_per_s=N seconds=[...]"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.environ["CAPTUM_SRC"])
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402
from captum.attr import IntegratedGradients, LayerAttribution, LayerGradCam, Saliency  # noqa: E402

x_path, threads, steps, internal = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(0)  # the same seed and construction order as make_bench_model_cam.py
model = torchvision.models.resnet18(weights=None, num_classes=1000).eval()
if os.environ.get("CAPTUM_FREEZE", "0") == "1":
    # as ibex explains a frozen model: no graph for the parameters (a Captum user rarely does this)
    for p in model.parameters():
        p.requires_grad_(False)
x = torch.from_numpy(np.load(x_path))
with torch.no_grad():
    target = model(x).argmax(1)  # ibex's default target: the predicted class (resolved in the same pass)


def saliency():
    return Saliency(model).attribute(x, target=target, abs=True)


def grad_cam():
    # ibex's grad-cam: ReLU of the weighed sum, bilinear (align_corners=False) to the input size
    cam = LayerGradCam(model, model.layer4).attribute(x, target=target, relu_attributions=True)
    return LayerAttribution.interpolate(cam, tuple(x.shape[-2:]), "bilinear")


def integrated_gradients():
    # ibex's defaults: Gauss-Legendre nodes, zero baseline; ibex also evaluates F(x) and F(0) for its
    # completeness gap, which Captum does with return_convergence_delta=True
    return IntegratedGradients(model).attribute(
        x, target=target, n_steps=steps, method="gausslegendre",
        internal_batch_size=internal, return_convergence_delta=True)


for name, f in [("saliency", saliency), ("grad-cam", grad_cam), ("integrated-gradients", integrated_gradients)]:
    runs = 5 if name != "integrated-gradients" else 3
    for _ in range(2):
        f()  # warm-up
    seconds = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        seconds.append(time.perf_counter() - t0)
    print(f"{name} images_per_s={x.shape[0] / statistics.median(seconds):.3f} "
          f"seconds={[round(s, 3) for s in seconds]}", flush=True)
