/**
 * Findings and outcomes for the notifier's tests: real ones from replaying the example events
 * through the simulator (with the remediations applied), and for each catalog rule the examples do
 * not reach, one built from the rule's own metadata. Plus Warden events wrapping them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadEventFile } from '../../../../cli/event-files';
import { Simulator } from '../../../../cli/simulate';
import type { DecisionDetail, DecisionKind } from '../../../../functions/shared/contract/decision';
import { parseConfigText } from '../../../../functions/shared/config/config-file';
import { findingId } from '../../../../functions/shared/engine/engine';
import type { Finding } from '../../../../functions/shared/contract/finding';
import type { ExecutionOutcome } from '../../../../functions/shared/contract/outcome';
import { DETAIL_TYPES, EVENT_SOURCE } from '../../../../functions/shared/contract/warden-events';
import { RULES } from '../../../../rules';
import type { AnyRule } from '../../../../rules/rule';
import { parseStateFile } from '../../../../sim/state-file';
import { ACCOUNT, FUNCTION_ARN, LAYER_ARN, REGION } from '../../../fixtures/accounts';
import { ROLE_ARN } from '../../../fixtures/iam';

export interface CatalogCase {
  readonly ruleId: string;
  readonly finding: Finding;
  readonly outcome: ExecutionOutcome;
  /** From an example event through the simulator, or built from the rule's metadata. */
  readonly origin: 'example' | 'metadata';
}

const EXAMPLES = new URL('../../../../examples/', import.meta.url);

/** Every finding the example events raise, with its outcome, the remediations applied (auto runs, approve waits). */
export async function exampleFindings(): Promise<{ finding: Finding; outcome: ExecutionOutcome }[]> {
  const config = { ...parseConfigText(readFileSync(new URL('../warden.config.example.yaml', EXAMPLES), 'utf8'), 'warden.config.example.yaml'), dryRun: false };
  const state = parseStateFile(JSON.parse(readFileSync(new URL('state.json', EXAMPLES), 'utf8')) as unknown);
  const simulator = new Simulator({ rules: RULES, config, state, apply: true, now: () => new Date('2025-03-14T15:00:00Z') });
  const out: { finding: Finding; outcome: ExecutionOutcome }[] = [];
  try {
    for (const file of readdirSync(new URL('events/', EXAMPLES)).sort()) {
      const loaded = await loadEventFile(fileURLToPath(new URL(`events/${file}`, EXAMPLES)));
      for (const event of loaded.events) {
        const record = await simulator.run(event, file);
        for (const [i, finding] of record.findings.entries()) {
          const outcome = record.outcomes[i];
          if (outcome !== undefined) out.push({ finding, outcome });
        }
      }
    }
  } finally {
    simulator.dispose();
  }
  return out;
}

function resourceOf(rule: AnyRule): string {
  switch (rule.resourceType) {
    case 'lambda-function':
      return FUNCTION_ARN;
    case 'lambda-layer-version':
      return `${LAYER_ARN}:3`;
    case 'iam-role':
      return ROLE_ARN;
    case 'cloudtrail-trail':
      return `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail`;
    case 'events-rule':
      return `arn:aws:events:${REGION}:${ACCOUNT}:rule/WardenForward-lambda`;
    case 'apigateway-api':
      return `arn:aws:apigateway:${REGION}::/restapis/a1b2c3d4e5`;
    case 'ec2-security-group-rule':
      return `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group-rule/sgr-0a1b2c3d4e5f60718`;
  }
}

