import { writeSlice, type SliceGrid } from './slices';

// The predicted tumour of a volume, kept as the slices that have any: a whole-volume byte mask of the largest volume
// would be 80 MB, mostly zeros. Written out plane by plane in the upload's voxel order.

export class TumourMask {
  private readonly slices = new Map<number, Uint8Array>();

  constructor(readonly grid: SliceGrid) {}

  /** A slice's 0/1 mask as a row-major image of the slice grid. */
  set(index: number, mask: Uint8Array): void {
    this.slices.set(index, mask);
  }

  slice(index: number): Uint8Array | undefined {
    return this.slices.get(index);
  }

  /** The whole mask in voxel order (i fastest): for tools and tests, or when the slices do not run along k. */
  toVolume(): Uint8Array {
    const [nx, ny, nz] = this.grid.dims;
    const volume = new Uint8Array(nx * ny * nz);
    for (const [index, mask] of this.slices) writeSlice(volume, this.grid, index, mask);
    return volume;
  }

  /** The k-planes of the voxel grid in order, each i fastest; one reused buffer when the slices are k-planes. */
  *planes(): Generator<Uint8Array> {
    const [nx, ny, nz] = this.grid.dims;
    if (this.grid.axes.normal !== 2) {
      const volume = this.toVolume();
      for (let k = 0; k < nz; k++) yield volume.subarray(k * nx * ny, (k + 1) * nx * ny);
      return;
    }
    const plane = new Uint8Array(nx * ny);
    const planeGrid: SliceGrid = { ...this.grid, dims: [nx, ny, 1], count: 1 };
    for (let k = 0; k < nz; k++) {
      const mask = this.slices.get(k);
      if (mask) writeSlice(plane, planeGrid, 0, mask);
      else plane.fill(0);
      yield plane;
    }
  }
}
