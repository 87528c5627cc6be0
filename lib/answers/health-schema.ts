import { z } from 'zod';
import { count, modelAnswer } from './schema-parts';

// GET /api/health once the models are loaded.

export const healthAnswer = z.strictObject({
  status: z.literal('ok'),
  model: modelAnswer,
  queued: count.describe('requests waiting for the model'),
  eventLoopDelay: z.strictObject({ p50Ms: z.number(), p99Ms: z.number(), maxMs: z.number() }),
});

export type HealthAnswer = z.infer<typeof healthAnswer>;
