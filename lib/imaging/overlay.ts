// The predicted tumour as pictures: a 0/255 mask and a red fill with an opaque outline, to layer over the image.

/** 8-bit probability map -> 0/255 mask at the threshold. */
export function thresholdMask(probability: Uint8Array, threshold: number): Uint8Array {
  const cut = threshold * 255;
  const mask = new Uint8Array(probability.length);
  for (let i = 0; i < probability.length; i++) mask[i] = probability[i] >= cut ? 255 : 0;
  return mask;
}

export function countOn(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  return n;
}

/** RGBA: translucent red inside the tumour, opaque yellow on its edge, transparent elsewhere. */
export function overlayRgba(mask: Uint8Array, width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1 ||
        !mask[i - 1] || !mask[i + 1] || !mask[i - width] || !mask[i + width];
      rgba.set(edge ? [255, 214, 10, 255] : [239, 68, 68, 110], i * 4);
    }
  }
  return rgba;
}

/** RGB: the grey picture with the tumour blended in red (for pictures that have no separate overlay layer, as in a PDF). */
export function blendTumour(grey: Uint8Array, tumour: Uint8Array): Uint8Array {
  const red = [239, 68, 68], opacity = 0.45;
  const rgb = new Uint8Array(grey.length * 3);
  for (let i = 0; i < grey.length; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = tumour[i] ? Math.round(grey[i] * (1 - opacity) + red[c] * opacity) : grey[i];
  }
  return rgb;
}
