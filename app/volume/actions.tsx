'use server';

import { isVolumeRefusedError } from '@/lib/analysis/volume-guard';
import { memoryBudget } from '@/lib/runtime/memory-budget';
import { singleFileName, volumePageView } from '@/lib/answers/volume-page';
import { messageForPerson } from '@/lib/errors';
import { formFile, formFiles, parseVolumeUpload } from '@/lib/validation/upload';
import { volumeDone, type VolumeState } from '@/app/ui/volume/volume-state';

/** The volume form's action: validate, analyse every axial slice, and render the result on the server. */
export async function analyseVolumeAction(_previous: VolumeState, formData: FormData): Promise<VolumeState> {
  const memory = memoryBudget.reserve();
  try {
    const force = formData.get('force'), example = formData.get('example');
    const fields = {
      flair: formFiles(formData, 'flair'), t1c: formFile(formData, 't1c'), baseline: formFiles(formData, 'baseline'),
      force: typeof force === 'string' ? force : undefined,
    };
    // Next has read the form into memory before this runs; it and our copy of it count from here
    memory.grow(2 * [...fields.flair, fields.t1c, ...fields.baseline].reduce((n, file) => n + (file?.size ?? 0), 0));
    const upload = await parseVolumeUpload(fields);
    const view = await volumePageView(upload, { memory, uploadName: singleFileName(fields.flair), example: typeof example === 'string' ? example : null });
    return volumeDone(view);
  } catch (error) {
    if (isVolumeRefusedError(error) && error.guard.overrulable) return { status: 'error', message: error.message, overrulable: true };
    return { status: 'error', message: messageForPerson(error) };
  } finally {
    memory.release();
  }
}
