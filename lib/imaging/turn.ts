// Quarter turns and mirrors of a raster, exact and invertible: a slice read upright is turned back by the inverse, pixel for pixel.

/** Counter-clockwise quarter turns (0..3): as a picture's turn from upright is counted (lib/analysis/orientation.ts). */
export type QuarterTurns = 0 | 1 | 2 | 3;

export interface Raster {
  width: number;
  height: number;
  /** Interleaved, `channels` values a pixel, row by row. */
  pixels: Uint8Array;
}

/** The raster turned counter-clockwise by `quarters` quarter turns (a turn of 0 returns it as it is). */
export function turnRaster(raster: Raster, quarters: QuarterTurns, channels: number): Raster {
  if (quarters === 0) return raster;
  const { width, height, pixels } = raster;
  const swapped = quarters % 2 === 1;
  const outWidth = swapped ? height : width, outHeight = swapped ? width : height;
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // where (x, y) lands: counter-clockwise, the top row becomes the left column
      const [tx, ty] = quarters === 1 ? [y, width - 1 - x] : quarters === 2 ? [width - 1 - x, height - 1 - y] : [height - 1 - y, x];
      const from = (y * width + x) * channels, to = (ty * outWidth + tx) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = pixels[from + c];
    }
  }
  return { width: outWidth, height: outHeight, pixels: out };
}

/** The raster mirrored left to right. */
export function mirrorRaster(raster: Raster, channels: number): Raster {
  const { width, height, pixels } = raster;
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * channels, to = (y * width + width - 1 - x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = pixels[from + c];
    }
  }
  return { width, height, pixels: out };
}

/** The turn that undoes `quarters`. */
export const inverseTurn = (quarters: QuarterTurns): QuarterTurns => ((4 - quarters) % 4) as QuarterTurns;
