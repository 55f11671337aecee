/**
 * The scheduled scanner Lambda: one `{ account, region }` item of the daily fan-out in → its new
 * findings on the Warden bus, a summary out. Thin: the scan lives in `functions/shared/scan`.
 */
import { readScannerEnv } from '../shared/env';
import { logger, metrics, tracer } from '../shared/observability';
import { createDeployedScan, type DeployedScan } from '../shared/scan/deployed-scanner';
import type { ScheduledScanResult } from '../shared/scan/scheduled-scan';

let scan: DeployedScan | undefined;

/** Throws on invalid input or unexpected errors (the state machine retries the item); an unreachable account is a result, not an error. */
export async function handler(event: unknown, context?: Parameters<typeof logger.addContext>[0]): Promise<ScheduledScanResult> {
  if (context !== undefined) logger.addContext(context);
  try {
    scan ??= createDeployedScan(readScannerEnv());
    const result = await scan(event);
    logger.info('scan done', { ...result, errors: result.errors.length });
    return result;
  } catch (e: unknown) {
    logger.error('scan failed', e instanceof Error ? e : String(e));
    tracer.addErrorAsMetadata(e instanceof Error ? e : new Error(String(e)));
    throw e;
  } finally {
    metrics.publishStoredMetrics();
  }
}