/** A finding of `rule` built from its metadata, waiting for approval when the rule plans a fix. */
export function metadataCase(rule: AnyRule): CatalogCase {
  const resource = resourceOf(rule);
  const id = findingId(rule.id, resource, 'metadata');
  const eventId = `evt-${rule.id}`;
  const action = rule.remediationAction;
  const finding: Finding = {
    id,
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    mode: action === null ? 'alert' : 'approve',
    resource,
    account: ACCOUNT,
    region: REGION,
    summary: `${rule.title}: ${resource} (made by mallory).`,
    rationale: rule.rationale,
    details: { changedBy: 'mallory', fields: ['one', 'two'] },
    remediation: action === null ? null : { action, params: { resource }, description: `Undoes the change with ${action}.` },
    actor: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/admin/mallory`, accountId: ACCOUNT, sourceIPAddress: '198.51.100.7', userAgent: 'console.amazonaws.com', sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/admin` },
    eventId,
    eventName: 'SomeChange',
    eventTime: '2025-03-14T14:00:00Z',
  };
  const outcome: ExecutionOutcome = {
    findingId: id,
    eventId,
    ruleId: rule.id,
    resource,
    account: ACCOUNT,
    region: REGION,
    mode: finding.mode,
    effectiveMode: finding.mode,
    status: action === null ? 'alerted' : 'pending-approval',
    dryRun: false,
    plan: action === null ? null : { action, call: `${action} Resource=${resource}`, description: `Undoes the change with ${action}.` },
    detail: action === null ? 'alert only: the rule plans no change' : 'waiting for an approver',
    ...(action === null ? {} : { approval: { id: `wa-${rule.id}`, expiresAt: '2025-03-15T14:00:00Z' } }),
    at: '2025-03-14T14:00:01Z',
  };
  return { ruleId: rule.id, finding, outcome, origin: 'metadata' };
}

/** One case per catalog rule, in catalog order. */
export async function catalogCases(): Promise<CatalogCase[]> {
  const examples = await exampleFindings();
  return RULES.map((rule) => {
    const found = examples.find((e) => e.finding.ruleId === rule.id);
    return found === undefined ? metadataCase(rule) : { ruleId: rule.id, ...found, origin: 'example' as const };
  });
}

let eventSeq = 0;

function envelope(detailType: string, detail: unknown): Record<string, unknown> {
  eventSeq += 1;
  return { version: '0', id: `bus-${String(eventSeq)}`, 'detail-type': detailType, source: EVENT_SOURCE, account: '999988887777', time: '2025-03-14T15:00:00Z', region: REGION, resources: [], detail };
}

/** JSON round trip: what EventBridge delivers. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

export const findingEventOf = (finding: Finding, outcome: ExecutionOutcome) => envelope(DETAIL_TYPES.finding, wire({ finding, outcome }));
export const remediationEventOf = (outcome: ExecutionOutcome) => envelope(DETAIL_TYPES.remediation, wire(outcome));
export const decisionEventOf = (detail: DecisionDetail) => envelope(DETAIL_TYPES.decision, wire(detail));
export const alertEventOf = (detail: Record<string, unknown>) => envelope(DETAIL_TYPES.alert, wire(detail));

/** A decision on a case's approval (or restore) record. */
export function decisionOn(c: { finding: Finding; outcome: ExecutionOutcome }, decision: DecisionKind, at = '2025-03-14T15:05:00Z'): DecisionDetail {
  const recordId = c.outcome.approval?.id ?? c.outcome.restore?.id ?? 'wa-none';
  const runs = decision === 'approved' || decision === 'quarantined' || decision === 'restored';
  return {
    recordId,
    findingId: c.finding.id,
    eventId: c.outcome.eventId,
    ruleId: c.finding.ruleId,
    resource: c.finding.resource,
    account: c.finding.account,
    region: c.finding.region,
    decision,
    ...(decision === 'expired' ? {} : { by: { userId: 'U0APPROVER', userName: 'dana' } }),
    at,
    plan: runs && c.outcome.plan !== null ? { action: c.outcome.plan.action, call: c.outcome.plan.call, description: c.outcome.plan.description } : null,
    ...(decision === 'rejected-and-exempted' || decision === 'restored' ? { exemptUntil: '2025-04-13T15:05:00Z' } : {}),
  };
}

/** A copy of a case as if it came from another principal (for the digest). */
export function byPrincipal(c: { finding: Finding; outcome: ExecutionOutcome }, principal: string, key: string): { finding: Finding; outcome: ExecutionOutcome } {
  const id = findingId(c.finding.ruleId, `${c.finding.resource}-${key}`, key);
  const actor = { type: 'AssumedRole', arn: `${principal}/session`, accountId: ACCOUNT, sourceIPAddress: '198.51.100.7', userAgent: 'cli', sessionIssuerArn: principal };
  return {
    finding: { ...c.finding, id, resource: `${c.finding.resource}-${key}`, actor },
    outcome: {
      ...c.outcome,
      findingId: id,
      eventId: `evt-${key}`,
      resource: `${c.finding.resource}-${key}`,
      ...(c.outcome.approval === undefined ? {} : { approval: { ...c.outcome.approval, id: `wa-${key}` } }),
    },
  };
}
