import { memoryBudget, type Reservation } from '../runtime/memory-budget';
import { UploadError } from '../errors';
import { errorPage, isPageNavigation } from './error-page';
import { errorResponse } from './responses';

// What every upload route shares: refuse cross-site posts, hold the request's memory until its answer is built.

/** A page on another site may not make a visitor's browser post here, unless the deployment allows it. */
function refuseCrossSite(request: Request): void {
  if (process.env.ALLOW_CROSS_SITE_API === '1') return;
  if (request.headers.get('sec-fetch-site') === 'cross-site') {
    throw new UploadError('Posts from other websites are not accepted. Call the API from a program, or set ALLOW_CROSS_SITE_API=1 on the server.', 403);
  }
}

/** `page`: the form a browser without JavaScript posted from, for an error it gets as a page. */
export function uploadRoute(handle: (request: Request, memory: Reservation) => Promise<Response>, page: string) {
  return async (request: Request): Promise<Response> => {
    const memory = memoryBudget.reserve();
    try {
      refuseCrossSite(request);
      return await handle(request, memory);
    } catch (error) {
      const response = errorResponse(error);
      return isPageNavigation(request) ? errorPage(response, page) : response;
    } finally {
      memory.release();
    }
  };
}
