import { analyseScans } from '@/lib/analysis/analyse-scans';
import { displayCopyBytes } from '@/lib/answers/display-copy';
import { volumeApiBody } from '@/lib/answers/volume-answer';
import { volumePdf } from '@/lib/answers/volume-pdf';
import { json, pdf } from '@/lib/http/responses';
import { uploadRoute } from '@/lib/http/upload-route';
import { readVolumeRequest } from '@/lib/http/volume-request';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * POST multipart: flair (required: a NIfTI-1 .nii/.nii.gz, the files of a DICOM series, or a .zip of them), t1c (optional,
 * same grid), baseline (optional: an earlier scan of the same patient, like flair), force (a field or ?force=true),
 * display (a field or ?display=true: add the scan's display copy for a viewer); or, instead of files, example (the name of
 * one of the volume page's examples). ?format=pdf answers the report as a PDF instead of JSON.
 */
export const POST = uploadRoute(async (request, memory) => {
  const { upload, option } = await readVolumeRequest(request, memory);
  // the request's bytes are not read again: a DICOM series is stacked inside them
  const { analysis, baseline } = await analyseScans(upload, { memory, consumeUpload: true });
  if (new URL(request.url).searchParams.get('format') === 'pdf') return pdf(new Uint8Array(await volumePdf(analysis, baseline)), 'tumour-report.pdf');
  const display = option('display') === 'true';
  if (display) memory.grow(displayCopyBytes(analysis));
  return json(await volumeApiBody(analysis, baseline, { display }));
}, '/volume');
