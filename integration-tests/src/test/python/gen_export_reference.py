"""Reference attributions for the ibex-export parity test (ExportParityIT): pytorch-grad-cam's Grad-CAM and Captum's
Saliency on seeded random-weight eager torchvision models, built exactly as ibex_export.py builds them, so that CI can
export the same models itself and compare without either library installed.

Each model is constructed from the exporter's own command-line spec (a torchvision.models function name or
package.module:fn, keyword arguments as Python literals):
    torch.manual_seed(0); m = fn(**args); [m.load_state_dict(state_dict.pt)]; m.eval(); m.double()
and explained on  torch.manual_seed(1); x = torch.randn(2, 3, H, W, dtype=torch.float64)  for fixed class targets
(y.npy: the class each sample's logits rank first; on a random ResNet a fixed class's logit is negative, and so is
its whole layer4 Grad-CAM, which ReLU makes 0), or for the segmentation model, one class summed over mask.npy on its "out" output (segmentation_target).

Writes one directory per model under OUTDIR with
  x.npy          the input, float64 (2, 3, H, W)
  logits.npy     the eager float64 forward (the segmentation model: its "out" tensor, (2, 4, H, W))
  activation.npy the split layer's output in the eager model (a forward hook; not for fcn_resnet50, 2 MB)
  y.npy          the class targets (int64, (2,)); mask.npy (H, W) float64 0/1 for the segmentation model
  grad-cam.npy   pytorch-grad-cam 1.5.5 GradCAM at the split layer (ClassifierOutputTarget, or
                 SemanticSegmentationTarget on the "out" tensor as its segmentation tutorial wraps the model; ViT and
                 Swin with its reshape_transform as its tutorials use it): ReLU, per-sample min-max, cv2 resize to
                 H x W, float32 (2, H, W)
  saliency.npy   Captum 0.8.0 Saliency (abs=True, its default) for the same targets, float64 (2, 3, H, W)
  state_dict.pt  (vit only) the weights to export with --state-dict: torchvision zero-initialises the ViT's head and
                 class token, which makes every logit 0 and every map 0; seed 0's model with those two re-drawn
                 (seed 2), float32
  reference.json the exporter's model arguments ("export": --model/--arg/--state-dict as given to ibex_export.py),
                 the split layer, the ibex options that match pytorch-grad-cam's reshape_transform, the targets, and
                 library versions

Run with Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14, python3-opencv 4.6) and the sources of
pytorch-grad-cam at 084273b (setup.py version 1.5.5; there is no 1.5.5 tag), ttach at 94e579e and Captum v0.8.0 on
PYTHONPATH only (extracted from their git repositories: git archive 084273b pytorch_grad_cam | tar -x -C /tmp/refsrc):
  PYTHONPATH=/tmp/refsrc /usr/bin/python3 integration-tests/src/test/python/gen_export_reference.py \\
      integration-tests/src/test/resources/parity/export"""
import ast, importlib, json, os, sys
sys.dont_write_bytecode = True  # no __pycache__ next to the fixtures
import numpy as np, torch, torch.nn as nn
import torchvision, torchvision.models
import captum
from captum.attr import Saliency
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget, SemanticSegmentationTarget
from pytorch_grad_cam.utils.reshape_transforms import vit_reshape_transform, swinT_reshape_transform

OUT = sys.argv[1]
# export_fixture_models.py, the --model package.module:fn of two models, lives with the fixtures
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "parity", "export"))
CALIBRATED = "export_fixture_models:calibrated"
MODEL_SEED, INPUT_SEED, HEAD_SEED = 0, 1, 2
PGC = "pytorch-grad-cam 1.5.5 (084273b)"

VIT_ARGS = ["image_size=32", "patch_size=8", "num_layers=2", "num_heads=2", "hidden_dim=32", "mlp_dim=64",
            "num_classes=10"]
SWIN_ARGS = ["patch_size=[2,2]", "embed_dim=16", "depths=[2,2]", "num_heads=[2,4]", "window_size=[4,4]",
             "num_classes=10"]
