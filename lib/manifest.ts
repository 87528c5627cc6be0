import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ModelUnavailableError } from './errors';

// The tensor contract written by training/export.py; the app never guesses normalisation.
const manifestSchema = z.object({
  model: z.object({ name: z.string(), version: z.string(), file: z.string(), sha256: z.string(), bytes: z.number(), architecture: z.string(), epoch: z.number().optional() }),
  input: z.object({
    name: z.string(),
    shape: z.tuple([z.string(), z.literal(3), z.number(), z.number()]),
    channels: z.tuple([z.literal('T1'), z.literal('FLAIR'), z.literal('T1c')]),
  }),
  normalisation: z.object({
    method: z.literal('foreground-percentile'),
    foregroundMin: z.number(),
    percentile: z.number(),
    minForegroundPixels: z.number(),
    clipMax: z.number(),
    resize: z.object({ size: z.number(), fit: z.literal('contain'), background: z.number() }),
  }),
  outputs: z.object({
    mask: z.object({ name: z.string() }),
    slice: z.object({ name: z.string() }),
  }),
  labels: z.object({ negative: z.string(), positive: z.string() }),
  thresholds: z.object({ slice: z.number(), mask: z.number() }),
  // how a Tumor slice is drawn (training/decision.py)
  decision: z.object({ minComponentPx: z.number(), weights: z.array(z.number()).optional(), bias: z.number().optional(), rule: z.string().optional() })
    .default({ minComponentPx: 0 }),
  learningCurve: z.array(z.object({ epoch: z.number(), minutes: z.number(), valDiceFlair: z.number() })).default([]),
  metrics: z.record(z.string(), z.any()).default({}),
  split: z.object({
    train: z.array(z.string()), val: z.array(z.string()), test: z.array(z.string()),
    // BRATS volumes: two trained on, two kept as the outside test
    volumes_train: z.array(z.string()).default([]), volumes_test: z.array(z.string()).default([]),
  }),
});

export type ModelManifest = z.infer<typeof manifestSchema>;
export type Normalisation = ModelManifest['normalisation'];

export function modelsDirectory(): string {
  return process.env.MODELS_DIR ?? path.join(process.cwd(), 'models');
}

export function readManifest(directory = modelsDirectory()): ModelManifest {
  const file = path.join(directory, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ModelUnavailableError(`No model manifest at ${file}. Train and export the models (training/README.md) or set MODELS_DIR.`);
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ModelUnavailableError(`models/manifest.json does not match the expected contract: ${parsed.error.message}`);
  return parsed.data;
}
