"""Reference attributions for segmentation targets and multi-output models: Grad-CAM by pytorch-grad-cam with its
SemanticSegmentationTarget, saliency by plain autograd, on a seeded torchvision FCN whose forward returns the dict
{"out": ..., "aux": ...}, for the parity tests of Target.segmentation and TorchScriptModel's output choice.

Writes under OUTDIR:
  fcn/  a seeded torchvision FCN (torchvision.models.segmentation.fcn.FCN, the class fcn_resnet50 builds) on a tiny
        backbone of torchvision BasicBlocks (stem conv 3->8 stride 2, layer1 8->8, layer2 8->16 stride 2, layer3
        16->32), FCNHead(32, 4) on layer3 as "out" and FCNHead(16, 4) on layer2 as "aux", 4 classes,
        64x64 input, float64. model.pt is frozen TorchScript with forward, to_layer2 and from_layer2 (the layer2
        activation, (N, 16, 16, 16)); every method returns the dict. pytorch-grad-cam hooks backbone.layer2 of the
        eager model wrapped to return out["out"] (its segmentation tutorial's SegmentationModelOutputWrapper).
        Files: model.pt, x.npy (2, 3, 64, 64), out.npy and aux.npy (the eager model's outputs),
        mask.npy (64, 64) one mask for every sample, masks.npy (2, 64, 64) one mask per sample (float32 0/1: where
        the model predicts class 2), grad-cam-mask.npy / grad-cam-masks.npy (pytorch-grad-cam, normalised min-max,
        float32, (2, 64, 64)), saliency-mask.npy / saliency-masks.npy (the signed input gradient of
        sum(mask * out[:, 2]) by torch.autograd, (2, 3, 64, 64) in the model's dtype), reference.json.
  fcn-float32/  the same model and input in float32 (what the CLI takes).
  outputs/  tuple.pt: a seeded two-layer net (float32) whose forward and from_body return the tuple
        (logits (N, 3), features (N, 5)); dict.pt: the same net returning {"logits": ..., "features": ...};
        both split at to_body / from_body; x.npy (2, 4), logits.npy, features.npy. The multi-output cases of
        TorchScriptModelTest (api), without the weight of the FCN.

Initialised in float32 with the seeds, then converted to float64 (as the other parity fixtures), so the float64
references hold on any CPU. The class is 2; the masks are the pixels the model predicts as class 2.

Run with Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14, python3-opencv) and pytorch-grad-cam 1.5.5 (084273b)
and ttach (94e579e) sources on PYTHONPATH:
  PYTHONPATH=/tmp/pgc /usr/bin/python3 gen_segmentation_reference.py OUTDIR"""
import sys, os, json, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from typing import Dict, Tuple
from torchvision.models._utils import IntermediateLayerGetter
from torchvision.models.resnet import BasicBlock
from torchvision.models.segmentation.fcn import FCN, FCNHead
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import SemanticSegmentationTarget

out = sys.argv[1]
CLASS = 2
NOTE = "pytorch-grad-cam 1.5.5 (084273b), SemanticSegmentationTarget: ReLU, per-sample min-max, cv2 bilinear resize"


def downsample(i, o, stride):
    return nn.Sequential(nn.Conv2d(i, o, 1, stride=stride, bias=False), nn.BatchNorm2d(o))


class TinyBackbone(nn.Module):
    """A ResNet-like backbone of torchvision BasicBlocks, output stride 4 at layer2 and layer3."""
    def __init__(s):
        super().__init__()
        s.stem = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        s.layer1 = BasicBlock(8, 8)
        s.layer2 = BasicBlock(8, 16, stride=2, downsample=downsample(8, 16, 2))
        s.layer3 = BasicBlock(16, 32, downsample=downsample(16, 32, 1))

    def forward(s, x):
        return s.layer3(s.layer2(s.layer1(s.stem(x))))