FCN_ARGS = ["weights=None", "weights_backbone=None", "num_classes=4", "aux_loss=True"]

# name, --model, --arg values, input side, split layer, ibex options, pytorch-grad-cam reshape_transform
MODELS = [
    ("resnet50", "resnet50", [], 64, "layer4", {}, None),
    # random-weight MobileNetV2 / EfficientNet need their batch-norm statistics set (export_fixture_models.py)
    ("mobilenet_v2", CALIBRATED, ["name='mobilenet_v2'"], 64, "features.18", {}, None),
    ("efficientnet_b0", CALIBRATED, ["name='efficientnet_b0'"], 64, "features.8", {}, None),
    ("convnext_tiny", "convnext_tiny", [], 64, "features.7", {}, None),
    ("vit", "torchvision.models.vision_transformer:VisionTransformer", VIT_ARGS, 32,
     "encoder.layers.encoder_layer_1.ln_1", {"token-layout": "tokens", "prefix-tokens": "1"},
     lambda t: vit_reshape_transform(t, height=4, width=4)),
    # torchvision's Swin blocks are channels-last (N, h, w, C); swinT_reshape_transform takes timm's (N, h·w, C)
    ("swin", "torchvision.models.swin_transformer:SwinTransformer", SWIN_ARGS, 32, "features.3.1.norm1",
     {"token-layout": "nhwc"}, lambda t: swinT_reshape_transform(t.flatten(1, 2), height=8, width=8)),
    ("fcn_resnet50", "torchvision.models.segmentation:fcn_resnet50", FCN_ARGS, 64, "backbone.layer4", {}, None),
]


def constructor(spec):
    """The model function of a --model value: a torchvision.models name, or package.module:fn."""
    if ":" in spec:
        module, fn = spec.split(":")
        return getattr(importlib.import_module(module), fn)
    return getattr(torchvision.models, spec)


def kwargs(args):
    return {k: ast.literal_eval(v) for k, v in (a.split("=", 1) for a in args)}


def build(spec, args, state_dict=None):
    torch.manual_seed(MODEL_SEED)
    m = constructor(spec)(**kwargs(args))
    if state_dict is not None:
        m.load_state_dict(torch.load(state_dict))
    return m.eval().double()


def vit_state_dict(d, spec, args):
    """Seed 0's ViT with its zero-initialised head and class token re-drawn, so logits and maps are not all 0."""
    torch.manual_seed(MODEL_SEED)
    m = constructor(spec)(**kwargs(args))
    torch.manual_seed(HEAD_SEED)
    with torch.no_grad():
        nn.init.normal_(m.heads.head.weight, std=0.3); nn.init.normal_(m.heads.head.bias, std=0.1)
        nn.init.normal_(m.class_token, std=1.0)
    path = os.path.join(d, "state_dict.pt")
    torch.save(m.state_dict(), path)
    return path


class Out(nn.Module):
    """The segmentation model returning out["out"], as pytorch-grad-cam's segmentation tutorial wraps it."""
    def __init__(s, model):
        super().__init__(); s.model = model

    def forward(s, x):
        return s.model(x)["out"]


class MaskedClassScore(nn.Module):
    """sum over the mask of class K's output, per sample: SemanticSegmentationTarget as a Captum forward."""
    def __init__(s, model, k, mask):
        super().__init__(); s.model = model; s.k = k; s.mask = mask

    def forward(s, x):
        return (s.model(x)["out"][:, s.k] * s.mask).sum(dim=(1, 2))


def module(model, path):
    return dict(model.named_modules())[path]


