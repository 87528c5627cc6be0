"""What both DICOM writers share (make-dicom-series.py, make-enhanced-dicom.py): decimal strings, an oblique turn, int16
with a slope and intercept."""
import math

import numpy as np


def ds_text(value):
    """A decimal string (VR DS) of at most 16 characters."""
    for digits in range(12, 1, -1):
        text = format(float(value), f'.{digits}g')
        if len(text) <= 16:
            return text
    raise ValueError(value)


def rotation(degrees):
    """About the axis (1, 1, 1)/sqrt(3): oblique in all three planes, still nearest to axial for small angles."""
    a = math.radians(degrees)
    x, y, z = np.ones(3) / math.sqrt(3)
    c, s, t = math.cos(a), math.sin(a), 1 - math.cos(a)
    return np.array([[t * x * x + c, t * x * y - s * z, t * x * z + s * y],
                     [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
                     [t * x * z - s * y, t * y * z + s * x, t * z * z + c]])


def quantise(values, vmin, vmax):
    """float -> int16 with a slope and intercept written as DS text, the stored values computed from the written pair."""
    slope = float(ds_text((vmax - vmin) / 60000 if vmax > vmin else 1.0))
    intercept = float(ds_text(vmin + 30000 * slope))
    stored = np.clip(np.round((values - intercept) / slope), -32768, 32767).astype('<i2')
    return stored, slope, intercept
