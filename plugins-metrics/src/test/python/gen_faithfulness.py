"""Reference values for insertion/deletion (RISE) and confidence drop/increase (pytorch-grad-cam).

Runs the authors' own code on the parity CNN (src/test/resources/parity/plain):
  - RISE (github eclique/RISE, evaluation.py): CausalMetric 'del' with a zero substrate and 'ins' with the
    gkern(11, 5) blur, 64 pixels per step (16 steps on 32x32), on a random map with distinct values;
    the model is wrapped with a softmax as in RISE's notebooks; RISE's .cuda() calls are made no-ops.
  - pytorch-grad-cam (github jacobgil/pytorch-grad-cam): DropInConfidence / IncreaseInConfidence on the
    grad-cam.minmax cams with ClassifierOutputSoftmaxTarget and ClassifierOutputTarget for the labels y.

Writes OUT/maps.npy (4,32,32), OUT/cams.npy (4,32,32) and OUT/expected.npy (8,4): rows deletion AUC,
insertion AUC, drop (softmax), increase (softmax), drop (logit), increase (logit), and deletion and
insertion AUC of the raw logit (the same RISE runs without the softmax wrapper); OUT/gkern.npy is
RISE's gkern(11, 5) blur kernel (11,11).

Run: PYTHONPATH=RISE:pytorch-grad-cam:ttach /usr/bin/python3 gen_faithfulness.py PLAIN_DIR OUT [CAM_DIR]
"""
import sys
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

plain, out = sys.argv[1], sys.argv[2]
cam_dir = sys.argv[3] if len(sys.argv) > 3 else plain  # where grad-cam.minmax.npy lives (the shared parity dir)
torch.Tensor.cuda = lambda self, *a, **k: self  # RISE hard-codes CUDA

import evaluation  # noqa: E402  (RISE)
from pytorch_grad_cam.metrics.cam_mult_image import DropInConfidence, IncreaseInConfidence  # noqa: E402
from pytorch_grad_cam.utils.model_targets import ClassifierOutputSoftmaxTarget, ClassifierOutputTarget  # noqa: E402

evaluation.HW = 32 * 32
model = torch.jit.load(f"{plain}/model.pt").eval()
x = torch.from_numpy(np.load(f"{plain}/x.npy"))
y = np.load(f"{plain}/y.npy")
cams = np.load(f"{cam_dir}/grad-cam.minmax.npy").astype(np.float32)
maps = np.random.default_rng(11).random((4, 32, 32)).astype(np.float32)


class Softmax(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, t):
        return torch.softmax(self.m(t), dim=1)


prob = Softmax(model)
kern = evaluation.gkern(11, 5)
blur = lambda t: F.conv2d(t, kern, padding=11 // 2)  # noqa: E731
deletion = evaluation.CausalMetric(prob, 'del', 64, substrate_fn=torch.zeros_like)
insertion = evaluation.CausalMetric(prob, 'ins', 64, substrate_fn=blur)
deletion_logit = evaluation.CausalMetric(model, 'del', 64, substrate_fn=torch.zeros_like)
insertion_logit = evaluation.CausalMetric(model, 'ins', 64, substrate_fn=blur)
with torch.no_grad():
    dele = [evaluation.auc(deletion.single_run(x[i:i + 1].clone(), maps[i])) for i in range(4)]
    ins = [evaluation.auc(insertion.single_run(x[i:i + 1].clone(), maps[i])) for i in range(4)]
    dele_l = [evaluation.auc(deletion_logit.single_run(x[i:i + 1].clone(), maps[i])) for i in range(4)]
    ins_l = [evaluation.auc(insertion_logit.single_run(x[i:i + 1].clone(), maps[i])) for i in range(4)]
soft = [ClassifierOutputSoftmaxTarget(int(c)) for c in y]
logit = [ClassifierOutputTarget(int(c)) for c in y]
expected = np.array([
    dele, ins,
    DropInConfidence()(x, cams, soft, model), IncreaseInConfidence()(x, cams, soft, model),
    DropInConfidence()(x, cams, logit, model), IncreaseInConfidence()(x, cams, logit, model),
    dele_l, ins_l], dtype=np.float64)
np.save(f"{out}/maps.npy", maps)
np.save(f"{out}/gkern.npy", kern[0, 0].numpy().astype(np.float64))
np.save(f"{out}/cams.npy", cams)
np.save(f"{out}/expected.npy", expected)
print(expected)
