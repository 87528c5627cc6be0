'use server';

import type { ReactNode } from 'react';
import { analyzeSlice } from '@/lib/analysis/analyze-slice';
import { sliceView } from '@/lib/analysis/slice-report';
import { messageForPerson, NotBrainMriError } from '@/lib/errors';
import { formFile, parseSliceUpload } from '@/lib/validation/upload';
import SliceResult from '@/app/ui/predict/slice-result';

export type AnalyzeState =
  | { status: 'idle' }
  /** overrulable: the guard flagged the picture as not a brain MRI, and a person may have it analysed anyway. */
  | { status: 'error'; message: string; overrulable?: boolean }
  | { status: 'done'; result: ReactNode };

/** The upload form's action: validate, analyse, and render the result on the server. */
export async function analyzeSliceAction(_previous: AnalyzeState, formData: FormData): Promise<AnalyzeState> {
  try {
    const upload = await parseSliceUpload({
      flair: formFile(formData, 'flair'),
      t1: formFile(formData, 't1'),
      t1c: formFile(formData, 't1c'),
      reading: (formData.get('reading') as string | null) ?? undefined,
      force: (formData.get('force') as string | null) ?? undefined,
    });
    const view = await sliceView(await analyzeSlice(upload));
    return { status: 'done', result: <SliceResult view={view} /> };
  } catch (error) {
    if (error instanceof NotBrainMriError && error.guard.overrulable) return { status: 'error', message: error.message, overrulable: true };
    return { status: 'error', message: messageForPerson(error) };
  }
}
