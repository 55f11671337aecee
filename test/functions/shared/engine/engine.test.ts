import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaStateReader } from '../../../../functions/shared/aws/lambda-state-reader';
import { parseConfig } from '../../../../functions/shared/config/config';
import { baselineKeeperByKind, InMemoryBaselineStore, type BaselineKeeper } from '../../../../functions/shared/baseline/baseline-keeper';
import { createBaselineKey, FunctionBaselineKeeper } from '../../../../functions/shared/baseline/function-baseline';
import type { CloudTrailEvent } from '../../../../functions/shared/event/cloudtrail-event';
import type { StateReader } from '../../../../functions/shared/state/state-reader';
import { Engine, findingId } from '../../../../functions/shared/engine/engine';
import { InvalidEventError } from '../../../../functions/shared/errors';
import { RULES } from '../../../../rules';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../../../../sim/lambda-mock';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, ORG_ACCOUNT } from '../../../fixtures/accounts';
import {
  addLayerVersionPermissionEvent,
  addPermissionEvent,
  cloudTrailEvent,
  createFunctionUrlConfigEvent,
  identities,
  lambdaEvent,
} from '../../../fixtures/cloudtrail';
import { createFunctionEvent, updateFunctionConfigurationEvent } from '../../../fixtures/function-configuration';
import { TEST_CONFIG, TEST_NOW } from '../../../fixtures/rule-context';

let handle: LambdaMockHandle | undefined;
afterEach(() => {
  handle?.mock.restore();
  handle = undefined;
});

/** An engine reading the in-memory account through the real Lambda client. */
function setup(config = TEST_CONFIG): { engine: Engine; account: InMemoryAccount; calls: () => readonly string[] } {
  const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
  const installed = installLambdaMock(account, mockClient(LambdaClient));
  handle = installed;
  const reader = new LambdaStateReader((_account, region) => new LambdaClient({ region }));
  const engine = new Engine({ rules: RULES, config, reader, now: () => TEST_NOW });
  return { engine, account, calls: () => installed.calls.map((c) => c.command) };
}

