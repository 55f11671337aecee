import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../functions/shared/remediation/actions';
import { functionDestinationOutsideOrg } from '../../rules/lambda/function-destination-outside-org';
import { installLambdaMock, type LambdaMockHandle } from '../../sim/lambda-mock';
import { ACCOUNT, ALLOWED_ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, ORG_ACCOUNT, REGION } from '../fixtures/accounts';
import { identities, lambdaEvent } from '../fixtures/cloudtrail';
import { configurationHarness } from '../fixtures/configuration-harness';
import { putFunctionEventInvokeConfigEvent, updateFunctionEventInvokeConfigEvent } from '../fixtures/event-invoke-config';
import { createFunctionEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';

const RULE = functionDestinationOutsideOrg.id;
const FOREIGN_QUEUE = `arn:aws:sqs:${REGION}:${FOREIGN_ACCOUNT}:collector`;
const FOREIGN_TOPIC = `arn:aws:sns:${REGION}:${FOREIGN_ACCOUNT}:failures`;
const FOREIGN_BUS = `arn:aws:events:${REGION}:${FOREIGN_ACCOUNT}:event-bus/default`;
const OWN_QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-failures`;
const ORG_BUS = `arn:aws:events:${REGION}:${ORG_ACCOUNT}:event-bus/central-audit`;
const ALLOWED_TOPIC = `arn:aws:sns:${REGION}:${ALLOWED_ACCOUNT}:vendor-ingest`;
const REF = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME } as const;

async function harnessWithFunction() {
  const h = configurationHarness();
  expect(await h.run(createFunctionEvent(), RULE)).toEqual([]);
  return h;
}

let lambda: LambdaMockHandle | undefined;
afterEach(() => lambda?.mock.restore());

describe('function-destination-outside-org', () => {
  it('finds an on-failure destination in a foreign account and plans to remove only it', async () => {
    const h = await harnessWithFunction();
    const findings = await h.run(putFunctionEventInvokeConfigEvent({ onSuccess: ORG_BUS, onFailure: FOREIGN_QUEUE, maximumRetryAttempts: 1 }), RULE);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding?.mode).toBe('approve');
    expect(finding?.resource).toBe(FUNCTION_ARN);
    expect(finding?.summary).toContain(FOREIGN_QUEUE);
    expect(finding?.summary).toContain('alice');
    expect(finding?.remediation).toMatchObject({ action: 'remove-function-destination', params: { functionName: FUNCTION_ARN, destination: 'OnFailure', targetArn: FOREIGN_QUEUE } });
  });

  it('finds both destinations when both leave the organization, one finding each', async () => {
    const h = await harnessWithFunction();
    const findings = await h.run(putFunctionEventInvokeConfigEvent({ onSuccess: FOREIGN_BUS, onFailure: FOREIGN_TOPIC }), RULE);
    expect(findings.map((f) => f.remediation?.params.destination).sort()).toEqual(['OnFailure', 'OnSuccess']);
    expect(new Set(findings.map((f) => f.id)).size).toBe(2);
  });

  it.each([
    ['the function’s own account', OWN_QUEUE],
    ['another account of the organization', ORG_BUS],
    ['an allow-listed account', ALLOWED_TOPIC],
    ['an S3 bucket (its ARN names no account)', 'arn:aws:s3:::orders-failed-events'],
  ])('accepts a destination in %s', async (_label, target) => {
    const h = await harnessWithFunction();
    expect(await h.run(putFunctionEventInvokeConfigEvent({ onSuccess: target, onFailure: target }), RULE)).toEqual([]);
  });

  it('judges the current state after UpdateFunctionEventInvokeConfig, not only the request', async () => {
    const h = await harnessWithFunction();
    expect(await h.run(putFunctionEventInvokeConfigEvent({ onFailure: FOREIGN_QUEUE }), RULE)).toHaveLength(1);
    // A retry change that leaves the foreign destination in place is still reported.
    const [still] = await h.run(updateFunctionEventInvokeConfigEvent({ maximumRetryAttempts: 0 }), RULE);
    expect(still?.details).toMatchObject({ destination: 'OnFailure', target: FOREIGN_QUEUE });
    expect(await h.run(updateFunctionEventInvokeConfigEvent({ onFailure: OWN_QUEUE }), RULE)).toEqual([]);
  });

  it('recognises the older event name with the API date (PutFunctionEventInvokeConfig20190925)', async () => {
    const h = await harnessWithFunction();
    const event = putFunctionEventInvokeConfigEvent({ onFailure: FOREIGN_QUEUE });
    const older = { ...event, detail: { ...event.detail, eventName: 'PutFunctionEventInvokeConfig20190925' } };
    expect(await h.run(older, RULE)).toHaveLength(1);
  });

  it('ignores a failed call: nothing changed', async () => {
    const h = await harnessWithFunction();
    expect(await h.run(putFunctionEventInvokeConfigEvent({ onFailure: FOREIGN_QUEUE }, { errorCode: 'AccessDeniedException' }), RULE)).toEqual([]);
    expect(h.account.lambda.eventInvokeConfig(REF)).toBeNull();
  });

  it('ignores the bot’s own call', async () => {
    const h = await harnessWithFunction();
    h.account.lambda.setEventInvokeConfig(REF, { DestinationConfig: { OnFailure: { Destination: FOREIGN_QUEUE } } });
    expect(await h.run(putFunctionEventInvokeConfigEvent({ onFailure: FOREIGN_QUEUE }, { identity: identities.remediator() }), RULE)).toEqual([]);
  });

  it('judges the qualifier the event names, and plans on that qualifier only', async () => {
    const h = await harnessWithFunction();
    h.account.lambda.putAlias(REF, 'live', '$LATEST');
    const [finding] = await h.run(putFunctionEventInvokeConfigEvent({ qualifier: 'live', onSuccess: FOREIGN_BUS }), RULE);
    expect(finding?.resource).toBe(`${FUNCTION_ARN}:live`);
    expect(finding?.remediation?.params).toEqual({ functionName: FUNCTION_ARN, qualifier: 'live', destination: 'OnSuccess', targetArn: FOREIGN_BUS });
    expect(h.account.lambda.eventInvokeConfig(REF)).toBeNull();
    // The same destination on another alias is another finding; the unqualified function stays clean.
    expect(await h.run(putFunctionEventInvokeConfigEvent({ onSuccess: OWN_QUEUE }), RULE)).toEqual([]);
  });

  it('finds a dead-letter queue in a foreign account set by UpdateFunctionConfiguration', async () => {
    const h = await harnessWithFunction();
    const [finding] = await h.run(updateFunctionConfigurationEvent({ deadLetterConfig: { targetArn: FOREIGN_TOPIC } }), RULE);
    expect(finding?.remediation).toMatchObject({ action: 'remove-function-dead-letter-queue', params: { functionName: FUNCTION_ARN, targetArn: FOREIGN_TOPIC } });
    expect(finding?.details).toMatchObject({ kind: 'dead-letter-queue', account: FOREIGN_ACCOUNT });
  });

  it('finds a foreign dead-letter queue set at CreateFunction, and accepts one in the organization', async () => {
    expect(await configurationHarness().run(createFunctionEvent({ deadLetterConfig: { targetArn: FOREIGN_QUEUE } }), RULE)).toHaveLength(1);
    expect(await configurationHarness().run(createFunctionEvent({ deadLetterConfig: { targetArn: OWN_QUEUE } }), RULE)).toEqual([]);
  });

  it('finds nothing once the dead-letter queue is removed (TargetArn "")', async () => {
    const h = await harnessWithFunction();
    expect(await h.run(updateFunctionConfigurationEvent({ deadLetterConfig: { targetArn: FOREIGN_TOPIC } }), RULE)).toHaveLength(1);
    expect(await h.run(updateFunctionConfigurationEvent({ deadLetterConfig: { targetArn: '' } }), RULE)).toEqual([]);
    expect(h.account.lambda.getFunctionConfiguration(REF).DeadLetterConfig).toBeUndefined();
  });

  it('does not run on unrelated Lambda events', async () => {
    const h = await harnessWithFunction();
    h.account.lambda.setEventInvokeConfig(REF, { DestinationConfig: { OnFailure: { Destination: FOREIGN_QUEUE } } });
    expect(await h.run(lambdaEvent('TagResource', { resource: FUNCTION_ARN, tags: { team: 'orders' } }), RULE)).toEqual([]);
  });

  it('its plans, run against the account, leave only the in-organization destination and no dead-letter queue', async () => {
    const h = await harnessWithFunction();
    await h.run(updateFunctionConfigurationEvent({ deadLetterConfig: { targetArn: FOREIGN_TOPIC } }), RULE);
    const findings = await h.run(putFunctionEventInvokeConfigEvent({ onSuccess: ORG_BUS, onFailure: FOREIGN_QUEUE, maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 }), RULE);
    // The function is judged whole: the dead-letter queue set before is reported again beside the destination.
    expect(findings.map((f) => f.remediation?.action).sort()).toEqual(['remove-function-dead-letter-queue', 'remove-function-destination']);
    lambda = installLambdaMock(h.account, mockClient(LambdaClient));
    const client = new LambdaClient({ region: REGION });
    for (const plan of findings.map((f) => f.remediation)) {
      if (plan == null) throw new Error('expected a plan');
      const action = ACTIONS[plan.action];
      const outcome = await action.bind(plan.params).execute({ lambda: client });
      expect(outcome).toMatchObject({ status: 'remediated', verified: true });
    }
    expect(h.account.lambda.eventInvokeConfig(REF)).toMatchObject({
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnSuccess: { Destination: ORG_BUS }, OnFailure: {} },
    });
    expect(h.account.lambda.getFunctionConfiguration(REF).DeadLetterConfig).toBeUndefined();
    const sent = [...new Set(lambda.calls.map((c) => `lambda:${c.command}`))].sort();
    expect(sent).toEqual(['lambda:GetFunctionConfiguration', 'lambda:GetFunctionEventInvokeConfig', 'lambda:PutFunctionEventInvokeConfig', 'lambda:UpdateFunctionConfiguration']);
  });
});
