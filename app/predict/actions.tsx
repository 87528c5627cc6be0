'use server';

import type { ReactNode } from 'react';
import { analyseSlice } from '@/lib/analysis/analyse-slice';
import { memoryBudget } from '@/lib/runtime/memory-budget';
import { sliceView } from '@/lib/answers/slice-answer';
import { isNotBrainMriError } from '@/lib/analysis/mri-guard';
import { messageForPerson } from '@/lib/errors';
import { formFile, parseSliceUpload } from '@/lib/validation/upload';
import SliceResult from '@/app/ui/predict/slice-result';

export type AnalyseState =
  | { status: 'idle' }
  /** overrulable: the guard flagged the picture as not a brain MRI, and a person may have it analysed anyway. */
  | { status: 'error'; message: string; overrulable?: boolean }
  | { status: 'done'; result: ReactNode };

/** The upload form's action: validate, analyse, and render the result on the server. */
export async function analyseSliceAction(_previous: AnalyseState, formData: FormData): Promise<AnalyseState> {
  const memory = memoryBudget.reserve();
  try {
    const files = { flair: formFile(formData, 'flair'), t1: formFile(formData, 't1'), t1c: formFile(formData, 't1c') };
    // Next has read the form into memory before this runs; it and our copy of it count from here
    memory.grow(2 * Object.values(files).reduce((n, file) => n + (file?.size ?? 0), 0));
    const upload = await parseSliceUpload({
      ...files,
      reading: (formData.get('reading') as string | null) ?? undefined,
      force: (formData.get('force') as string | null) ?? undefined,
    });
    const view = await sliceView(await analyseSlice(upload, { memory }));
    return { status: 'done', result: <SliceResult view={view} /> };
  } catch (error) {
    if (isNotBrainMriError(error) && error.guard.overrulable) return { status: 'error', message: error.message, overrulable: true };
    return { status: 'error', message: messageForPerson(error) };
  } finally {
    memory.release();
  }
}
