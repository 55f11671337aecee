/**
 * The responder Lambda: an EventBridge CloudTrail event in → findings, remediations and Warden
 * events out; a "Warden Decision" from Slack → the decided plan run once. Thin: parsing, the
 * engine, the executor and the decision runner live in `functions/shared/responder`.
 */
import { readResponderEnv } from '../shared/env';
import { logger, metrics, tracer } from '../shared/observability';
import { isDecisionEvent, type DecisionRecord } from '../shared/responder/decision-runner';
import { createDeployedResponder, type DeployedResponder } from '../shared/responder/deployed-responder';
import type { ResponseRecord } from '../shared/responder/responder';

let responder: DeployedResponder | undefined;

/** The container's responder, built on first use from the environment (a missing variable throws). */
function current(): DeployedResponder {
  responder ??= createDeployedResponder(readResponderEnv());
  return responder;
}

/** Throws on unexpected errors so the invocation is retried, then sent to the dead-letter queue. */
export async function handler(event: unknown, context?: Parameters<typeof logger.addContext>[0]): Promise<ResponseRecord | DecisionRecord> {
  if (context !== undefined) logger.addContext(context);
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment('## responder');
  if (subsegment !== undefined) tracer.setSegment(subsegment);
  try {
    const record = isDecisionEvent(event) ? await current().decisions.handle(event) : await current().responder.handle(event);
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
