// Where an image of any size sits inside the square model input (fit: contain, centred, black padding).

export interface Letterbox {
  size: number;
  width: number; // of the resized image inside the square
  height: number;
  left: number;
  top: number;
}

export function letterbox(sourceWidth: number, sourceHeight: number, size: number): Letterbox {
  const scale = Math.min(size / sourceWidth, size / sourceHeight);
  const width = Math.max(1, Math.min(size, Math.round(sourceWidth * scale)));
  const height = Math.max(1, Math.min(size, Math.round(sourceHeight * scale)));
  return { size, width, height, left: Math.floor((size - width) / 2), top: Math.floor((size - height) / 2) };
}

/** Crop the square map back to the letterboxed image's rectangle, as 8-bit values (probability x 255). */
export function cropToImage(map: Float32Array, box: Letterbox): Uint8Array {
  const out = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const row = (y + box.top) * box.size + box.left;
    for (let x = 0; x < box.width; x++) out[y * box.width + x] = Math.round(map[row + x] * 255);
  }
  return out;
}

/** The index of the source image's pixel under pixel `squareIndex` of the square (row-major, both). */
export function uploadPixel(squareIndex: number, box: Letterbox, sourceWidth: number, sourceHeight: number): number {
  const x = (squareIndex % box.size) - box.left, y = Math.floor(squareIndex / box.size) - box.top;
  const ux = Math.min(sourceWidth - 1, Math.max(0, Math.floor(((x + 0.5) * sourceWidth) / box.width)));
  const uy = Math.min(sourceHeight - 1, Math.max(0, Math.floor(((y + 0.5) * sourceHeight) / box.height)));
  return uy * sourceWidth + ux;
}
