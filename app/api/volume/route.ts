import { analyseVolume } from '@/lib/analysis/analyse-volume';
import { volumeApiBody } from '@/lib/answers/volume-answer';
import { parseMultipart } from '@/lib/http/multipart';
import { json } from '@/lib/http/responses';
import { uploadRoute } from '@/lib/http/upload-route';
import { MAX_DICOM_FILES, MAX_VOLUME_UPLOAD_BYTES } from '@/lib/limits';
import { parseVolumeUpload } from '@/lib/validation/upload';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST multipart: flair (required: a NIfTI-1 .nii/.nii.gz, the files of a DICOM series, or a .zip of them), t1c (optional, same grid). */
export const POST = uploadRoute(async (request, memory) => {
  const { files, fileLists } = await parseMultipart(request, {
    maxTotalBytes: MAX_VOLUME_UPLOAD_BYTES, fileFields: ['flair', 't1c'], multiFileFields: ['flair'], maxFiles: MAX_DICOM_FILES + 1, memory,
  });
  const upload = await parseVolumeUpload({ flair: fileLists.flair, t1c: files.t1c });
  // the request's bytes are not read again: a DICOM series is stacked inside them
  return json(await volumeApiBody(await analyseVolume(upload, { memory, consumeUpload: true })));
});
