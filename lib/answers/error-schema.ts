import { z } from 'zod';
import { guardAnswer, volumeGuardAnswer } from './guard-schema';

// Every error of the API is {error}; the guard's 422 adds what the guard saw, so that a program can decide whether to
// send the picture again with force=true.

export const errorAnswer = z.strictObject({ error: z.string().describe('a message for a person') });
export const guardedErrorAnswer = errorAnswer.extend({ guard: guardAnswer });
export const volumeGuardedErrorAnswer = errorAnswer.extend({ guard: volumeGuardAnswer });

export type ErrorAnswer = z.infer<typeof errorAnswer>;
export type GuardedErrorAnswer = z.infer<typeof guardedErrorAnswer>;
export type VolumeGuardedErrorAnswer = z.infer<typeof volumeGuardedErrorAnswer>;
