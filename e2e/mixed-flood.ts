import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readNiftiVolume } from '../lib/volume/nifti-read';
import { allValues } from '../lib/volume/scalar-volume';
import { BOUNDARY, fixture, multipartBody, multipartHeaders } from './client';
import { processMemory, type ServerProcess } from './server-process';

// Clients that keep sending the largest allowed volumes next to clients sending slices, while a prober times
// /api/health: for the hardening test and for `npm run bench`.

export interface DoorCount {
  ok: number;
  busy: number;
  other: Record<string, number>;
}

export interface FloodReport {
  seconds: number;
  volumes: DoorCount;
  slices: DoorCount;
  volumesPerMinute: number;
  slicesPerMinute: number;
  healthP99Ms: number;
  healthMaxMs: number;
  healthFailures: number;
  peakRssMb: number;
}

/**
 * The largest volume the server takes (512 x 512 x 300 int16, 150 MB as .nii): the BRATS fixture resampled to that grid
 * (nearest neighbour), so that its slices hold a real head and tumour.
 */
export async function largestVolumeBody(): Promise<Buffer> {
  const source = await readNiftiVolume(readFileSync(fixture('brats-pat0001-flair.nii.gz')));
  const values = allValues(source);
  const [sx, sy, sz] = source.dims, [nx, ny, nz] = [512, 512, 300];
  const file = Buffer.alloc(352 + nx * ny * nz * 2);
  const header = new DataView(file.buffer, file.byteOffset, 352);
  header.setInt32(0, 348, true);
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((n, d) => header.setInt16(40 + d * 2, n, true));
  header.setInt16(70, 4, true); // int16
  header.setInt16(72, 16, true);
  [1, (sx / nx) * source.spacingMm[0], (sy / ny) * source.spacingMm[1], (sz / nz) * source.spacingMm[2]].forEach((p, d) => header.setFloat32(76 + d * 4, p, true));
  header.setFloat32(108, 352, true);
  header.setUint8(123, 2);
  file.set([0x6e, 0x2b, 0x31, 0], 344);
  const voxels = new Int16Array(file.buffer, file.byteOffset + 352, nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    const kk = Math.floor((k * sz) / nz);
    for (let j = 0; j < ny; j++) {
      const jj = Math.floor((j * sy) / ny);
      for (let i = 0, at = (k * ny + j) * nx; i < nx; i++, at++) voxels[at] = Math.round(values[Math.floor((i * sx) / nx) + jj * sx + kk * sx * sy] * 1000);
    }
  }
  return multipartBody([{ name: 'flair', filename: 'largest.nii', contentType: 'application/octet-stream', data: file }], BOUNDARY);
}

const count = (door: DoorCount, status: number) => {
  if (status === 200) door.ok++;
  else if (status === 503) door.busy++;
  else door.other[status] = (door.other[status] ?? 0) + 1;
};

async function keepSending(url: string, body: Buffer, door: DoorCount, stopAt: number): Promise<void> {
  while (performance.now() < stopAt) {
    try {
      const response = await fetch(url, { method: 'POST', headers: multipartHeaders(), body: new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length) });
      await response.arrayBuffer();
      count(door, response.status);
      // a 503 says when to come back
      if (response.status === 503) await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1000));
    } catch (error) {
      count(door, 0);
    }
  }
}

export async function mixedFlood(server: ServerProcess, options: { seconds: number; volumeClients: number; sliceClients: number; volumeBody: Buffer; sliceBody: Buffer }): Promise<FloodReport> {
  const volumes: DoorCount = { ok: 0, busy: 0, other: {} }, slices: DoorCount = { ok: 0, busy: 0, other: {} };
  const healthMs: number[] = [];
  let healthFailures = 0, peakRssMb = 0;
  const started = performance.now();
  const stopAt = started + options.seconds * 1000;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, processMemory(server.pid).rssMb)), 100);
  const prober = (async () => {
    while (performance.now() < stopAt) {
      const sent = performance.now();
      try {
        if (!(await fetch(`${server.url}/api/health`)).ok) healthFailures++;
      } catch {
        healthFailures++;
      }
      healthMs.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  await Promise.all([
    prober,
    ...Array.from({ length: options.volumeClients }, () => keepSending(`${server.url}/api/volume`, options.volumeBody, volumes, stopAt)),
    ...Array.from({ length: options.sliceClients }, () => keepSending(`${server.url}/api/predict`, options.sliceBody, slices, stopAt)),
  ]);
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...healthMs].sort((a, b) => a - b);
  return {
    seconds,
    volumes,
    slices,
    volumesPerMinute: (volumes.ok * 60) / seconds,
    slicesPerMinute: (slices.ok * 60) / seconds,
    healthP99Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)],
    healthMaxMs: sorted[sorted.length - 1],
    healthFailures,
    peakRssMb: Math.max(peakRssMb, processMemory(server.pid).peakRssMb),
  };
}
