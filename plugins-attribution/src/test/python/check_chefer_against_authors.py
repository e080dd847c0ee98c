"""Cross-check of gen_chefer_reference.py: runs the Chefer authors' own `interpret` function, read at run time from
their notebook (hila-chefer/Transformer-MM-Explainability, CLIP_explainability.ipynb; nothing of it is kept here),
on the toy CLIP and ViT modules the generator builds, and prints the largest difference to the references the
generator wrote (measured: <= 4e-9). One pair or image per call (their function repeats one image over the texts).
usage: /usr/bin/python3 check_chefer_against_authors.py NOTEBOOK GENERATOR REF_CLIP_DIR REF_VIT_DIR SCRATCH_DIR"""
import json, sys, types, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
nb_path, gen_path, ref_clip, ref_vit, scratch = sys.argv[1:6]
nb = json.load(open(nb_path))
src = [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'code' and 'def interpret' in ''.join(c['source'])][0]
torch.Tensor.cuda = lambda self, *a, **k: self          # their code moves one tensor to cuda
g = {"torch": torch, "np": np, "start_layer": -1, "start_layer_text": -1}
exec(src, g); interpret = g["interpret"]
import os, shutil
os.makedirs(scratch + "/clip", exist_ok=True)
for f in os.listdir(ref_clip): shutil.copy(os.path.join(ref_clip, f), scratch + "/clip/")
sys.argv = ["generator", scratch + "/clip", scratch + "/vit"]     # the generator writes its copies there
import runpy
gen = runpy.run_path(gen_path, run_name="gen_chefer")
clip, vit, x, ids, vx = gen["clip"], gen["vit"], gen["x"], gen["ids"], gen["vx"]
for b in list(clip.vblocks) + list(clip.tblocks) + list(vit.blocks): b.keep = True
class Wrap(nn.Module):
    def __init__(s, image_fn, text_fn, vblocks, tblocks):
        super().__init__(); s.image_fn, s.text_fn = image_fn, text_fn
        s.visual = types.SimpleNamespace(transformer=types.SimpleNamespace(resblocks=vblocks))
        s.transformer = types.SimpleNamespace(resblocks=tblocks)
    def forward(s, images, texts):
        i = F.normalize(s.image_fn(images), dim=-1); t = F.normalize(s.text_fn(texts), dim=-1)
        lpi = i @ t.t(); return lpi, lpi.t()
w = Wrap(clip.encode_image, clip.encode_text, clip.vblocks, clip.tblocks)
def tonp(t): return t.detach().numpy()
for start, tag in [(0, ""), (-1, ".last")]:
    img, txt = [], []
    for n in range(3):
        tr, ir = interpret(x[n:n + 1], ids[n:n + 1], w, "cpu", start_layer=start, start_layer_text=start)
        img.append(ir[0]); txt.append(tr[0, ids[n].argmax()])
    img, txt = torch.stack(img), torch.stack(txt)
    ri = np.load(f"{ref_clip}/chefer.image{tag}.tokens.npy")[:, 1:]; rt = np.load(f"{ref_clip}/chefer.text{tag}.tokens.npy")
    print("clip", tag or "all", "image", np.abs(tonp(img) - ri).max(), "text", np.abs(tonp(txt) - rt).max())
# ViT classifier: logits_per_image = the target class's logit; the text loop runs on the same blocks (ignored)
class VitWrap(nn.Module):
    def __init__(s, k):
        super().__init__(); s.k = k
        s.visual = types.SimpleNamespace(transformer=types.SimpleNamespace(resblocks=vit.blocks))
        s.transformer = types.SimpleNamespace(resblocks=vit.blocks)
    def forward(s, images, texts):
        l = vit(images)[:, s.k:s.k + 1]; return l, l.t()
logits = vit(vx)
for cls, tag in [(logits.argmax(-1), "predicted"), (torch.full((4,), 3), "class3")]:
    for start, st in [(0, ""), (-1, ".last")]:
        rows = [interpret(vx[n:n + 1], torch.zeros(1, 1), VitWrap(int(cls[n])), "cpu", start_layer=start, start_layer_text=start)[1][0] for n in range(4)]
        ref = np.load(f"{ref_vit}/chefer.{tag}{st}.tokens.npy")[:, 1:]
        print("vit", tag, st or "all", np.abs(tonp(torch.stack(rows)) - ref).max())
