"""The pytorch-grad-cam side of scripts/export-cam-benchmark.sh: images/s of pytorch-grad-cam 1.5.5's GradCAM on the
eager model that ibex_export.py exported for ibex, built the same way (torch.manual_seed(SEED); fn(**args);
optional state dict; eval; float32), on the same batch with the same number of threads. pytorch-grad-cam is not a
dependency of ibex: give a source tree holding its pytorch_grad_cam and ttach packages in PGC_SRC.

usage:
  export_cam_benchmark.py input X.npy N,C,H,W                 a seeded (torch.manual_seed(1)) normal float32 batch
  export_cam_benchmark.py vit-weights FILE MODEL_ARGS...       the ViT's weights with its zero head re-drawn
  PGC_SRC=DIR export_cam_benchmark.py time X.npy THREADS REPEAT LAYER RESHAPE MODEL_ARGS...
MODEL_ARGS are ibex_export.py's: --model NAME|module:fn [--arg k=v ...] [--seed N] [--state-dict FILE].
RESHAPE: none, or vit:HxW (pytorch-grad-cam's vit_reshape_transform, one class token).
time prints: grad-cam images_per_s=N median_ms=N forward_per_image=1.00 backward_per_image=1.00 seconds=[...]"""
import argparse
import ast
import importlib
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torchvision.models


def model_args(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--arg", action="append", default=[])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--state-dict")
    return p.parse_args(argv)


def construct(a):
    """As ibex_export.py: torch.manual_seed(seed) immediately before fn(**args)."""
    if ":" in a.model:
        module, name = a.model.split(":")
        fn = getattr(importlib.import_module(module), name)
    else:
        fn = getattr(torchvision.models, a.model)
    kwargs = {k: ast.literal_eval(v) for k, v in (s.split("=", 1) for s in a.arg)}
    torch.manual_seed(a.seed)
    return fn(**kwargs)


def main():
    mode = sys.argv[1]
    if mode == "input":
        torch.manual_seed(1)
        np.save(sys.argv[2], torch.randn(*[int(d) for d in sys.argv[3].split(",")]).numpy())
        return
    if mode == "vit-weights":
        model = construct(model_args(sys.argv[3:]))
        torch.manual_seed(2)  # torchvision zeroes the head and class token: every logit and map would be 0
        with torch.no_grad():
            nn.init.normal_(model.heads.head.weight, std=0.3)
            nn.init.normal_(model.class_token, std=1.0)
        torch.save(model.state_dict(), sys.argv[2])
        return

    sys.path.insert(0, os.environ["PGC_SRC"])
    from pytorch_grad_cam import GradCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
    from pytorch_grad_cam.utils.reshape_transforms import vit_reshape_transform

    x_path, threads, repeat, layer, reshape = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
    a = model_args(sys.argv[7:])
    torch.set_num_threads(threads)
    model = construct(a)
    if a.state_dict:
        model.load_state_dict(torch.load(a.state_dict))
    model = model.eval().float()  # as a pytorch-grad-cam user runs it: parameters keep requires_grad
    x = torch.from_numpy(np.load(x_path))
    transform = None
    if reshape.startswith("vit:"):
        h, w = (int(v) for v in reshape[4:].split("x"))
        transform = lambda t: vit_reshape_transform(t, height=h, width=w)  # noqa: E731
    with torch.no_grad():
        targets = [ClassifierOutputTarget(int(c)) for c in model(x).argmax(1)]  # ibex bench's default target
    cam = GradCAM(model=model, target_layers=[dict(model.named_modules())[layer]], reshape_transform=transform)
    for _ in range(2):
        cam(input_tensor=x, targets=targets)  # warm-up
    seconds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        cam(input_tensor=x, targets=targets)
        seconds.append(time.perf_counter() - t0)
    median = statistics.median(seconds)
    print("grad-cam images_per_s=%.2f median_ms=%.1f forward_per_image=1.00 backward_per_image=1.00 seconds=%s"
          % (x.shape[0] / median, median * 1000, [round(s, 3) for s in seconds]))


main()
