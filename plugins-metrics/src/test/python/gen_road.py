"""Reference for ROAD's noisy linear imputation from the authors' code (github tleemann/road_evaluation,
road/imputations.py, NoisyLinearImputer with noise 0).

Writes OUT/image.npy (3,8,9), OUT/keep.npy (8,9) (1 = pixel present, ROAD's convention) and
OUT/imputed.npy (3,8,9).
Run: PYTHONPATH=road_evaluation /usr/bin/python3 gen_road.py OUT
"""
import sys
import numpy as np
import torch
from road.imputations import NoisyLinearImputer

out = sys.argv[1]
rng = np.random.default_rng(3)
image = rng.normal(size=(3, 8, 9)).astype(np.float32)
keep = (rng.random((8, 9)) > 0.6).astype(np.float32)
imputed = NoisyLinearImputer(noise=0.0)(torch.from_numpy(image.copy()), torch.from_numpy(keep)).numpy()
np.save(f"{out}/image.npy", image)
np.save(f"{out}/keep.npy", keep)
np.save(f"{out}/imputed.npy", imputed.astype(np.float32))
print(int(keep.sum()), "of", keep.size, "kept")
