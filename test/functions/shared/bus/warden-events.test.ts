/**
 * The bus contract is declared once (`contract/warden-events.ts`): every event the builders put on the bus
 * parses, after the JSON round trip EventBridge gives it, with the very schema its readers (the notifier,
 * the decision runner) validate it with, unchanged; and what the contract does not allow is refused.
 */
import { describe, expect, it } from 'vitest';
import {
  baselineIntegrityEvent,
  circuitBreakerEvent,
  decidedRemediationEvent,
  decisionEvent,
  findingEvent,
  integrityAlertEvent,
  remediationEvent,
} from '../../../../functions/shared/bus/warden-events';
import { DETAIL_SCHEMAS, type WardenEvent } from '../../../../functions/shared/contract/warden-events';
import { decisionOn, exampleFindings } from '../notifier/notifier-fixtures';

const wire = (detail: unknown): unknown => JSON.parse(JSON.stringify(detail)) as unknown;

function parsed(event: WardenEvent): unknown {
  return DETAIL_SCHEMAS[event.detailType].parse(wire(event.detail));
}

describe('Warden bus contract', () => {
  it('every event built from the example findings parses with its detail-type schema, unchanged', { timeout: 120_000 }, async () => {
    const cases = await exampleFindings();
    expect(cases.length).toBeGreaterThan(20);
    const events: WardenEvent[] = [];
    for (const { finding, outcome } of cases) {
      events.push(findingEvent(finding, outcome), remediationEvent(outcome));
      const breaker = { justTripped: true, scope: 'account', key: finding.account, limit: 10, windowMinutes: 60, windowStart: outcome.at } as const;
      events.push(circuitBreakerEvent({ ...outcome, circuitBreaker: breaker }));
      events.push(integrityAlertEvent({ family: 'record', itemId: 'wa-0123456789abcdef01234567', check: 'tag-mismatch' }, outcome));
      events.push(baselineIntegrityEvent({ resource: finding.resource, check: 'integrity-tag-mismatch' }));
      if (outcome.approval !== undefined) {
        const decision = decisionOn({ finding, outcome }, 'approved');
        events.push(decisionEvent(decision), decidedRemediationEvent(outcome, decision));
      }
    }
    expect(new Set(events.map((e) => e.detailType))).toEqual(new Set(['Warden Finding', 'Warden Remediation', 'Warden Alert', 'Warden Decision']));
    for (const event of events) expect(parsed(event)).toEqual(wire(event.detail));
  });

  it('refuses a plan naming no registered action, and an alert of no known kind', async () => {
    const [first] = await exampleFindings();
    if (first === undefined) throw new Error('no example finding');
    const outcome = { ...first.outcome, plan: { action: 'delete-function', call: 'lambda:DeleteFunction', description: 'x' } };
    expect(DETAIL_SCHEMAS['Warden Remediation'].safeParse(wire(outcome)).success).toBe(false);
    expect(DETAIL_SCHEMAS['Warden Alert'].safeParse({ kind: 'gossip', severity: 'critical', summary: 's' }).success).toBe(false);
  });
});