describe('Engine', () => {
  it('finds a public statement added by AddPermission, with who added it and a surgical plan', async () => {
    const { engine, account } = setup();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    account.replay(event);
    const result = await engine.evaluateEvent(event);
    expect(result.ignored).toBeNull();
    expect(result.resources).toEqual([FUNCTION_ARN]);
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding).toMatchObject({
      ruleId: 'function-public-access',
      severity: 'critical',
      mode: 'auto',
      resource: FUNCTION_ARN,
      account: ACCOUNT,
      region: 'us-east-1',
      remediation: { action: 'remove-function-permission', params: { functionName: FUNCTION_ARN, statementId: 'open' } },
      actor: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
      eventName: 'AddPermission20150331v2',
    });
    expect(finding?.summary).toContain('"open"');
    expect(finding?.summary).toContain('added by arn:aws:iam::111122223333:user/alice');
  });

  it('reads only what the triggered rules need (one GetPolicy for AddPermission)', async () => {
    const { engine, account, calls } = setup();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    account.replay(event);
    await engine.evaluateEvent(event);
    expect(calls()).toEqual(['GetPolicy']);
  });

  it('judges the current state: a statement removed since the event yields nothing', async () => {
    const { engine, account } = setup();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    account.replay(event);
    account.lambda.removePermission({ kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'orders-api' }, 'open');
    expect((await engine.evaluateEvent(event)).findings).toEqual([]);
  });

  it('reports only the bad statement of a policy with several', async () => {
    const { engine, account } = setup();
    const events = [
      addPermissionEvent({ statementId: 'apigw', principal: 'apigateway.amazonaws.com', sourceArn: 'arn:aws:execute-api:us-east-1:111122223333:abc123/*' }),
      addPermissionEvent({ statementId: 'sibling', principal: ORG_ACCOUNT }),
      addPermissionEvent({ statementId: 'partner', principal: FOREIGN_ACCOUNT }),
    ];
    for (const e of events) account.replay(e);
    const result = await engine.evaluateEvent(events[2]);
    expect(result.findings.map((f) => [f.ruleId, f.remediation?.params.statementId])).toEqual([['function-cross-account-principal', 'partner']]);
  });

  it('gives the same finding id for a duplicate delivery of the same event', async () => {
    const { engine, account } = setup();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    account.replay(event);
    const first = await engine.evaluateEvent(event);
    const second = await engine.evaluateEvent(structuredClone(event));
    expect(second.findings.map((f) => f.id)).toEqual(first.findings.map((f) => f.id));
    expect(first.findings[0]?.id).toBe(findingId('function-public-access', FUNCTION_ARN, 'open'));
    expect(first.findings[0]?.id).toMatch(/^wf-[0-9a-f]{20}$/);
  });

  it('evaluates a function URL event with the URL rule and the policy rules', async () => {
    const { engine, account } = setup();
    const event = createFunctionUrlConfigEvent({ authType: 'NONE' });
    account.replay(event);
    const result = await engine.evaluateEvent(event);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['function-url-public']);
    expect(result.findings[0]?.remediation).toEqual({
      action: 'set-function-url-auth-iam',
      params: { functionName: FUNCTION_ARN, authType: 'AWS_IAM', judgedAuthType: 'NONE' },
      description: expect.any(String) as string,
    });
  });

  it('evaluates layer version permissions', async () => {
    const { engine, account } = setup();
    const event = addLayerVersionPermissionEvent({ statementId: 'world', principal: '*' });
    account.replay(event);
    const result = await engine.evaluateEvent(event);
    expect(result.findings.map((f) => [f.ruleId, f.mode])).toEqual([['layer-version-public', 'auto']]);
  });

  it('applies a per-rule mode override from the config', async () => {
    const config = parseConfig({ ...TEST_CONFIG, rules: { 'function-public-access': { mode: 'approve' } } });
    const { engine, account } = setup(config);
    const event = addPermissionEvent({ statementId: 'open', principal: '*' });
    account.replay(event);
    expect((await engine.evaluateEvent(event)).findings[0]?.mode).toBe('approve');
  });

  it.each([
    ['a failed call', addPermissionEvent({ statementId: 'open', principal: '*' }, { errorCode: 'AccessDenied' }), /^failed call \(AccessDenied\)/],
    ["the bot's own call", addPermissionEvent({ statementId: 'open', principal: '*' }, { identity: identities.remediator() }), /bot's own action/],
    ['an event no rule watches', lambdaEvent('PublishVersion', { functionName: 'orders-api' }), /^no rule watches lambda.amazonaws.com PublishVersion$/],
    ['another service', cloudTrailEvent('s3.amazonaws.com', 'PutBucketPolicy', { bucketName: 'b' }), /^no rule watches s3.amazonaws.com PutBucketPolicy$/],
    ['an event without a function name', lambdaEvent('AddPermission', { statementId: 'x' }), /names no resource/],
  ])('ignores %s and reads nothing', async (_label, event, reason) => {
    const { engine, calls } = setup();
    const result = await engine.evaluateEvent(event);
    expect(result.ignored?.text).toMatch(reason);
    expect(result.findings).toEqual([]);
    expect(calls()).toEqual([]);
  });

  it('still judges a public statement when the own-role look-alike made it', async () => {
    const { engine, account } = setup();
    const event = addPermissionEvent({ statementId: 'open', principal: '*' }, { identity: identities.remediator('WardenRemediator-dev') });
    account.replay(event);
    expect((await engine.evaluateEvent(event)).findings.map((f) => f.ruleId)).toEqual(['function-public-access']);
  });

  it('rejects an invalid event with InvalidEventError before reading anything', async () => {
    const { engine, calls } = setup();
    await expect(engine.evaluateEvent({ 'detail-type': 'AWS API Call via CloudTrail' })).rejects.toBeInstanceOf(InvalidEventError);
    expect(calls()).toEqual([]);
  });

  it('treats a function deleted since the event as having no policy', async () => {
    const { engine } = setup();
    const result = await engine.evaluateEvent(addPermissionEvent({ statementId: 'open', principal: '*', functionName: 'gone' }));
    expect(result.ignored).toBeNull();
    expect(result.findings).toEqual([]);
  });

  it('scans a resource without an event', async () => {
    const { engine, account } = setup();
    account.replay(addPermissionEvent({ statementId: 'open', principal: '*' }));
    const findings = await engine.evaluateResource({ kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'orders-api' });
    expect(findings.map((f) => f.ruleId)).toEqual(['function-public-access']);
    expect(findings[0]?.actor).toBeUndefined();
    expect(findings[0]?.summary).toContain('found by a scan');
  });

  it('captures a baseline only when every rule found the resource compliant, and attaches it before the rules run', async () => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
    const captured: string[] = [];
    const attached: string[] = [];
    const compliance: boolean[] = [];
    const baselines: BaselineKeeper = {
      attach: (snapshot) => {
        attached.push(snapshot.arn);
        return Promise.resolve(snapshot);
      },
      capture: (snapshot, _now, options) => {
        compliance.push(options?.compliant ?? true);
        if (options?.compliant !== false) captured.push(snapshot.arn);
        return Promise.resolve();
      },
    };
    const engine = new Engine({ rules: RULES, config: TEST_CONFIG, reader: account.reader(), now: () => TEST_NOW, baselines });
    const benign = addPermissionEvent({ statementId: 'sibling', principal: ORG_ACCOUNT });
    account.replay(benign);
    await engine.evaluateEvent(benign);
    expect(captured).toEqual([FUNCTION_ARN]);
    const bad = addPermissionEvent({ statementId: 'open', principal: '*' });
    account.replay(bad);
    await engine.evaluateEvent(bad);
    expect(captured).toEqual([FUNCTION_ARN]);
    // With findings the keeper is told so (it may record only the exemption tags it can trust).
    expect(compliance).toEqual([true, false]);
    expect(attached).toEqual([FUNCTION_ARN, FUNCTION_ARN]);
  });

  it('reads a function’s execution role only when it differs from the baseline, and once per evaluation', async () => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
    account.iam.createRole(ACCOUNT, 'orders-api-role');
    account.iam.createRole(ACCOUNT, 'orders-api-role-v2');
    const inner = account.reader();
    const roleReads: string[] = [];
    const reader: StateReader = {
      readFunction: (ref, parts) => inner.readFunction(ref, parts),
      readLayerVersion: (ref) => inner.readLayerVersion(ref),
      readRole: (ref) => {
        roleReads.push(ref.roleName);
        return inner.readRole?.(ref) ?? Promise.reject(new Error('no IAM'));
      },
    };
    const keeper = new FunctionBaselineKeeper({ store: new InMemoryBaselineStore(), key: createBaselineKey() });
    const engine = new Engine({ rules: RULES, config: TEST_CONFIG, reader, now: () => TEST_NOW, baselines: baselineKeeperByKind({ 'lambda-function': keeper }) });
    const evaluate = async (event: CloudTrailEvent) => {
      account.replay(event);
      return engine.evaluateParsed(event);
    };
    // CreateFunction names the role: the role rules read it once; there is no baseline to compare with yet.
    await evaluate(createFunctionEvent({ role: `arn:aws:iam::${ACCOUNT}:role/orders-api-role` }));
    expect(roleReads).toEqual(['orders-api-role']);
    // The same role again: only the role resource of the event is read.
    await evaluate(updateFunctionConfigurationEvent({ role: `arn:aws:iam::${ACCOUNT}:role/orders-api-role` }, { eventTime: '2025-03-14T10:00:00Z' }));
    expect(roleReads).toEqual(['orders-api-role', 'orders-api-role']);
    // A swap: the function's new role and the event's role are one read.
    const swap = await evaluate(updateFunctionConfigurationEvent({ role: `arn:aws:iam::${ACCOUNT}:role/orders-api-role-v2` }, { eventTime: '2025-03-14T11:00:00Z' }));
    expect(roleReads).toEqual(['orders-api-role', 'orders-api-role', 'orders-api-role-v2']);
    expect(swap.resources).toEqual([FUNCTION_ARN, `arn:aws:iam::${ACCOUNT}:role/orders-api-role-v2`]);
  });
});
