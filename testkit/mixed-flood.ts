import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readNiftiVolume } from '../lib/formats/nifti-read';
import { allValues } from '../lib/volume/scalar-volume';
import { BOUNDARY, fixture, multipartBody } from './client';
import { processMemory, type ServerProcess } from './server-process';

// Clients that keep sending the largest allowed volumes next to clients sending slices, while a prober times
// /api/health: for the hardening test and for `npm run bench`. Each client runs in testkit/flood-client.mjs.

interface DoorCount {
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
  /** The worst event-loop delay the server reported between two probes. */
  eventLoopMaxMs: number;
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

interface ClientResult {
  statuses: Record<string, number>;
  latenciesMs: number[];
  loopDelaysMs: number[];
}

/** A client process, once it says it is ready (its body read; the prober's first fetch made); `start` then sets it going. */
function client(args: string[]): Promise<{ start(from: number, until: number): void; result: Promise<ClientResult> }> {
  return new Promise((ready, reject) => {
    const child = spawn(process.execPath, [path.join(process.cwd(), 'testkit', 'flood-client.mjs'), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    const result = new Promise<ClientResult>((resolve, fail) => {
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output.trim().split('\n').pop()!)) : fail(new Error(`flood client exited with ${code}`))));
    });
    result.catch(reject); // a client that dies before it is ready
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.startsWith('ready\n')) ready({ start: (from, until) => child.stdin!.end(`${from} ${until}\n`), result });
    });
  });
}

function door(results: Array<{ statuses: Record<string, number> }>): DoorCount {
  const total: DoorCount = { ok: 0, busy: 0, other: {} };
  for (const { statuses } of results) {
    for (const [status, n] of Object.entries(statuses)) {
      if (status === '200') total.ok += n;
      else if (status === '503') total.busy += n;
      else total.other[status] = (total.other[status] ?? 0) + n;
    }
  }
  return total;
}

/** Each client is a process of its own; the bodies go to a temp folder so that every process reads them once. */
export async function mixedFlood(server: ServerProcess, options: { seconds: number; volumeClients: number; sliceClients: number; volumeBody: Buffer; sliceBody: Buffer }): Promise<FloodReport> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'flood-'));
  const volumeFile = path.join(folder, 'volume.body'), sliceFile = path.join(folder, 'slice.body');
  writeFileSync(volumeFile, options.volumeBody);
  writeFileSync(sliceFile, options.sliceBody);
  let peakRssMb = 0;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, processMemory(server.pid).rssMb)), 100);
  try {
    // the clock starts once every client is ready: starting 17 processes and reading 150 MB bodies is the clients' work
    const clients = await Promise.all([
      client(['prober', `${server.url}/api/health`]),
      ...Array.from({ length: options.volumeClients }, () => client(['poster', `${server.url}/api/volume`, volumeFile])),
      ...Array.from({ length: options.sliceClients }, () => client(['poster', `${server.url}/api/predict`, sliceFile])),
    ]);
    const from = Date.now() + 100;
    for (const c of clients) c.start(from, from + options.seconds * 1000);
    const [health, ...posters] = await Promise.all(clients.map((c) => c.result));
    const seconds = (Date.now() - from) / 1000; // the last answers may come after `until`
    const volumes = door(posters.slice(0, options.volumeClients)), slices = door(posters.slice(options.volumeClients));
    const sorted = [...health.latenciesMs].sort((a, b) => a - b);
    return {
      seconds,
      volumes,
      slices,
      volumesPerMinute: (volumes.ok * 60) / seconds,
      slicesPerMinute: (slices.ok * 60) / seconds,
      healthP99Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)],
      healthMaxMs: sorted[sorted.length - 1],
      eventLoopMaxMs: Math.max(0, ...health.loopDelaysMs),
      healthFailures: Object.entries(health.statuses).filter(([status]) => status !== '200').reduce((n, [, c]) => n + c, 0),
      peakRssMb: Math.max(peakRssMb, processMemory(server.pid).peakRssMb),
    };
  } finally {
    clearInterval(sampler);
    rmSync(folder, { recursive: true, force: true });
  }
}
