"""Reference CAMs on transformer token layers, computed by pytorch-grad-cam with its own reshape_transform
functions, for the parity tests of ibex's token layouts (token-layout=tokens / nhwc).

Writes three fixture directories under OUTDIR:
  vit/   a seeded torchvision VisionTransformer (image 32, patch 4 -> 8x8 patches + class token, 2 layers,
         2 heads, hidden 32, mlp 64, 10 classes), float64, split after its first encoder block
         (to_encoder_layer_0 / from_encoder_layer_0: the whole residual stream, (N, 1 + 64, 32)); pytorch-grad-cam
         hooks encoder.layers.encoder_layer_0 of the eager model with vit_reshape_transform(height=8, width=8).
         Not the last block: its patch tokens do not reach the class token, so their gradient is exactly 0.
  swin/  a seeded torchvision SwinTransformer (patch 2, embed 16, depths [2, 2], heads [2, 4], window 4, input 32,
         10 classes), float64, split at the output of `features` (to_features / from_features: (N, 8, 8, 32),
         channels-last); pytorch-grad-cam hooks `features` with swinT_reshape_transform(height=8, width=8) of
         the activation flattened to timm's (N, 8·8, 32) tokens, i.e. permuted channels first.
  clip/  the toy CLIP of CLIP_DIR (clip.pt, float32, frozen) at its image split to_image_2 / from_image_2
         ((N, 1 + 16, 64) tokens), explaining the cosine similarity of each image's embedding to its caption's
         (text_embeddings.npy); vit_reshape_transform(height=4, width=4).
vit/ and swin/ hold model.pt (frozen TorchScript with forward, to_<L>, from_<L>), x.npy, y.npy, logits.npy;
every directory holds one <method>.npy per CAM (N, 32, 32) and reference.json. vit-float32/ and swin-float32/ are
the same models and inputs in float32 (what the CLI takes, and the precision users run).

vit/ and swin/ are float64 (initialised in float32 with the seed, then converted), as the other parity fixtures, so
that the references hold on any CPU; pytorch-grad-cam still returns float32 maps (it min-max scales and resizes
with OpenCV in float32). Its class targets are logits (ClassifierOutputTarget); Score-CAM runs 64 masked images per
call (the chunk size does not change its scores).

Run with Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14, python3-opencv), pytorch-grad-cam 1.5.5
(084273b) and ttach (94e579e) sources on PYTHONPATH:
  PYTHONPATH=/tmp/pgc /usr/bin/python3 gen_token_cam_reference.py OUTDIR CLIP_DIR"""
import sys, os, json, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
from torchvision.models import VisionTransformer
from torchvision.models.swin_transformer import SwinTransformer
from pytorch_grad_cam import GradCAM, GradCAMPlusPlus, XGradCAM, LayerCAM, ScoreCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
from pytorch_grad_cam.utils.reshape_transforms import vit_reshape_transform, swinT_reshape_transform

out, clip_dir = sys.argv[1], sys.argv[2]
METHODS = [("grad-cam", GradCAM), ("grad-cam-plus-plus", GradCAMPlusPlus), ("x-grad-cam", XGradCAM),
           ("layer-cam", LayerCAM), ("score-cam", ScoreCAM)]
NOTE = "pytorch-grad-cam 1.5.5 (084273b) with reshape_transform: ReLU, per-sample min-max, cv2 bilinear resize"


class VitSplit(nn.Module):
    """torchvision's VisionTransformer.forward, cut after encoder_layer_0."""
    def __init__(s, vit):
        super().__init__(); s.vit = vit

    @torch.jit.export
    def to_encoder_layer_0(s, x):
        v = s.vit
        h = v._process_input(x)
        h = torch.cat([v.class_token.expand(h.shape[0], -1, -1), h], dim=1)
        h = v.encoder.dropout(h + v.encoder.pos_embedding)
        return v.encoder.layers.encoder_layer_0(h)

    @torch.jit.export
    def from_encoder_layer_0(s, z):
        v = s.vit
        z = v.encoder.ln(v.encoder.layers.encoder_layer_1(z))
        return v.heads(z[:, 0])

    def forward(s, x):
        return s.from_encoder_layer_0(s.to_encoder_layer_0(x))


class SwinSplit(nn.Module):
    """torchvision's SwinTransformer.forward, cut after features."""
    def __init__(s, swin):
        super().__init__(); s.swin = swin

    @torch.jit.export
    def to_features(s, x):
        return s.swin.features(x)

    @torch.jit.export
    def from_features(s, z):
        w = s.swin
        return w.head(w.flatten(w.avgpool(w.permute(w.norm(z)))))

    def forward(s, x):
        return s.from_features(s.to_features(x))


def vit_model():
    torch.manual_seed(0)
    vit = VisionTransformer(image_size=32, patch_size=4, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64,
                            num_classes=10)
    with torch.no_grad():  # torchvision zeroes head and class token: then every logit and CAM would be 0
        nn.init.normal_(vit.heads.head.weight, std=0.3); nn.init.normal_(vit.heads.head.bias, std=0.1)
        nn.init.normal_(vit.class_token, std=1.0)
    return vit.eval()


