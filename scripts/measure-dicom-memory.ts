/**
 * Peak memory of the production server for the largest typical DICOM series, as files and as a zip, through the API:
 *
 *   npx next build && npx tsx scripts/measure-dicom-memory.ts [--slices 300] [--side 512] [--syntax 'JPEG 2000 (lossless only)']
 *
 * A synthetic head (a disc of tissue with a bright blob) as an int16 MR series; prints status, answer time and the
 * server's peak RSS (VmHWM) after each upload, with the memory budget at its default (forced past the volume guard,
 * which does not take the synthetic head for an MRI). --syntax re-encodes the files
 * first with dcmtk or GDCM (a name from testkit/dicom-codecs.ts ENCODERS).
 */
import { performance } from 'node:perf_hooks';
import { ENCODERS, reencode, type EncoderName } from '../testkit/dicom-codecs';
import { seriesFromVolume } from '../testkit/dicom-synthetic';
import { makeZip } from '../testkit/zip-synthetic';
import { processMemory, startServer } from '../testkit/server-process';

function syntheticSeries(side: number, slices: number): Uint8Array[] {
  const values = new Int16Array(side * side * slices);
  const centre = side / 2, radius = side * 0.4;
  for (let k = 0; k < slices; k++) {
    for (let j = 0; j < side; j++) {
      for (let i = 0; i < side; i++) {
        const r = Math.hypot(i - centre, j - centre);
        if (r < radius) values[i + j * side + k * side * side] = 400 + ((i * 7 + j * 3 + k) % 50) + (Math.hypot(i - centre * 0.8, j - centre * 0.9) < side * 0.06 ? 600 : 0);
      }
    }
  }
  const spacing = 240 / side;
  return seriesFromVolume({ dims: [side, side, slices], affine: [[-spacing, 0, 0, 120], [0, -spacing, 0, 120], [0, 0, 0.5, -75], [0, 0, 0, 1]], values }, { seriesNumber: 2 });
}

async function main() {
  const flag = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(name) + 1] ?? NaN) || fallback;
  const side = flag('--side', 512), slices = flag('--slices', 300);
  const syntax = process.argv.includes('--syntax') ? process.argv[process.argv.indexOf('--syntax') + 1] as EncoderName : null;
  if (syntax && !(syntax in ENCODERS)) throw new Error(`--syntax: one of ${Object.keys(ENCODERS).join(', ')}`);
  const files = syntax ? reencode(syntheticSeries(side, slices), syntax) : syntheticSeries(side, slices);
  if (syntax) console.log(`re-encoded as ${syntax}`);
  const bytes = files.reduce((n, f) => n + f.length, 0);
  console.log(`${side}×${side}×${slices} int16 series: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB`);
  const zip = makeZip(files.map((data, k) => ({ name: `S/IM${k}`, data })));
  console.log(`as a zip: ${(zip.length / 1024 / 1024).toFixed(1)} MB`);
  const server = await startServer({ port: Number(process.env.MEASURE_PORT ?? 3530), env: process.env.MEMORY_BUDGET_MB ? { MEMORY_BUDGET_MB: process.env.MEMORY_BUDGET_MB } : {} });
  try {
    console.log(`server idle: RSS ${processMemory(server.pid).rssMb.toFixed(0)} MB`);
    for (const [what, form] of [
      ['files', () => { const f = new FormData(); files.forEach((data, k) => f.append('flair', new Blob([new Uint8Array(data)]), `IM${k}.dcm`)); return f; }],
      ['zip', () => { const f = new FormData(); f.append('flair', new Blob([new Uint8Array(zip)]), 'series.zip'); return f; }],
    ] as const) {
      const started = performance.now();
      const response = await fetch(`${server.url}/api/volume?force=true`, { method: 'POST', body: form() });
      const body = await response.json();
      const memory = processMemory(server.pid);
      console.log(`${what}: ${response.status} in ${((performance.now() - started) / 1000).toFixed(1)} s, ${body.error ?? `${body.tumourVolumeMl.toFixed(1)} mL on ${body.tumourSlices} slices`}; server RSS ${memory.rssMb.toFixed(0)} MB, peak ${memory.peakRssMb.toFixed(0)} MB`);
    }
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
