"""Image-side Confidence Drop / Increase of NIB's evaluation, computed independently on the toy CLIP.

As NIB and M2IB evaluate (see the project's reference notes): s = cos(image embedding, paired text
embedding); s' = the same with the normalised pixel tensor multiplied by the soft [0,1] map (NIB's own
image map here); drop = 100 * max(0, s - s'), increase = 100 * [s' > s], per sample.
Writes OUT/confidence.npy (2,3): rows drop, increase.
Run: /usr/bin/python3 gen_clip_confidence.py CLIP_DIR OUT
"""
import sys
import numpy as np
import torch

clip_dir, out = sys.argv[1], sys.argv[2]
m = torch.jit.load(f"{clip_dir}/clip.pt").eval()
pixels = torch.from_numpy(np.load(f"{clip_dir}/pixels.npy"))
ids = torch.from_numpy(np.load(f"{clip_dir}/ids.npy"))
heat = torch.from_numpy(np.load(f"{clip_dir}/nib.image.npy"))
with torch.no_grad():
    text = m.encode_text(ids)
    s = torch.cosine_similarity(m.encode_image(pixels), text, dim=1)
    s2 = torch.cosine_similarity(m.encode_image(pixels * heat[:, None]), text, dim=1)
drop = 100 * torch.clamp(s - s2, min=0)
inc = 100 * (s2 > s).double()
np.save(f"{out}/confidence.npy", np.stack([drop.double().numpy(), inc.numpy()]))
print(s, s2, drop, inc)

# Text side at the split point text_2 (the toy CLIP exports no split at the token embeddings; the metric's
# definition is the same at any split): hidden states scaled per token by NIB's text scores, SOT (position 0)
# and EOT (the highest id) left unscaled; s' = cos(from_text_2(h * scale, ids), paired image embedding).
# Writes OUT/confidence_text.npy (2,3): rows drop, increase.
tscores = torch.from_numpy(np.load(f"{clip_dir}/nib.text.npy"))
with torch.no_grad():
    image = m.encode_image(pixels)
    scale = tscores.clone()
    scale[:, 0] = 1
    scale[torch.arange(ids.shape[0]), ids.argmax(-1)] = 1
    t = torch.cosine_similarity(m.encode_text(ids), image, dim=1)
    t2 = torch.cosine_similarity(m.from_text_2(m.to_text_2(ids) * scale[:, :, None], ids), image, dim=1)
np.save(f"{out}/confidence_text.npy",
        np.stack([(100 * torch.clamp(t - t2, min=0)).double().numpy(), (100 * (t2 > t).double()).numpy()]))
print(t, t2)