def segmentation_target(out):
    """A fixed box (rows [H/4, H/2), columns [W/4, 3W/4)) and the class sample 0 predicts on most of its pixels.
    On the random FCN that class covers 99% of the image: no other class has a region of its own, and their scores
    over any box are negative across the whole layer4 map, which Grad-CAM's ReLU makes 0."""
    mask = np.zeros(out.shape[-2:]); h, w = mask.shape
    mask[h // 4:h // 2, w // 4:3 * w // 4] = 1
    k = int(torch.mode(out[0].argmax(0)[mask == 1]).values)
    return mask, k, "fixed box rows [H/4, H/2), columns [W/4, 3W/4); class %d: sample 0's prediction in it" % k


def reference(name, spec, args, side, layer, options, transform):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    export = ["--model", spec] + [a for v in args for a in ("--arg", v)] + ["--seed", str(MODEL_SEED)]
    state_dict = None
    if name == "vit":
        state_dict = vit_state_dict(d, spec, args)
        export += ["--state-dict", "state_dict.pt"]
    model = build(spec, args, state_dict)
    torch.manual_seed(INPUT_SEED)
    x = torch.randn(2, 3, side, side, dtype=torch.float64)
    np.save(os.path.join(d, "x.npy"), x.numpy())
    target_layer = module(model, layer)
    ref = dict(export=export, layer=layer, options=options, input_shape=[2, 3, side, side],
               model_seed=MODEL_SEED, input_seed=INPUT_SEED, dtype="float64")
    captured = []
    hook = target_layer.register_forward_hook(lambda module, args, output: captured.append(output))
    with torch.no_grad():
        out = model(x)
    hook.remove()
    if name != "fcn_resnet50":  # (2, 2048, 8, 8) in float64 is 2 MB: its Grad-CAM checks the split instead
        np.save(os.path.join(d, "activation.npy"), captured[-1].numpy())
    if isinstance(out, dict):
        logits = out["out"]
        mask, k, how = segmentation_target(logits)
        np.save(os.path.join(d, "mask.npy"), mask)
        cam_model, targets = Out(model), [SemanticSegmentationTarget(k, mask) for _ in range(2)]
        sal_model, sal_target = MaskedClassScore(model, k, torch.tensor(mask)), None
        ref.update(model_output="out", target_class=k, target_mask="mask.npy", mask=how,
                   grad_cam_target="SemanticSegmentationTarget(%d, mask)" % k,
                   saliency_target="sum(mask * out[:, %d])" % k)
    else:
        logits = out
        y = logits.argmax(1)
        np.save(os.path.join(d, "y.npy"), y.numpy())
        cam_model, targets = model, [ClassifierOutputTarget(int(t)) for t in y]
        sal_model, sal_target = model, y
        ref.update(targets="y.npy: the eager model's predicted classes", grad_cam_target="ClassifierOutputTarget", saliency_target="logit of y")
    np.save(os.path.join(d, "logits.npy"), logits.numpy())

    with GradCAM(model=cam_model, target_layers=[target_layer], reshape_transform=transform) as cam:
        g = cam(input_tensor=x, targets=targets)
    assert g.shape == (2, side, side) and g.max() > 0.99, (name, g.shape, g.max())  # not a constant map
    np.save(os.path.join(d, "grad-cam.npy"), g)

    s = Saliency(sal_model).attribute(x.clone().requires_grad_(True), target=sal_target).detach()
    assert s.shape == x.shape and s.abs().max() > 0, (name, "zero saliency")
    np.save(os.path.join(d, "saliency.npy"), s.numpy())

    ref.update(grad_cam=dict(method="grad-cam", normalise="minmax", dtype=str(g.dtype),
                             note=PGC + " GradCAM: ReLU, per-sample min-max, cv2 bilinear resize"),
               saliency=dict(method="saliency", abs=True, dtype=str(s.numpy().dtype), note="Captum " + captum.__version__ +
                             " Saliency, abs=True (its default)"),
               versions=dict(torch=torch.__version__, torchvision=torchvision.__version__,
                             pytorch_grad_cam="1.5.5 (084273b)", captum=captum.__version__))
    json.dump(ref, open(os.path.join(d, "reference.json"), "w"), indent=1)
    print("wrote", d, "logits", tuple(logits.shape), "grad-cam min", float(g.min()), "saliency max",
          float(s.abs().max()))


only = set(sys.argv[2:])
for m in MODELS:
    if not only or m[0] in only:
        reference(*m)
