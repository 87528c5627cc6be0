import type { GuardReport } from '../analysis/mri-guard';
import type { ErrorAnswer, GuardedErrorAnswer } from './error-schema';
import { guardBody } from './guard-answer';

export const errorBody = (message: string): ErrorAnswer => ({ error: message });

/** The guard's 422: the message and what the guard saw, so that a program can send it again with force=true. */
export const guardedErrorBody = (message: string, report: GuardReport): GuardedErrorAnswer => ({ error: message, guard: guardBody(report) });
