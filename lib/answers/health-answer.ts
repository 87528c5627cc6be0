import type { HealthAnswer } from './health-schema';

/** Ready: the tumour model by name and version, the requests waiting for it, and how late the event loop runs. */
export function healthBody(model: { name: string; version: string }, queued: number, eventLoopDelay: HealthAnswer['eventLoopDelay']): HealthAnswer {
  return { status: 'ok', model: { name: model.name, version: model.version }, queued, eventLoopDelay };
}