def swin_model():
    torch.manual_seed(1)
    swin = SwinTransformer(patch_size=[2, 2], embed_dim=16, depths=[2, 2], num_heads=[2, 4], window_size=[4, 4],
                           stochastic_depth_prob=0.0, num_classes=10)
    with torch.no_grad():  # torchvision's head (std 0.02) gives logits of ~0.1; larger ones make sharper maps
        nn.init.normal_(swin.head.weight, std=0.3)
    return swin.eval()


class Head(nn.Module):
    """Hookable module around the CLIP image tower's to_image_2 (a frozen TorchScript method)."""
    def __init__(s, m):
        super().__init__(); s.m = [m]

    def forward(s, x):
        return s.m[0].to_image_2(x)


class ClipImageTower(nn.Module):
    def __init__(s, m):
        super().__init__(); s.m = [m]; s.head = Head(m)
        s.unused = nn.Parameter(torch.zeros(1))  # pytorch-grad-cam reads the device off a parameter

    def forward(s, x):
        return s.m[0].from_image_2(s.head(x))


class Cosine:
    """Cosine similarity of one sample's output row to its caption's embedding (a pytorch-grad-cam target)."""
    def __init__(s, e):
        s.e = e

    def __call__(s, output):
        return F.cosine_similarity(output, s.e, dim=0)


def cams(d, model, layer, transform, x, targets, settings):
    os.makedirs(d, exist_ok=True)
    ref = {}
    for name, C in METHODS:
        with C(model=model, target_layers=[layer], reshape_transform=transform) as c:
            if name == "score-cam":
                c.batch_size = 64
            g = c(input_tensor=x, targets=targets)
        assert g.shape == (x.shape[0], 32, 32) and g.max() > 0.99, (name, g.shape, g.max())  # not a constant map
        np.save(os.path.join(d, name + ".npy"), g)
        ref[name] = dict(method=name, normalise="minmax", note=NOTE, dtype=str(g.dtype), **settings)
    return ref


def export(d, eager, split, names, x, y):
    os.makedirs(d, exist_ok=True)
    with torch.no_grad():
        assert torch.equal(split(x), eager(x)), "the split does not reproduce forward"
        frozen = torch.jit.freeze(torch.jit.script(split), preserved_attrs=names)
        diff = (frozen(x) - eager(x)).abs().max().item()
        assert diff < (1e-12 if x.dtype == torch.float64 else 1e-5), diff
        frozen.save(os.path.join(d, "model.pt"))
        np.save(os.path.join(d, "logits.npy"), eager(x).numpy())
    np.save(os.path.join(d, "x.npy"), x.numpy()); np.save(os.path.join(d, "y.npy"), y.numpy())


def save(d, ref, note):
    ref["_note"] = note
    json.dump(ref, open(os.path.join(d, "reference.json"), "w"), indent=1)
    print("wrote", d, sorted(ref))


for suffix, dtype in [("", torch.float64), ("-float32", torch.float32)]:
    vit = vit_model().to(dtype)
    torch.manual_seed(10)
    x = torch.randn(4, 3, 32, 32).to(dtype); y = torch.tensor([1, 3, 5, 7])
    d = os.path.join(out, "vit" + suffix)
    export(d, vit, VitSplit(vit).eval(), ["to_encoder_layer_0", "from_encoder_layer_0"], x, y)
    ref = cams(d, vit, vit.encoder.layers.encoder_layer_0, lambda t: vit_reshape_transform(t, height=8, width=8), x,
               [ClassifierOutputTarget(int(t)) for t in y],
               dict(layer="encoder_layer_0", **{"token-layout": "tokens", "prefix-tokens": 1}))
    save(d, ref, "torch " + torch.__version__ + ", model and input " + str(dtype) + ", class targets y.npy")

    swin = swin_model().to(dtype)
    torch.manual_seed(11)
    x = torch.randn(4, 3, 32, 32).to(dtype); y = torch.tensor([0, 2, 4, 9])
    d = os.path.join(out, "swin" + suffix)
    export(d, swin, SwinSplit(swin).eval(), ["to_features", "from_features"], x, y)
    # swinT_reshape_transform takes timm's (N, h·w, C) tokens: torchvision's (N, h, w, C) is flattened to them first
    ref = cams(d, swin, swin.features, lambda t: swinT_reshape_transform(t.flatten(1, 2), height=8, width=8), x,
               [ClassifierOutputTarget(int(t)) for t in y], dict(layer="features", **{"token-layout": "nhwc"}))
    save(d, ref, "torch " + torch.__version__ + ", model and input " + str(dtype) + ", class targets y.npy")

clip = torch.jit.load(os.path.join(clip_dir, "clip.pt"))
pixels = torch.tensor(np.load(os.path.join(clip_dir, "pixels.npy")))
captions = torch.tensor(np.load(os.path.join(clip_dir, "text_embeddings.npy")))
tower = ClipImageTower(clip)
# the frozen model has no parameters that require grad: the input does, so the hooked activation has a gradient
ref = cams(os.path.join(out, "clip"), tower, tower.head, lambda t: vit_reshape_transform(t, height=4, width=4),
           pixels.clone().requires_grad_(True), [Cosine(e) for e in captions],
           dict(layer="image_2", **{"token-layout": "tokens", "prefix-tokens": 1}))
save(os.path.join(out, "clip"), ref, "torch " + torch.__version__ + ", ../../clip/clip.pt (float32) on pixels.npy,"
     " target: cosine similarity to text_embeddings.npy (the paired captions), torch.cosine_similarity eps 1e-8")