def fcn_model():
    torch.manual_seed(0)
    tiny = TinyBackbone()
    with torch.no_grad():  # non-trivial running statistics, folded by torch.jit.freeze in eval mode
        for m in tiny.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0, 0.1); m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5); m.bias.normal_(0, 0.1)
    backbone = IntermediateLayerGetter(tiny, return_layers={"layer2": "aux", "layer3": "out"})
    fcn = FCN(backbone, FCNHead(32, 4), FCNHead(16, 4))
    with torch.no_grad():  # default init gives near-constant logits (one class everywhere): make the classes compete
        for head in (fcn.classifier, fcn.aux_classifier):
            nn.init.normal_(head[4].weight, std=1.0); nn.init.zeros_(head[4].bias)
    return fcn.eval()


class FcnSplit(nn.Module):
    """torchvision's FCN.forward, cut after backbone.layer2 (the aux head's input, so nothing else crosses)."""
    def __init__(s, fcn):
        super().__init__()
        b = fcn.backbone
        s.stem, s.layer1, s.layer2, s.layer3 = b.stem, b.layer1, b.layer2, b.layer3
        s.classifier, s.aux_classifier = fcn.classifier, fcn.aux_classifier

    @torch.jit.export
    def to_layer2(s, x):
        return s.layer2(s.layer1(s.stem(x)))

    @torch.jit.export
    def from_layer2(s, z) -> Dict[str, torch.Tensor]:
        # the input's size, which FCN.forward reads off x: layer2 is at output stride 4 (inputs divisible by 4)
        size = [z.shape[-2] * 4, z.shape[-1] * 4]
        result = {}
        result["out"] = F.interpolate(s.classifier(s.layer3(z)), size=size, mode="bilinear", align_corners=False)
        result["aux"] = F.interpolate(s.aux_classifier(z), size=size, mode="bilinear", align_corners=False)
        return result

    def forward(s, x) -> Dict[str, torch.Tensor]:
        return s.from_layer2(s.to_layer2(x))


class OutWrapper(nn.Module):
    """The eager model returning out["out"], as pytorch-grad-cam's segmentation tutorial wraps it."""
    def __init__(s, model):
        super().__init__(); s.model = model

    def forward(s, x):
        return s.model(x)["out"]


class TupleOutputs(nn.Module):
    """forward returns a tuple: logits and the features they are computed from; split after body."""
    def __init__(s):
        super().__init__(); s.body = nn.Linear(4, 5); s.head = nn.Linear(5, 3)

    @torch.jit.export
    def to_body(s, x):
        return s.body(x)

    @torch.jit.export
    def from_body(s, z) -> Tuple[torch.Tensor, torch.Tensor]:
        h = torch.tanh(z)
        return s.head(h), h

    def forward(s, x) -> Tuple[torch.Tensor, torch.Tensor]:
        return s.from_body(s.to_body(x))


class DictOutputs(nn.Module):
    """The same net returning the dict {"logits": ..., "features": ...}."""
    def __init__(s):
        super().__init__(); s.body = nn.Linear(4, 5); s.head = nn.Linear(5, 3)

    @torch.jit.export
    def to_body(s, x):
        return s.body(x)

    @torch.jit.export
    def from_body(s, z) -> Dict[str, torch.Tensor]:
        h = torch.tanh(z)
        return {"logits": s.head(h), "features": h}

    def forward(s, x) -> Dict[str, torch.Tensor]:
        return s.from_body(s.to_body(x))


