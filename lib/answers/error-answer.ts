import type { GuardReport } from '../analysis/mri-guard';
import type { VolumeGuardReport } from '../analysis/volume-guard';
import type { ErrorAnswer, GuardedErrorAnswer, VolumeGuardedErrorAnswer } from './error-schema';
import { guardBody, volumeGuardBody } from './guard-answer';

export const errorBody = (message: string): ErrorAnswer => ({ error: message });

/** The guard's 422: the message and what the guard saw, so that a program can send it again with force=true. */
export const guardedErrorBody = (message: string, report: GuardReport): GuardedErrorAnswer => ({ error: message, guard: guardBody(report) });

/** The volume guard's 422: a refused volume (a label map, a CT, no head) or one flagged as not an MRI (overrulable). */
export const volumeGuardedErrorBody = (message: string, report: VolumeGuardReport): VolumeGuardedErrorAnswer => ({ error: message, guard: volumeGuardBody(report) });
