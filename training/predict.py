"""The batched inference loop that training, calibration and evaluation share."""
import numpy as np
import torch

from data import normalise


def flair_only(images):
    """The FLAIR-alone mode: FLAIR copied into the T1 and T1c channels."""
    return images[:, 1:2].expand(-1, 3, -1, -1)


@torch.no_grad()
def network_outputs(model, images_u8, modalities="flair", batch=32):
    """images_u8: numpy [N,H,W,3]. Returns tumour probability maps [N,H,W] and raw slice logits [N], in one pass."""
    model.eval()
    maps, logits = [], []
    for start in range(0, len(images_u8), batch):
        x = torch.from_numpy(images_u8[start:start + batch]).permute(0, 3, 1, 2).float()
        if modalities == "flair":
            x = flair_only(x)
        mask_logits, slice_logit = model(normalise(x).contiguous(memory_format=torch.channels_last))
        maps.append(torch.sigmoid(mask_logits)[:, 0].numpy())
        logits.append(slice_logit[:, 0].numpy())
    return np.concatenate(maps), np.concatenate(logits)


def predict(model, images_u8, modalities="flair", batch=32):
    """Tumour probability maps [N,H,W] and slice probabilities [N] (before calibration)."""
    maps, logits = network_outputs(model, images_u8, modalities, batch)
    return maps, 1 / (1 + np.exp(-logits))
