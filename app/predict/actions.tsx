'use server';

import type { ReactNode } from 'react';
import { analyzeSlice } from '@/lib/analysis/analyze-slice';
import { sliceView } from '@/lib/analysis/slice-report';
import { messageForPerson } from '@/lib/errors';
import { formFile, parseSliceUpload } from '@/lib/validation/upload';
import SliceResult from '@/app/ui/predict/slice-result';

export type AnalyzeState =
  | { status: 'idle' }
  | { status: 'error'; message: string }
  | { status: 'done'; result: ReactNode };

/** The upload form's action: validate, analyse, and render the result on the server. */
export async function analyzeSliceAction(_previous: AnalyzeState, formData: FormData): Promise<AnalyzeState> {
  try {
    const upload = await parseSliceUpload({
      flair: formFile(formData, 'flair'),
      t1: formFile(formData, 't1'),
      t1c: formFile(formData, 't1c'),
      reading: (formData.get('reading') as string | null) ?? undefined,
    });
    const view = await sliceView(await analyzeSlice(upload));
    return { status: 'done', result: <SliceResult view={view} /> };
  } catch (error) {
    return { status: 'error', message: messageForPerson(error) };
  }
}
