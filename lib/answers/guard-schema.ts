import { z } from 'zod';
import type { GuardVerdict } from '../analysis/mri-guard';
import { modelAnswer, probability } from './schema-parts';

// The guard's answer: on every slice answer (200) and in the guard's 422.

const verdicts = ['axial-flair', 'other-mri', 'blank', 'not-mri', 'refused'] as const satisfies readonly GuardVerdict[];

export const guardAnswer = z.strictObject({
  verdict: z.enum(verdicts),
  score: probability.describe('probability that the picture is not a brain MRI').nullable(),
  scores: z.strictObject({ axialFlair: probability, otherMri: probability, notMri: probability }).nullable(),
  reason: z.string(),
  overrulable: z.boolean().describe('force=true will have it analysed'),
  forced: z.boolean(),
  thresholds: z.strictObject({ notMri: probability, otherMri: probability }),
  model: modelAnswer,
}).describe('What the guard made of the picture: on every slice answer, 200 or 422.');

export type GuardAnswer = z.infer<typeof guardAnswer>;
