/**
 * The heartbeat Lambda: a member's forwarded heartbeat in → its last-seen time written; the central
 * schedule's check request in → silent and resumed account × region pairs reported as "Warden Alert"s.
 * Thin: the logic lives in `functions/shared/heartbeat`.
 */
import { readHeartbeatEnv } from '../shared/env';
import { InvalidEventError } from '../shared/errors';
import { createDeployedHeartbeat, type DeployedHeartbeat, type HeartbeatResult } from '../shared/heartbeat/deployed-heartbeat';
import { logger, metrics, tracer } from '../shared/observability';

let heartbeat: DeployedHeartbeat | undefined;

/** An invalid input is logged and dropped (a retry cannot fix it); other errors throw so the invocation is retried. */
export async function handler(event: unknown, context?: Parameters<typeof logger.addContext>[0]): Promise<HeartbeatResult | { readonly kind: 'invalid' }> {
  if (context !== undefined) logger.addContext(context);
  try {
    heartbeat ??= createDeployedHeartbeat(readHeartbeatEnv());
    const result = await heartbeat(event);
    if (result.kind === 'check') logger.info('heartbeat check', { ...result.result });
    else if (result.outcome.status === 'refused') logger.warn('heartbeat refused', { reason: result.outcome.reason });
    return result;
  } catch (e: unknown) {
    if (e instanceof InvalidEventError) {
      logger.warn('invalid heartbeat input', { fields: e.fields });
      return { kind: 'invalid' };
    }
    logger.error('heartbeat failed', e instanceof Error ? e : String(e));
    tracer.addErrorAsMetadata(e instanceof Error ? e : new Error(String(e)));
    throw e;
  } finally {
    metrics.publishStoredMetrics();
  }
}
