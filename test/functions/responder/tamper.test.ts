import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, ORG_ACCOUNT, REGION } from '../../fixtures/accounts';
import { cloudTrailEvent, iamUser, identities } from '../../fixtures/cloudtrail';
import { createHarness, type Harness } from './responder-harness';
import { forwardingRuleName } from '../../../functions/shared/self/member-resources';

const TRAIL = { kind: 'cloudtrail-trail', account: ACCOUNT, region: REGION, trailName: 'management' } as const;
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management`;

let harness: Harness;
afterEach(() => {
  harness.dispose();
});

function trailEvent(eventName: string, requestParameters: Record<string, unknown>, account = ACCOUNT) {
  return cloudTrailEvent('cloudtrail.amazonaws.com', eventName, requestParameters, { account, identity: iamUser('mallory', account) });
}

describe('trail-logging-stopped (end to end)', () => {
  it('starts logging again after StopLogging, verifies it and reports both events', async () => {
    harness = createHarness();
    harness.cloudtrail.createTrail(TRAIL);
    const event = trailEvent('StopLogging', { name: TRAIL_ARN });
    harness.cloudtrail.applyEvent(event);
    expect(harness.cloudtrail.trail(TRAIL)?.isLogging).toBe(false);
    const record = await harness.responder.handle(event);
    expect(record.outcomes.map((o) => [o.ruleId, o.status, o.verified])).toEqual([['trail-logging-stopped', 'remediated', true]]);
    expect(harness.cloudtrail.trail(TRAIL)?.isLogging).toBe(true);
    expect(harness.eventsOf('Warden Remediation')[0]?.detail).toMatchObject({ plan: { call: `cloudtrail:StartLogging Name=${TRAIL_ARN}` } });
    const sent = [...new Set(harness.cloudtrailCalls.filter((c) => c.command.startsWith('St')).map((c) => `cloudtrail:${c.command}`))];
    expect(sent).toEqual(['cloudtrail:StartLogging']);
  });

  it('accepts a bare trail name in the event account and region', async () => {
    harness = createHarness();
    harness.cloudtrail.createTrail(TRAIL);
    const event = trailEvent('StopLogging', { name: 'management' });
    harness.cloudtrail.applyEvent(event);
    expect((await harness.responder.handle(event)).outcomes.map((o) => o.status)).toEqual(['remediated']);
  });

  it('only alerts for an organization trail stopped from outside its home account', async () => {
    harness = createHarness();
    harness.cloudtrail.createTrail(TRAIL, { isOrganizationTrail: true, isLogging: false });
    const event = trailEvent('StopLogging', { name: TRAIL_ARN }, ORG_ACCOUNT);
    const record = await harness.responder.handle(event);
    expect(record.outcomes.map((o) => o.status)).toEqual(['alerted']);
    expect(harness.cloudtrailCalls.filter((c) => c.command === 'StartLogging')).toEqual([]);
  });

  it('alerts on a deleted trail and on selectors that drop management events', async () => {
    harness = createHarness();
    harness.cloudtrail.createTrail(TRAIL);
    const selectors = trailEvent('PutEventSelectors', { trailName: TRAIL_ARN, eventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }] });
    harness.cloudtrail.applyEvent(selectors);
    const first = await harness.responder.handle(selectors);
    expect(first.findings.map((f) => [f.ruleId, f.remediation])).toEqual([['trail-logging-stopped', null]]);
    expect(first.findings[0]?.summary).toMatch(/no longer records management write events/);

    const deleted = trailEvent('DeleteTrail', { name: TRAIL_ARN });
    harness.cloudtrail.applyEvent(deleted);
    const second = await harness.responder.handle(deleted);
    expect(second.outcomes.map((o) => o.status)).toEqual(['alerted']);
    expect(second.findings[0]?.summary).toMatch(/was deleted/);
  });

  it('finds nothing when the trail is logging and recording', async () => {
    harness = createHarness();
    harness.cloudtrail.createTrail(TRAIL);
    const event = trailEvent('UpdateTrail', { name: TRAIL_ARN, isMultiRegionTrail: true });
    expect((await harness.responder.handle(event)).findings).toEqual([]);
  });
});

describe('warden-forwarding-rule-changed (end to end)', () => {
  // The member stack names its rules warden-forward-<service> (functions/shared/self/member-resources.ts).
  const RULE = forwardingRuleName('lambda');
  it.each([
    ['DisableRule', { name: RULE }],
    ['DeleteRule', { name: RULE, eventBusName: 'default' }],
    ['RemoveTargets', { rule: RULE, ids: ['WardenBus'] }],
    ['PutTargets', { rule: RULE, targets: [{ id: 'WardenBus', arn: 'arn:aws:events:us-east-1:444455556666:event-bus/default' }] }],
    ['PutRule', { name: RULE, state: 'DISABLED', eventPattern: '{}' }],
  ])('alerts on %s of the bot’s forwarding rule', async (eventName, request) => {
    harness = createHarness();
    const record = await harness.responder.handle(cloudTrailEvent('events.amazonaws.com', eventName, request, { identity: iamUser('mallory') }));
    expect(record.outcomes.map((o) => [o.ruleId, o.status])).toEqual([['warden-forwarding-rule-changed', 'alerted']]);
    expect(record.findings[0]?.resource).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/${RULE}`);
    expect(harness.eventsOf('Warden Finding')).toHaveLength(1);
  });

  it('ignores other rules, a rule merely named Warden*, and the bot’s own changes', async () => {
    harness = createHarness();
    const other = await harness.responder.handle(cloudTrailEvent('events.amazonaws.com', 'DisableRule', { name: 'team-nightly-job' }, { identity: iamUser('alice') }));
    expect(other.findings).toEqual([]);
    const lookAlike = await harness.responder.handle(cloudTrailEvent('events.amazonaws.com', 'DisableRule', { name: 'WardenForwarder' }, { identity: iamUser('alice') }));
    expect(lookAlike.findings).toEqual([]);
    const own = await harness.responder.handle(cloudTrailEvent('events.amazonaws.com', 'PutRule', { name: RULE }, { identity: identities.remediator() }));
    expect(own.ignored?.text).toMatch(/bot's own action/);
    expect(harness.events).toEqual([]);
  });
});
