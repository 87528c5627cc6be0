import type { ReactNode } from 'react';
import type { VolumeView, ViewerInput } from '@/lib/answers/volume-answer';
import VolumeResult from './volume-result';

// The volume form's state, as its server action returns it (rendered on the server) and as its script builds it from
// /api/volume/view's answer (rendered in the browser): one result, from the same components.

export type VolumeState =
  | { status: 'idle' }
  | { status: 'error'; message: string; overrulable?: boolean }
  | { status: 'done'; result: ReactNode; frames: { indices: number[]; start: number }; viewer: ViewerInput };

/** A view as the form shows it. The slider and the viewer (client components) stay out of the result: a form state rendered without JavaScript cannot hold one. */
export function volumeDone(view: VolumeView): VolumeState {
  return { status: 'done', result: <VolumeResult view={view} />, frames: { indices: view.frames.map((f) => f.index), start: view.startIndex }, viewer: view.viewer };
}
