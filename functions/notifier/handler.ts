/**
 * The notifier Lambda: a Warden event from the bus ("Warden Finding", "Warden Remediation",
 * "Warden Decision", "Warden Alert") in → Slack messages and SNS out. Thin: the core is in
 * `functions/shared/notifier`.
 */
import { readNotifierEnv } from '../shared/env';
import { InvalidEventError } from '../shared/errors';
import { createDeployedNotifier } from '../shared/notifier/deployed-notifier';
import type { Notifier, NotifyResult } from '../shared/notifier/notifier';
import { logger, metrics, tracer } from '../shared/observability';

let notifier: Notifier | undefined;

/** The container's notifier, built on first use from the environment (a missing variable throws). */
function current(): Notifier {
  notifier ??= createDeployedNotifier(readNotifierEnv());
  return notifier;
}

/** Throws on failures so the invocation is retried, then sent to the dead-letter queue. */
export async function handler(event: unknown, context?: Parameters<typeof logger.addContext>[0]): Promise<NotifyResult> {
  if (context !== undefined) logger.addContext(context);
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment('## notifier');
  if (subsegment !== undefined) tracer.setSegment(subsegment);
  try {
    const result = await current().handle(event);
    tracer.putAnnotation('notification', `${result.kind}:${result.action}`);
    return result;
  } catch (e: unknown) {
    // Invalid input is logged with the offending fields only, never the event itself.
    if (e instanceof InvalidEventError) logger.error('notifier rejected an invalid event', { fields: e.fields, message: e.message });
    else logger.error('notifier failed', e instanceof Error ? e : String(e));
    tracer.addErrorAsMetadata(e instanceof Error ? e : new Error(String(e)));
    throw e;
  } finally {
    metrics.publishStoredMetrics();
    subsegment?.close();
    if (segment !== undefined) tracer.setSegment(segment);
  }
}
