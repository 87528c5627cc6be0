import { analyseScans, type VolumeUploads } from '../analysis/analyse-scans';
import type { Reservation } from '../runtime/memory-budget';
import { displayCopyBytes } from './display-copy';
import { volumeView, type VolumeView } from './volume-answer';

// The volume page's answer, one recipe for both of the page's doors: its server action (without JavaScript) and its
// script's XMLHttpRequest to /api/volume/view (with JavaScript, for the upload's progress).

export interface PageRequest {
  memory: Reservation;
  /** The FLAIR file's name when it is one file: the mask's download is named after a NIfTI upload. */
  uploadName?: string;
  /** The page's example by name, not an upload (the browser holds no file of it), or null. */
  example: string | null;
  /** The caller hands the upload's bytes over (analyse-volume.ts). */
  consumeUpload?: boolean;
}

export async function volumePageView(upload: VolumeUploads, { memory, uploadName, example, consumeUpload }: PageRequest): Promise<VolumeView> {
  const { analysis, baseline } = await analyseScans(upload, { memory, consumeUpload });
  // the browser holds a NIfTI upload's bytes for its viewer, but no NIfTI of a DICOM series or of an example: those get a display copy
  const display = analysis.series !== null || example !== null;
  if (display) memory.grow(displayCopyBytes(analysis));
  return volumeView(analysis, { uploadName, baseline, display, example });
}

/** The name to give the mask: a FLAIR sent as one file (volume-answer.ts names a DICOM series by its number instead). */
export const singleFileName = (flair: ReadonlyArray<{ name?: string }> | undefined) => (flair?.length === 1 ? flair[0].name : undefined);
