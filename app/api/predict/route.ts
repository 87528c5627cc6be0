import { analyseSlice } from '@/lib/analysis/analyse-slice';
import { sliceApiBody } from '@/lib/answers/slice-answer';
import { parseMultipart } from '@/lib/http/multipart';
import { json } from '@/lib/http/responses';
import { uploadRoute } from '@/lib/http/upload-route';
import { MAX_SLICE_UPLOAD_BYTES } from '@/lib/limits';
import { parseSliceUpload } from '@/lib/validation/upload';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST multipart: flair (required), t1, t1c (optional), reading (auto | grayscale | layered), force (a field or ?force=true). */
export const POST = uploadRoute(async (request, memory) => {
  const { files, fields } = await parseMultipart(request, { maxTotalBytes: MAX_SLICE_UPLOAD_BYTES, fileFields: ['flair', 't1', 't1c'], memory });
  const force = fields.force ?? new URL(request.url).searchParams.get('force') ?? undefined;
  const upload = await parseSliceUpload({ ...files, reading: fields.reading, force });
  return json(await sliceApiBody(await analyseSlice(upload, { memory })));
}, '/predict');
