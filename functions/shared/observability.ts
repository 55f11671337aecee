/**
 * The one module creating Powertools' Logger, Metrics and Tracer (service `lambda-warden`), and
 * the small `Telemetry` port the responder core reports through (no Powertools in tests or the CLI).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export const SERVICE_NAME = 'lambda-warden';
export const METRICS_NAMESPACE = 'LambdaWarden';

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

export type MetricName = 'Findings' | 'Remediations' | 'RemediationFailures' | 'PendingApprovals' | 'IgnoredEvents' | 'DuplicateDeliveries' | 'CircuitBreakerOpen' | 'TruncatedFields';

/** What the responder core reports. Attributes must never hold secret values (findings hold none). */
export interface Telemetry {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
  /** Counts one occurrence; `dimension` adds one dimension (for example the reason an event was ignored). */
  count(metric: MetricName, dimension?: { readonly name: string; readonly value: string }): void;
}

/** Reports nothing. */
export const silentTelemetry: Telemetry = { info: () => undefined, warn: () => undefined, error: () => undefined, count: () => undefined };

/** Reports through the Powertools logger and metrics above. */
export const powertoolsTelemetry: Telemetry = {
  info: (message, attributes) => {
    logger.info(message, attributes ?? {});
  },
  warn: (message, attributes) => {
    logger.warn(message, attributes ?? {});
  },
  error: (message, attributes) => {
    logger.error(message, attributes ?? {});
  },
  count: (metric, dimension) => {
    if (dimension === undefined) {
      metrics.addMetric(metric, MetricUnit.Count, 1);
      return;
    }
    const single = metrics.singleMetric();
    single.addDimension(dimension.name, dimension.value);
    single.addMetric(metric, MetricUnit.Count, 1);
  },
};
