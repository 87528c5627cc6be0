import { analyzeVolume } from '@/lib/analysis/analyze-volume';
import { volumeApiBody } from '@/lib/analysis/volume-report';
import { parseMultipart } from '@/lib/http/multipart';
import { json } from '@/lib/http/responses';
import { uploadRoute } from '@/lib/http/upload-route';
import { MAX_VOLUME_UPLOAD_BYTES } from '@/lib/limits';
import { parseVolumeUpload } from '@/lib/validation/upload';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST multipart: flair (required), t1c (optional), NIfTI-1 .nii or .nii.gz on the same grid. */
export const POST = uploadRoute(async (request, memory) => {
  const { files } = await parseMultipart(request, { maxTotalBytes: MAX_VOLUME_UPLOAD_BYTES, fileFields: ['flair', 't1c'], memory });
  const upload = await parseVolumeUpload(files);
  return json(await volumeApiBody(await analyzeVolume(upload, { memory })));
});
