'use server';

import type { ReactNode } from 'react';
import { analyseScans } from '@/lib/analysis/analyse-scans';
import { isVolumeRefusedError } from '@/lib/analysis/volume-guard';
import { memoryBudget } from '@/lib/runtime/memory-budget';
import { displayCopyBytes } from '@/lib/answers/display-copy';
import { volumeView, type ViewerInput } from '@/lib/answers/volume-answer';
import { messageForPerson } from '@/lib/errors';
import { formFile, formFiles, parseVolumeUpload } from '@/lib/validation/upload';
import VolumeResult from '@/app/ui/volume/volume-result';

export type VolumeState =
  | { status: 'idle' }
  | { status: 'error'; message: string; overrulable?: boolean }
  | { status: 'done'; result: ReactNode; frames: { indices: number[]; start: number }; viewer: ViewerInput };

/** The volume form's action: validate, analyse every axial slice, and render the result on the server. */
export async function analyseVolumeAction(_previous: VolumeState, formData: FormData): Promise<VolumeState> {
  const memory = memoryBudget.reserve();
  try {
    const flair = formData.getAll('flair');
    const force = formData.get('force');
    const fields = {
      flair: formFiles(formData, 'flair'), t1c: formFile(formData, 't1c'), baseline: formFiles(formData, 'baseline'),
      force: typeof force === 'string' ? force : undefined,
    };
    // Next has read the form into memory before this runs; it and our copy of it count from here
    memory.grow(2 * [...fields.flair, fields.t1c, ...fields.baseline].reduce((n, file) => n + (file?.size ?? 0), 0));
    const upload = await parseVolumeUpload(fields);
    // a DICOM series' mask is named by its series number, never by a file name (exports often name files after the patient)
    const uploadName = flair.length === 1 && flair[0] instanceof File ? flair[0].name : undefined;
    const { analysis, baseline } = await analyseScans(upload, { memory });
    // the browser holds a NIfTI upload's bytes for its viewer, but no NIfTI of a DICOM series or of an example: those get a display copy
    const display = analysis.series !== null || formData.has('example');
    if (display) memory.grow(displayCopyBytes(analysis));
    const view = await volumeView(analysis, { uploadName, baseline, display });
    // the slider and the viewer (client components) stay out of the result: a form state rendered without JavaScript cannot hold one
    return {
      status: 'done', result: <VolumeResult view={view} />, frames: { indices: view.frames.map((f) => f.index), start: view.startIndex }, viewer: view.viewer,
    };
  } catch (error) {
    if (isVolumeRefusedError(error) && error.guard.overrulable) return { status: 'error', message: error.message, overrulable: true };
    return { status: 'error', message: messageForPerson(error) };
  } finally {
    memory.release();
  }
}
