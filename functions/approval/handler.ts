/**
 * The approval Lambda behind API Gateway: Slack button clicks in → signature verified, approver
 * checked, the decision written once and put on the bus → 200 within Slack's 3 seconds. Thin: the
 * core lives in `functions/shared/approval`.
 */
import { readApprovalEnv } from '../shared/env';
import type { ApprovalEndpoint, HttpResponse } from '../shared/approval/approval-endpoint';
import { createDeployedApproval } from '../shared/approval/deployed-approval';
import { logger, tracer } from '../shared/observability';

let endpoint: ApprovalEndpoint | undefined;

/** The container's endpoint, built on first use from the environment (a missing variable throws). */
function current(): ApprovalEndpoint {
  endpoint ??= createDeployedApproval(readApprovalEnv());
  return endpoint;
}

/** Answers every request; an unexpected failure (store, bus, secrets) is logged and answered 500, nothing half-done is hidden. */
export async function handler(event: unknown, context?: Parameters<typeof logger.addContext>[0]): Promise<HttpResponse> {
  if (context !== undefined) logger.addContext(context);
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment('## approval');
  if (subsegment !== undefined) tracer.setSegment(subsegment);
  try {
    return await current().handle(event);
  } catch (e: unknown) {
    logger.error('approval request failed', e instanceof Error ? e : String(e));
    tracer.addErrorAsMetadata(e instanceof Error ? e : new Error(String(e)));
    return { statusCode: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Lambda Warden could not record the decision: try again.' };
  } finally {
    subsegment?.close();
    if (segment !== undefined) tracer.setSegment(segment);
  }
}
