import { volumePageView } from '@/lib/answers/volume-page';
import { json } from '@/lib/http/responses';
import { uploadRoute } from '@/lib/http/upload-route';
import { readVolumeRequest } from '@/lib/http/volume-request';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The volume page's own door with JavaScript: the form's fields as /api/volume takes them, answered with the view the
 * page's server action renders (lib/answers/volume-answer.ts), so that the page can show the upload's progress and then
 * the same result. Not part of the API's contract: its shape is the page's.
 */
export const POST = uploadRoute(async (request, memory) => {
  const { upload, uploadName, example } = await readVolumeRequest(request, memory);
  return json(await volumePageView(upload, { memory, uploadName, example, consumeUpload: true }));
}, '/volume');