def fixture(d, dtype):
    os.makedirs(d, exist_ok=True)
    fcn = fcn_model().to(dtype)
    torch.manual_seed(10)
    x = torch.randn(2, 3, 64, 64).to(dtype)
    split = FcnSplit(fcn).eval()
    with torch.no_grad():
        eager = fcn(x)
        for k in ("out", "aux"):
            assert torch.equal(split(x)[k], eager[k]), "the split does not reproduce forward: " + k
        frozen = torch.jit.freeze(torch.jit.script(split), preserved_attrs=["to_layer2", "from_layer2"])
        for k in ("out", "aux"):
            diff = (frozen(x)[k] - eager[k]).abs().max().item()
            assert diff < (1e-12 if dtype == torch.float64 else 1e-5), (k, diff)
        frozen.save(os.path.join(d, "model.pt"))
        masks = (eager["out"].argmax(1) == CLASS).float().numpy()  # (2, 64, 64)
    coverage = masks.mean(axis=(1, 2))
    assert (coverage > 0.02).all() and (coverage < 0.95).all(), coverage  # a real region, not all or nothing
    mask = masks[0]
    np.save(os.path.join(d, "x.npy"), x.numpy())
    np.save(os.path.join(d, "out.npy"), eager["out"].numpy()); np.save(os.path.join(d, "aux.npy"), eager["aux"].numpy())
    np.save(os.path.join(d, "mask.npy"), mask); np.save(os.path.join(d, "masks.npy"), masks)

    ref = {}
    for name, per_sample in (("mask", [mask, mask]), ("masks", list(masks))):
        with GradCAM(model=OutWrapper(fcn), target_layers=[fcn.backbone.layer2]) as cam:
            g = cam(input_tensor=x, targets=[SemanticSegmentationTarget(CLASS, m) for m in per_sample])
        assert g.shape == (2, 64, 64) and g.max() > 0.99, (g.shape, g.max())  # not a constant map
        np.save(os.path.join(d, "grad-cam-" + name + ".npy"), g)
        ref["grad-cam-" + name] = dict(method="grad-cam", layer="layer2", normalise="minmax", target_class=CLASS,
                                       target_mask=name + ".npy", model_output="out", note=NOTE, dtype=str(g.dtype))

        xg = x.clone().requires_grad_(True)
        w = torch.tensor(np.stack(per_sample)).to(dtype)
        (fcn(xg)["out"][:, CLASS] * w).sum().backward()
        s = xg.grad.numpy()
        assert np.abs(s).max() > 0, "zero gradient"
        np.save(os.path.join(d, "saliency-" + name + ".npy"), s)
        ref["saliency-" + name] = dict(method="saliency", abs=False, target_class=CLASS, target_mask=name + ".npy",
                                       model_output="out", note="torch.autograd: d sum(mask * out[:, 2]) / dx",
                                       dtype=str(s.dtype))
    ref["_note"] = "torch " + torch.__version__ + ", model and input " + str(dtype) + ", coverage of class 2 per " \
                   "sample " + str([round(float(c), 3) for c in coverage])
    json.dump(ref, open(os.path.join(d, "reference.json"), "w"), indent=1)
    print("wrote", d, sorted(ref), "coverage", coverage)


def outputs_fixture(d):
    os.makedirs(d, exist_ok=True)
    torch.manual_seed(3)
    as_tuple = TupleOutputs().eval()
    as_dict = DictOutputs().eval()
    as_dict.load_state_dict(as_tuple.state_dict())
    x = torch.randn(2, 4)
    with torch.no_grad():
        logits, features = as_tuple(x)
        for net, name in ((as_tuple, "tuple.pt"), (as_dict, "dict.pt")):
            frozen = torch.jit.freeze(torch.jit.script(net), preserved_attrs=["to_body", "from_body"])
            got = frozen(x)
            got = (got["logits"], got["features"]) if isinstance(got, dict) else got
            assert torch.allclose(got[0], logits) and torch.allclose(got[1], features), name
            frozen.save(os.path.join(d, name))
    np.save(os.path.join(d, "x.npy"), x.numpy())
    np.save(os.path.join(d, "logits.npy"), logits.numpy()); np.save(os.path.join(d, "features.npy"), features.numpy())
    print("wrote", d)


fixture(os.path.join(out, "fcn"), torch.float64)
fixture(os.path.join(out, "fcn-float32"), torch.float32)
outputs_fixture(os.path.join(out, "outputs"))
