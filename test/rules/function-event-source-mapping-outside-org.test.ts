import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../functions/shared/contract/finding';
import { inversePlan } from '../../functions/shared/executor/inverse-plans';
import { ACTIONS } from '../../functions/shared/remediation/actions';
import type { RemediationAction } from '../../functions/shared/remediation/action';
import { functionEventSourceMappingOutsideOrg } from '../../rules/lambda/function-event-source-mapping-outside-org';
import { installLambdaMock, type LambdaMockHandle } from '../../sim/lambda-mock';
import { ACCOUNT, ALLOWED_ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, ORG_ACCOUNT, REGION } from '../fixtures/accounts';
import { identities } from '../fixtures/cloudtrail';
import { configurationHarness } from '../fixtures/configuration-harness';
import { createEventSourceMappingEvent, MAPPING_UUID, updateEventSourceMappingEvent } from '../fixtures/event-source-mapping';
import { createFunctionEvent } from '../fixtures/function-configuration';

const RULE = functionEventSourceMappingOutsideOrg.id;
const FOREIGN_QUEUE = `arn:aws:sqs:${REGION}:${FOREIGN_ACCOUNT}:feed`;
const FOREIGN_STREAM = `arn:aws:kinesis:${REGION}:${FOREIGN_ACCOUNT}:stream/clicks`;
const FOREIGN_DDB_STREAM = `arn:aws:dynamodb:${REGION}:${FOREIGN_ACCOUNT}:table/orders/stream/2025-03-14T09:00:00.000`;
const FOREIGN_MSK = `arn:aws:kafka:${REGION}:${FOREIGN_ACCOUNT}:cluster/events/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d-2`;
const FOREIGN_TOPIC = `arn:aws:sns:${REGION}:${FOREIGN_ACCOUNT}:discarded`;
const OWN_STREAM = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/orders`;
const ORG_QUEUE = `arn:aws:sqs:${REGION}:${ORG_ACCOUNT}:orders-feed`;
const ALLOWED_STREAM = `arn:aws:kinesis:${REGION}:${ALLOWED_ACCOUNT}:stream/vendor`;
const REF = { account: ACCOUNT, region: REGION, functionName: 'orders-api' } as const;

async function harnessWithFunction() {
  const h = configurationHarness();
  expect(await h.run(createFunctionEvent(), RULE)).toEqual([]);
  return h;
}

function mapping(h: Awaited<ReturnType<typeof harnessWithFunction>>) {
  return h.account.lambda.listEventSourceMappings(REF).find((m) => m.UUID === MAPPING_UUID);
}

async function run(plan: Finding['remediation'] | undefined): Promise<Awaited<ReturnType<RemediationAction['execute']>>> {
  if (plan == null) throw new Error('expected a plan');
  const action = ACTIONS[plan.action];
  return action.bind(plan.params).execute({ lambda: new LambdaClient({ region: REGION }) });
}

let lambda: LambdaMockHandle | undefined;
afterEach(() => lambda?.mock.restore());

describe('function-event-source-mapping-outside-org', () => {
  it.each([
    ['an SQS queue', FOREIGN_QUEUE],
    ['a Kinesis stream', FOREIGN_STREAM],
    ['a DynamoDB stream', FOREIGN_DDB_STREAM],
    ['an MSK cluster', FOREIGN_MSK],
  ])('finds a mapping from %s in a foreign account, alerts by default and names who made it', async (_label, source) => {
    const h = await harnessWithFunction();
    const findings = await h.run(createEventSourceMappingEvent({ eventSourceArn: source }), RULE);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding?.mode).toBe('alert');
    expect(finding?.resource).toBe(FUNCTION_ARN);
    expect(finding?.summary).toContain(source);
    expect(finding?.summary).toContain(MAPPING_UUID);
    expect(finding?.summary).toContain('alice');
    expect(finding?.details).toMatchObject({ kind: 'event-source', mapping: MAPPING_UUID, account: FOREIGN_ACCOUNT });
    expect(finding?.remediation).toMatchObject({ action: 'disable-event-source-mapping', params: { functionName: FUNCTION_ARN, uuid: MAPPING_UUID, eventSourceArn: source } });
  });

  it('finds an OnFailure destination in a foreign account on a mapping from the organization', async () => {
    const h = await harnessWithFunction();
    const [finding, ...rest] = await h.run(createEventSourceMappingEvent({ eventSourceArn: OWN_STREAM, onFailure: FOREIGN_TOPIC }), RULE);
    expect(rest).toEqual([]);
    expect(finding?.details).toMatchObject({ kind: 'event-source-destination', mapping: MAPPING_UUID, target: FOREIGN_TOPIC, account: FOREIGN_ACCOUNT });
    expect(finding?.remediation).toMatchObject({ action: 'remove-event-source-mapping-destination', params: { functionName: FUNCTION_ARN, uuid: MAPPING_UUID, targetArn: FOREIGN_TOPIC } });
  });

  it('finds a foreign destination set later by UpdateEventSourceMapping (the request names only the UUID)', async () => {
    const h = await harnessWithFunction();
    expect(await h.run(createEventSourceMappingEvent({ eventSourceArn: OWN_STREAM }), RULE)).toEqual([]);
    const event = updateEventSourceMappingEvent({ eventSourceArn: OWN_STREAM, onFailure: FOREIGN_TOPIC });
    expect(event.detail.eventName).toBe('UpdateEventSourceMapping20150331');
    expect(event.detail.requestParameters).not.toHaveProperty('functionName');
    const findings = await h.run(event, RULE);
    expect(findings.map((f) => f.details.kind)).toEqual(['event-source-destination']);
    // Clearing the destination again is compliant.
    expect(await h.run(updateEventSourceMappingEvent({ eventSourceArn: OWN_STREAM, onFailure: '' }), RULE)).toEqual([]);
  });

  it('reports both the source and the destination of one mapping, one finding each', async () => {
    const h = await harnessWithFunction();
    const findings = await h.run(createEventSourceMappingEvent({ eventSourceArn: FOREIGN_STREAM, onFailure: FOREIGN_TOPIC }), RULE);
    expect(findings.map((f) => f.remediation?.action).sort()).toEqual(['disable-event-source-mapping', 'remove-event-source-mapping-destination']);
    expect(new Set(findings.map((f) => f.id)).size).toBe(2);
  });

  it.each([
    ['the function’s own account', OWN_STREAM],
    ['another account of the organization', ORG_QUEUE],
    ['an allow-listed account', ALLOWED_STREAM],
  ])('accepts a source and a destination in %s', async (_label, arn) => {
    const h = await harnessWithFunction();
    const destination = arn.replace(':kinesis:', ':sqs:').replace(/stream\//, '');
    expect(await h.run(createEventSourceMappingEvent({ eventSourceArn: arn, onFailure: destination }), RULE)).toEqual([]);
  });

  it('accepts an S3 failure destination (its ARN names no account)', async () => {
    const h = await harnessWithFunction();
    expect(await h.run(createEventSourceMappingEvent({ eventSourceArn: OWN_STREAM, onFailure: 'arn:aws:s3:::orders-discarded' }), RULE)).toEqual([]);
  });

  it('does not report a disabled mapping’s foreign source, and reports it again once enabled', async () => {
    const h = await harnessWithFunction();
    expect(await h.run(createEventSourceMappingEvent({ eventSourceArn: FOREIGN_QUEUE, enabled: false }), RULE)).toEqual([]);
    expect(mapping(h)?.State).toBe('Disabled');
    expect(await h.run(updateEventSourceMappingEvent({ eventSourceArn: FOREIGN_QUEUE, enabled: true }), RULE)).toHaveLength(1);
  });

  it('ignores a failed call: nothing changed', async () => {
    const h = await harnessWithFunction();
    expect(await h.run(createEventSourceMappingEvent({ eventSourceArn: FOREIGN_QUEUE }, { errorCode: 'InvalidParameterValueException' }), RULE)).toEqual([]);
    expect(mapping(h)).toBeUndefined();
  });

  it('ignores the bot’s own call', async () => {
    const h = await harnessWithFunction();
    h.account.lambda.addEventSourceMapping(REF, { UUID: MAPPING_UUID, EventSourceArn: FOREIGN_QUEUE, State: 'Enabled' });
    expect(await h.run(updateEventSourceMappingEvent({ eventSourceArn: FOREIGN_QUEUE, enabled: true }, { identity: identities.remediator() }), RULE)).toEqual([]);
    // Somebody else's role with the bot's session look-alike is judged.
    expect(await h.run(updateEventSourceMappingEvent({ eventSourceArn: FOREIGN_QUEUE, enabled: true }, { identity: identities.remediator('WardenRemediator-dev') }), RULE)).toHaveLength(1);
  });

  it('judges a mapping created on an alias on the function (mappings are the function’s)', async () => {
    const h = await harnessWithFunction();
    h.account.lambda.putAlias(REF, 'live', '$LATEST');
    const [finding] = await h.run(createEventSourceMappingEvent({ functionName: `${FUNCTION_ARN}:live`, eventSourceArn: FOREIGN_QUEUE }), RULE);
    expect(finding?.resource).toBe(FUNCTION_ARN);
  });

  it('disabling, run against the account, pauses only that mapping, and its Restore enables it again', async () => {
    const h = await harnessWithFunction();
    h.account.lambda.addEventSourceMapping(REF, { UUID: 'a1b2c3d4-5678-90ab-cdef-0000000000bb', EventSourceArn: OWN_STREAM, State: 'Enabled' });
    const [finding] = await h.run(createEventSourceMappingEvent({ eventSourceArn: FOREIGN_QUEUE }), RULE);
    lambda = installLambdaMock(h.account, mockClient(LambdaClient));
    expect(await run(finding?.remediation)).toMatchObject({ status: 'remediated', verified: true });
    expect(h.account.lambda.listEventSourceMappings(REF).map((m) => [m.UUID, m.State])).toEqual([
      [MAPPING_UUID, 'Disabled'],
      ['a1b2c3d4-5678-90ab-cdef-0000000000bb', 'Enabled'],
    ]);
    expect(await run(finding?.remediation)).toMatchObject({ status: 'already-compliant' });
    if (finding?.remediation == null) throw new Error('expected a plan');
    const inverse = inversePlan(finding.remediation, finding);
    expect(inverse.plan).toMatchObject({ action: 'enable-event-source-mapping', params: { functionName: FUNCTION_ARN, uuid: MAPPING_UUID, eventSourceArn: FOREIGN_QUEUE } });
    expect(await run(inverse.plan)).toMatchObject({ status: 'remediated', verified: true });
    expect(mapping(h)?.State).toBe('Enabled');
    expect(new Set(lambda.calls.map((c) => c.command))).toEqual(new Set(['GetEventSourceMapping', 'UpdateEventSourceMapping']));
  });

  it('removing the destination, run against the account, keeps the mapping enabled and reading its source', async () => {
    const h = await harnessWithFunction();
    const [finding] = await h.run(createEventSourceMappingEvent({ eventSourceArn: OWN_STREAM, onFailure: FOREIGN_TOPIC }), RULE);
    lambda = installLambdaMock(h.account, mockClient(LambdaClient));
    expect(await run(finding?.remediation)).toMatchObject({ status: 'remediated', verified: true });
    expect(mapping(h)).toEqual({ UUID: MAPPING_UUID, EventSourceArn: OWN_STREAM, State: 'Enabled', FunctionArn: FUNCTION_ARN });
    if (finding?.remediation == null) throw new Error('expected a plan');
    expect(inversePlan(finding.remediation, finding).plan).toBeNull();
    // Judged again, the function is clean.
    expect(await h.run(updateEventSourceMappingEvent({ eventSourceArn: OWN_STREAM, batchSize: 50 }), RULE)).toEqual([]);
  });

  it('refuses a plan whose UUID names a mapping of another function, and changes nothing', async () => {
    const h = await harnessWithFunction();
    expect(await h.run(createFunctionEvent({ functionName: 'billing' }), RULE)).toEqual([]);
    h.account.lambda.addEventSourceMapping({ ...REF, functionName: 'billing' }, { UUID: MAPPING_UUID, EventSourceArn: FOREIGN_QUEUE, State: 'Enabled' });
    lambda = installLambdaMock(h.account, mockClient(LambdaClient));
    const outcome = await run({ action: 'disable-event-source-mapping', params: { functionName: FUNCTION_ARN, uuid: MAPPING_UUID, eventSourceArn: FOREIGN_QUEUE }, description: '' });
    expect(outcome).toMatchObject({ status: 'failed', detail: expect.stringContaining('MappingOwnerError') as string });
    expect(h.account.lambda.listEventSourceMappings({ ...REF, functionName: 'billing' })[0]?.State).toBe('Enabled');
    expect(lambda.calls.map((c) => c.command)).toEqual(['GetEventSourceMapping']);
  });

  it('leaves a mapping that reads from another source by now alone', async () => {
    const h = await harnessWithFunction();
    h.account.lambda.addEventSourceMapping(REF, { UUID: MAPPING_UUID, EventSourceArn: OWN_STREAM, State: 'Enabled' });
    lambda = installLambdaMock(h.account, mockClient(LambdaClient));
    expect(await run({ action: 'disable-event-source-mapping', params: { functionName: FUNCTION_ARN, uuid: MAPPING_UUID, eventSourceArn: FOREIGN_QUEUE }, description: '' })).toMatchObject({ status: 'already-compliant' });
    expect(mapping(h)?.State).toBe('Enabled');
  });
});
