/**
 * The responder Lambda: an EventBridge CloudTrail event in → findings, remediations and Warden
 * events out. Thin: parsing, the engine and the executor live in `functions/shared/responder`.
 */
import { readResponderEnv } from '../shared/env';
import { logger, metrics, tracer } from '../shared/observability';
import { createDeployedResponder } from '../shared/responder/deployed-responder';
import type { Responder, ResponseRecord } from '../shared/responder/responder';

let responder: Responder | undefined;

/** The container's responder, built on first use from the environment (a missing variable throws). */
function current(): Responder {
  responder ??= createDeployedResponder(readResponderEnv());
  return responder;
}

/** Throws on unexpected errors so the invocation is retried, then sent to the dead-letter queue. */
export async function handler(event: unknown, context?: Parameters<typeof logger.addContext>[0]): Promise<ResponseRecord> {
  if (context !== undefined) logger.addContext(context);
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment('## responder');
  if (subsegment !== undefined) tracer.setSegment(subsegment);
  try {
    const record = await current().handle(event);
    tracer.putAnnotation('eventName', record.eventName);
    return record;
  } catch (e: unknown) {
    logger.error('responder failed', e instanceof Error ? e : String(e));
    tracer.addErrorAsMetadata(e instanceof Error ? e : new Error(String(e)));
    throw e;
  } finally {
    metrics.publishStoredMetrics();
    subsegment?.close();
    if (segment !== undefined) tracer.setSegment(segment);
  }
}
