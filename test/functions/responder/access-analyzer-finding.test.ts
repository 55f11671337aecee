import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../functions/shared/errors';
import { statementsOf } from '../../../functions/shared/policy/resource-policy';
import { ACCOUNT, FOREIGN_ACCOUNT, ORG_ACCOUNT, REGION } from '../../fixtures/accounts';
import { createHarness, harnessConfig, type Harness } from './responder-harness';

const SAMPLE = JSON.parse(readFileSync(new URL('../../../examples/events/43-access-analyzer-cross-account-function.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const FUNCTION = 'reports-export';
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION}`;
const KEY = { account: ACCOUNT, region: REGION, functionName: FUNCTION };
const LAYER = { kind: 'lambda-layer-version' as const, account: ACCOUNT, region: REGION, layerName: 'reports-common', version: 2 };
const LAYER_VERSION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:reports-common:2`;

let created: Harness[] = [];
afterEach(() => {
  for (const h of created) h.dispose();
  created = [];
});

/** The documented sample (as in examples/), with envelope or `detail` fields overridden. */
function finding(overrides: { envelope?: Record<string, unknown>; detail?: Record<string, unknown> } = {}): Record<string, unknown> {
  const event = structuredClone(SAMPLE) as { detail: Record<string, unknown> };
  Object.assign(event.detail, overrides.detail ?? {});
  return { ...event, ...(overrides.envelope ?? {}) };
}

/** A function granting a foreign account (the sample's 999988887777 stands for any account outside the organization). */
function harness(): Harness {
  const h = createHarness({ config: harnessConfig() });
  created.push(h);
  h.account.lambda.createFunction(KEY, { Runtime: 'python3.13', Role: `arn:aws:iam::${ACCOUNT}:role/reports-export-role`, Handler: 'app.handler' });
  h.account.lambda.addPermission({ kind: 'lambda-function', ...KEY }, { StatementId: 'partner-invoke', Action: 'lambda:InvokeFunction', Principal: FOREIGN_ACCOUNT });
  h.account.lambda.addPermission({ kind: 'lambda-function', ...KEY }, { StatementId: 'org-invoke', Action: 'lambda:InvokeFunction', Principal: ORG_ACCOUNT });
  return h;
}

const statementIds = (h: Harness): string[] => statementsOf(h.account.lambda.policyDocument({ kind: 'lambda-function', ...KEY })).map((s) => s.Sid ?? '').sort();
const writes = (h: Harness) => h.lambda.calls.filter((c) => c.command === 'RemovePermission' || c.command === 'RemoveLayerVersionPermission');

describe('IAM Access Analyzer findings (issue #18)', () => {
  it('judges the function the documented sample names on its current policy: the foreign grant is asked for approval, the plan removes that statement only', async () => {
    const h = harness();
    const record = await h.responder.handle(finding({ detail: { principal: { AWS: FOREIGN_ACCOUNT } } }));
    expect(record).toMatchObject({ ignored: null, eventName: 'Access Analyzer Finding', eventId: 'access-analyzer:22222222-dcba-4444-dcba-333333333333@2025-03-14T09:14:07Z' });
    expect(record.findings).toHaveLength(1);
    expect(record.findings[0]).toMatchObject({
      ruleId: 'function-cross-account-principal',
      mode: 'approve',
      resource: FUNCTION_ARN,
      detector: { service: 'access-analyzer', findingId: '22222222-dcba-4444-dcba-333333333333', account: ACCOUNT, region: REGION, state: 'active' },
      remediation: { action: 'remove-function-permission', params: expect.objectContaining({ functionName: FUNCTION_ARN, statementId: 'partner-invoke' }) as unknown },
    });
    expect(record.findings[0]?.summary).toContain('reported by IAM Access Analyzer (finding 22222222-dcba-4444-dcba-333333333333)');
    expect(record.outcomes.map((o) => o.status)).toEqual(['pending-approval']);
    expect(statementIds(h)).toEqual(['org-invoke', 'partner-invoke']);
    expect(writes(h)).toEqual([]);

    // Approved: the statement goes, the organization's grant stays.
    const pending = record.outcomes[0];
    if (pending?.approval === undefined) throw new Error('no approval');
    await h.store.decideApproval({ id: pending.approval.id, decision: 'approved', by: 'U0APPROVER1', now: h.clock() });
    const approved = await h.decisions.handle({
      version: '0',
      source: 'lambda-warden',
      'detail-type': 'Warden Decision',
      detail: { recordId: pending.approval.id, findingId: pending.findingId, eventId: pending.eventId, ruleId: pending.ruleId, resource: pending.resource, account: ACCOUNT, region: REGION, decision: 'approved', by: { userId: 'U0APPROVER1' }, at: h.clock().toISOString(), plan: null },
    });
    expect(approved.outcome).toMatchObject({ status: 'remediated', verified: true });
    expect(statementIds(h)).toEqual(['org-invoke']);
  });

  it('asks for approval where the CloudTrail path would revert at once (a public grant): never automatic on a detector finding', async () => {
    const h = harness();
    h.account.lambda.addPermission({ kind: 'lambda-function', ...KEY }, { StatementId: 'anyone', Action: 'lambda:InvokeFunction', Principal: '*' });
    const record = await h.responder.handle(finding({ detail: { principal: { AWS: '*' }, isPublic: true } }));
    const pub = record.findings.find((f) => f.ruleId === 'function-public-access');
    expect(pub).toMatchObject({ mode: 'approve', remediation: { action: 'remove-function-permission', params: expect.objectContaining({ statementId: 'anyone' }) as unknown } });
    expect(record.outcomes.every((o) => o.status === 'pending-approval')).toBe(true);
    expect(statementIds(h)).toEqual(['anyone', 'org-invoke', 'partner-invoke']);
  });

  it('judges a layer version the same way (remove-layer-version-permission of the offending statement)', async () => {
    const h = harness();
    h.account.lambda.publishLayerVersion(LAYER, {}, LAYER.version);
    h.account.lambda.addLayerVersionPermission(LAYER, { StatementId: 'partner-download', Action: 'lambda:GetLayerVersion', Principal: FOREIGN_ACCOUNT });
    const record = await h.responder.handle(finding({ detail: { resourceType: 'AWS::Lambda::LayerVersion', resource: LAYER_VERSION_ARN, action: ['lambda:GetLayerVersion'] } }));
    expect(record.findings).toEqual([
      expect.objectContaining({
        ruleId: 'layer-version-public',
        mode: 'approve',
        resource: LAYER_VERSION_ARN,
        remediation: expect.objectContaining({ action: 'remove-layer-version-permission', params: expect.objectContaining({ statementId: 'partner-download', versionNumber: 2 }) as unknown }) as unknown,
      }),
    ]);
    expect(record.outcomes.map((o) => o.status)).toEqual(['pending-approval']);
  });

  it('closes a finding whose access the current policy no longer grants: no finding, nothing done', async () => {
    const h = harness();
    h.account.lambda.removePermission({ kind: 'lambda-function', ...KEY }, 'partner-invoke');
    const record = await h.responder.handle(finding());
    expect(record).toMatchObject({ ignored: null, findings: [], outcomes: [] });
    expect(h.eventsOf('Warden Finding')).toEqual([]);
    const gone = await h.responder.handle(finding({ detail: { id: '33333333-dcba-4444-dcba-333333333333', resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:deleted-fn` } }));
    expect(gone).toMatchObject({ ignored: null, findings: [], outcomes: [] });
    expect(writes(h)).toEqual([]);
  });

  it('handles a duplicate delivery once: one approval, one Warden Finding event', async () => {
    const h = harness();
    const first = await h.responder.handle(finding());
    const again = await h.responder.handle(finding({ envelope: { id: 'another-envelope-id' } }));
    expect(first.outcomes.map((o) => o.status)).toEqual(['pending-approval']);
    expect(again.outcomes.map((o) => o.status)).toEqual(['duplicate']);
    expect(h.eventsOf('Warden Finding')).toHaveLength(1);
  });

  it.each([
    ['another resource type (the documented S3 sample)', { detail: { resourceType: 'AWS::S3::Bucket', resource: 'arn:aws:s3:::my-bucket' } }, 'other-resource-type', /type "AWS::S3::Bucket", not a Lambda function or layer version/],
    ['a finding about an account outside the organization', { detail: { accountId: FOREIGN_ACCOUNT } }, 'outside-organization', new RegExp(`account ${FOREIGN_ACCOUNT} is not in the organization`)],
    ['an envelope (analyzer account) outside the organization', { envelope: { account: FOREIGN_ACCOUNT } }, 'outside-organization', new RegExp(`account ${FOREIGN_ACCOUNT} is not in the organization`)],
    ['a function of another account than the finding', { detail: { resource: `arn:aws:lambda:${REGION}:${ORG_ACCOUNT}:function:${FUNCTION}` } }, 'resource-account-mismatch', /names a resource of account/],
    ['a resource owner other than the function\'s account', { detail: { resourceOwnerAccount: ORG_ACCOUNT } }, 'resource-account-mismatch', /names a resource of account/],
    ['an error finding (the documented ACCESS_DENIED sample)', { detail: { error: 'ACCESS_DENIED', principal: undefined, action: undefined, condition: undefined } }, 'no-resource', /could not analyze the resource/],
    ['a layer ARN given as a function', { detail: { resource: LAYER_VERSION_ARN } }, 'no-resource', /not a Lambda function ARN/],
    ['a deleted finding', { detail: { isDeleted: true } }, 'finding-closed', /deleted finding/],
  ] as const)('ignores %s, saying why', async (_name, overrides, code, reason) => {
    const h = harness();
    const record = await h.responder.handle(finding(overrides));
    expect(record).toMatchObject({ ignored: { kind: code }, findings: [], outcomes: [] });
    expect(record.ignored?.text).toMatch(reason);
    expect(h.lambda.calls).toEqual([]);
  });

  it.each([
    ['no status', { detail: { status: undefined } }, 'detail.status'],
    ['an unknown status', { detail: { status: 'PENDING' } }, 'detail.status'],
    ['no resource', { detail: { resource: undefined } }, 'detail.resource'],
    ['a bad finding account', { detail: { accountId: 'nobody' } }, 'detail.accountId'],
    ['a principal that is not a map', { detail: { principal: 'everyone' } }, 'detail.principal'],
    ['a bad envelope account', { envelope: { account: 'nobody' } }, 'account'],
  ] as const)('refuses a malformed finding (%s), naming the field', async (_name, overrides, field) => {
    const h = harness();
    const error = await h.responder.handle(finding(overrides)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).message).toMatch(/^Invalid Access Analyzer Finding event: /);
    expect((error as InvalidEventError).fields).toContain(field);
    expect(h.lambda.calls).toEqual([]);
  });

  it('keeps unknown fields of the finding without letting them reach the bus', async () => {
    const h = harness();
    const record = await h.responder.handle(finding({ detail: { sources: [{ type: 'POLICY' }], futureField: 'AKIAPLANTEDANALYZER1' } }));
    expect(record.outcomes.map((o) => o.status)).toEqual(['pending-approval']);
    for (const event of h.events) expect(event.raw).not.toContain('AKIAPLANTEDANALYZER1');
  });
});
