import { healthBody } from '@/lib/answers/health-answer';
import { loadGuardModel } from '@/lib/model/guard-model';
import { loadTumourModel } from '@/lib/model/tumour-model';
import { inferenceGate } from '@/lib/runtime/inference-gate';
import { eventLoopDelay } from '@/lib/http/event-loop';
import { errorResponse, json } from '@/lib/http/responses';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** 200 once the models (the tumour model and the guard) are loaded; 503 with the reason while they cannot be. */
export async function GET(): Promise<Response> {
  try {
    const [model] = await Promise.all([loadTumourModel(), loadGuardModel()]);
    return json(healthBody(model.manifest.model, inferenceGate.size, eventLoopDelay()));
  } catch (error) {
    return errorResponse(error);
  }
}
