import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ModelUnavailableError } from '../errors';

// The models' contracts: the tumour model's tensors (training/export.py; the app never guesses normalisation), the
// guard's (training/guard_train.py) and the orientation reader's (training/orientation_train.py). All are read and checked the same way.

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

const guardManifestSchema = z.object({
  model: z.object({ name: z.string(), version: z.string(), file: z.string(), sha256: z.string(), bytes: z.number() }),
  input: z.object({ name: z.string(), shape: z.tuple([z.string(), z.literal(3), z.number(), z.number()]), scale: z.number() }),
  output: z.object({ name: z.string(), classes: z.tuple([z.literal('axial-flair'), z.literal('other-mri'), z.literal('not-mri')]) }),
  thresholds: z.object({ notMri: z.number(), otherMri: z.number() }),
  metrics: z.record(z.string(), z.any()).default({}),
});

// the orientation reader (training/orientation_train.py): the guard's input, five classes
const orientationManifestSchema = z.object({
  model: z.object({ name: z.string(), version: z.string(), file: z.string(), sha256: z.string(), bytes: z.number() }),
  input: z.object({ name: z.string(), shape: z.tuple([z.string(), z.literal(3), z.number(), z.number()]), scale: z.number() }),
  output: z.object({
    name: z.string(),
    classes: z.tuple([z.literal('upright'), z.literal('turned-90'), z.literal('turned-180'), z.literal('turned-270'), z.literal('do-not-turn')]),
  }),
  threshold: z.number(),
  guardVeto: z.object({ notMri: z.number() }),
  metrics: z.record(z.string(), z.any()).default({}),
});

export type ModelManifest = z.infer<typeof manifestSchema>;
export type GuardManifest = z.infer<typeof guardManifestSchema>;
export type OrientationManifest = z.infer<typeof orientationManifestSchema>;
export type Normalisation = ModelManifest['normalisation'];

export function modelsDirectory(): string {
  return process.env.MODELS_DIR ?? path.join(process.cwd(), 'models');
}

/** A manifest from the models folder, checked against its contract; a missing or wrong one is a setup fault. */
function readModelJson<T>(directory: string, fileName: string, schema: z.ZodType<T>, what: string, remedy: string): T {
  const file = path.join(directory, fileName);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ModelUnavailableError(`No ${what} at ${file}. ${remedy} or set MODELS_DIR.`);
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ModelUnavailableError(`models/${fileName} does not match the expected contract: ${parsed.error.message}`);
  return parsed.data;
}

export function readManifest(directory = modelsDirectory()): ModelManifest {
  return readModelJson(directory, 'manifest.json', manifestSchema, 'model manifest', 'Train and export the models (training/README.md)');
}

export function readGuardManifest(directory = modelsDirectory()): GuardManifest {
  return readModelJson(directory, 'guard.json', guardManifestSchema, 'guard manifest', 'Train and export it (training/guard_train.py)');
}

export function readOrientationManifest(directory = modelsDirectory()): OrientationManifest {
  return readModelJson(directory, 'orientation.json', orientationManifestSchema, 'orientation manifest', 'Train and export it (training/orientation_train.py)');
}
