import { openApiDocument } from '@/lib/http/openapi';
import { json } from '@/lib/http/responses';

export const runtime = 'nodejs';

/** The API's contract, OpenAPI 3.1. */
export function GET(): Response {
  return json(openApiDocument);
}
