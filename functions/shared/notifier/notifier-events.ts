/**
 * The edge schema of the notifier: EventBridge events from `lambda-warden` ("Warden Finding",
 * "Warden Remediation", "Warden Decision", "Warden Alert"), each detail validated with the bus
 * contract's own schema (`contract/warden-events.ts`). Invalid input raises an `InvalidEventError`
 * naming the fields; an unknown detail-type is named as such.
 */
import * as z from 'zod';
import type { DecisionDetail } from '../contract/decision';
import type { Finding } from '../contract/finding';
import { InvalidEventError } from '../errors';
import type { ExecutionOutcome } from '../contract/outcome';
import { DETAIL_SCHEMAS, DETAIL_TYPES, EVENT_SOURCE, type Alert } from '../contract/warden-events';
import { issuePath } from '../validation';

const EnvelopeSchema = z.looseObject({
  id: z.string().min(1),
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.string().min(1),
  time: z.string().optional(),
  detail: z.unknown(),
});

/** A validated Warden event. */
export type NotifierEvent =
  | { readonly kind: 'finding'; readonly id: string; readonly finding: Finding; readonly outcome: ExecutionOutcome }
  | { readonly kind: 'remediation'; readonly id: string; readonly outcome: ExecutionOutcome }
  | { readonly kind: 'decision'; readonly id: string; readonly decision: DecisionDetail }
  | { readonly kind: 'alert'; readonly id: string; readonly alert: Alert };

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string, prefix: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => [prefix, issuePath(issue.path, '')].filter(Boolean).join('.') || '(event)');
  const described = result.error.issues.map((issue, i) => `${fields[i] ?? '(event)'}: ${issue.message}`).join('; ');
  throw new InvalidEventError(`Invalid ${what}: ${described}`, fields, { cause: result.error });
}

/**
 * Validates an EventBridge event for the notifier.
 * @throws InvalidEventError naming the offending fields, or the unknown detail-type.
 */
export function parseNotifierEvent(input: unknown): NotifierEvent {
  const envelope = parse(EnvelopeSchema, input, 'Warden event', '');
  const type = envelope['detail-type'];
  switch (type) {
    case DETAIL_TYPES.finding: {
      const detail = parse(DETAIL_SCHEMAS[type], envelope.detail, `"${type}" event`, 'detail');
      return { kind: 'finding', id: envelope.id, finding: detail.finding, outcome: detail.outcome };
    }
    case DETAIL_TYPES.remediation:
      return { kind: 'remediation', id: envelope.id, outcome: parse(DETAIL_SCHEMAS[type], envelope.detail, `"${type}" event`, 'detail') };
    case DETAIL_TYPES.decision:
      return { kind: 'decision', id: envelope.id, decision: parse(DETAIL_SCHEMAS[type], envelope.detail, `"${type}" event`, 'detail') };
    case DETAIL_TYPES.alert:
      return { kind: 'alert', id: envelope.id, alert: parse(DETAIL_SCHEMAS[type], envelope.detail, `"${type}" event`, 'detail') };
    default:
      throw new InvalidEventError(`Unknown detail-type "${type}": the notifier handles ${Object.values(DETAIL_TYPES).map((t) => `"${t}"`).join(', ')}`, ['detail-type']);
  }
}
