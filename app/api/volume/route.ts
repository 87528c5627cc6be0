import { analyseScans } from '@/lib/analysis/analyse-scans';
import { displayCopyBytes } from '@/lib/answers/display-copy';
import { volumeApiBody } from '@/lib/answers/volume-answer';
import { volumePdf } from '@/lib/answers/volume-pdf';
import { parseMultipart } from '@/lib/http/multipart';
import { json, pdf } from '@/lib/http/responses';
import { uploadRoute } from '@/lib/http/upload-route';
import { MAX_DICOM_FILES, MAX_VOLUME_UPLOAD_BYTES } from '@/lib/limits';
import { parseVolumeUpload } from '@/lib/validation/upload';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * POST multipart: flair (required: a NIfTI-1 .nii/.nii.gz, the files of a DICOM series, or a .zip of them), t1c (optional,
 * same grid), baseline (optional: an earlier scan of the same patient, like flair), force (a field or ?force=true),
 * display (a field or ?display=true: add the scan's display copy for a viewer).
 * ?format=pdf answers the report as a PDF instead of JSON.
 */
export const POST = uploadRoute(async (request, memory) => {
  const { files, fileLists, fields } = await parseMultipart(request, {
    maxTotalBytes: MAX_VOLUME_UPLOAD_BYTES, fileFields: ['flair', 't1c', 'baseline'], multiFileFields: ['flair', 'baseline'],
    maxFiles: 2 * MAX_DICOM_FILES + 1, memory,
  });
  const query = new URL(request.url).searchParams;
  const force = fields.force ?? query.get('force') ?? undefined;
  const upload = await parseVolumeUpload({ flair: fileLists.flair, t1c: files.t1c, baseline: fileLists.baseline, force });
  // the request's bytes are not read again: a DICOM series is stacked inside them
  const { analysis, baseline } = await analyseScans(upload, { memory, consumeUpload: true });
  if (query.get('format') === 'pdf') return pdf(new Uint8Array(await volumePdf(analysis, baseline)), 'tumour-report.pdf');
  const display = (fields.display ?? query.get('display')) === 'true';
  if (display) memory.grow(displayCopyBytes(analysis));
  return json(await volumeApiBody(analysis, baseline, { display }));
}, '/volume');
