// Where an image of any size sits inside the square model input (fit: contain, centred, black padding).

export interface Letterbox {
  size: number;
  width: number; // of the resized image inside the square
  height: number;
  left: number;
  top: number;
}

/**
 * `mirrorSymmetric`: the margins on both sides are equal (the resized side rounded to the square's parity, at most a pixel
 * off), so that a picture and its mirror image sit alike in the square and a mask maps back to either the same way.
 */
export function letterbox(sourceWidth: number, sourceHeight: number, size: number, { mirrorSymmetric = false } = {}): Letterbox {
  const scale = Math.min(size / sourceWidth, size / sourceHeight);
  const side = (exact: number) => {
    const rounded = Math.max(1, Math.min(size, Math.round(exact)));
    if (!mirrorSymmetric || (size - rounded) % 2 === 0) return rounded;
    // a pixel towards the exact size, staying inside 1..size (rounded < size here: the margin is odd)
    return exact > rounded || rounded === 1 ? rounded + 1 : rounded - 1;
  };
  const width = side(sourceWidth * scale), height = side(sourceHeight * scale);
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
