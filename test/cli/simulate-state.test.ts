/**
 * Issue #13, gaps 5–7: simulate on one CloudTrail tampering event creates the trail first; CloudTrail's
 * redaction of environment variables is not data; the state file accepts what the AWS APIs return.
 * Records follow Stratus Red Team's CloudTrail techniques (cloudtrail-stop, cloudtrail-delete,
 * cloudtrail-event-selectors) and the CloudTrail record shapes in AWS's user guide.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Simulator } from '../../cli/simulate';
import { InvalidStateError } from '../../functions/shared/errors';
import { RULES } from '../../rules';
import { parseStateFile } from '../../sim/state-file';
import { ACCOUNT, FUNCTION_NAME, REGION } from '../fixtures/accounts';
import { cloudTrailEvent, assumedRole } from '../fixtures/cloudtrail';
import { createFunctionEvent } from '../fixtures/function-configuration';
import { TEST_CONFIG, TEST_NOW } from '../fixtures/rule-context';

const TRAIL = 'management-events';
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${TRAIL}`;
const intruder = { identity: assumedRole('stratus-red-team-role', 'stratus') };
const trailEvent = (eventName: string, requestParameters: Record<string, unknown>) => cloudTrailEvent('cloudtrail.amazonaws.com', eventName, requestParameters, intruder);

let simulator: Simulator | undefined;
afterEach(() => {
  simulator?.dispose();
  simulator = undefined;
});
const simulate = (state?: unknown): Simulator => {
  simulator = new Simulator({ rules: RULES, config: TEST_CONFIG, now: () => TEST_NOW, ...(state === undefined ? {} : { state: parseStateFile(state) }) });
  return simulator;
};

describe('simulate on a single CloudTrail tampering event', () => {
  it.each<[string, string, Record<string, unknown>, string[]]>([
    ['StopLogging', 'StopLogging', { name: TRAIL_ARN }, ['not-logging']],
    ['StopLogging by trail name', 'StopLogging', { name: TRAIL }, ['not-logging']],
    ['DeleteTrail', 'DeleteTrail', { name: TRAIL }, ['deleted']],
    [
      'PutEventSelectors without management events',
      'PutEventSelectors',
      { trailName: TRAIL, eventSelectors: [{ readWriteType: 'All', includeManagementEvents: false, dataResources: [], excludeManagementEventSources: [] }] },
      ['no-management-events'],
    ],
    [
      'PutEventSelectors keeping only read-only management events',
      'PutEventSelectors',
      { trailName: TRAIL, eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: true, dataResources: [], excludeManagementEventSources: [] }] },
      ['no-management-events'],
    ],
    [
      'PutEventSelectors with advanced selectors keeping only read-only events',
      'PutEventSelectors',
      { trailName: TRAIL, advancedEventSelectors: [{ name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', equals: ['true'] }] }] },
      ['no-management-events'],
    ],
    ['UpdateTrail turning off global service events', 'UpdateTrail', { name: TRAIL, includeGlobalServiceEvents: false }, ['no-global-service-events']],
    ['UpdateTrail to a single region', 'UpdateTrail', { name: TRAIL, isMultiRegionTrail: false }, ['single-region']],
  ])('creates the trail the state does not hold, then judges %s', async (_label, eventName, request, keys) => {
    const sim = simulate();
    const record = await sim.run(trailEvent(eventName, request), 'tamper.json');
    expect(record.findings.map((f) => [f.ruleId, f.resource])).toEqual(keys.map(() => ['trail-logging-stopped', TRAIL_ARN]));
    expect(record.findings.map((f) => f.summary)).toEqual(keys.map(() => expect.stringContaining(TRAIL_ARN) as unknown));
  });

  it('plans to restart a stopped trail', async () => {
    const sim = simulate();
    const [finding] = (await sim.run(trailEvent('StopLogging', { name: TRAIL_ARN }), 'stop.json')).findings;
    expect(finding?.remediation).toEqual(expect.objectContaining({ action: 'start-trail-logging', params: { trailArn: TRAIL_ARN, judgedStatus: 'not-logging' } }));
    expect(sim.account.cloudtrail.trail({ kind: 'cloudtrail-trail', account: ACCOUNT, region: REGION, trailName: TRAIL })?.isLogging).toBe(false);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['StartLogging', 'StartLogging', { name: TRAIL }],
    ['PutEventSelectors recording all management events and S3 data events', 'PutEventSelectors', { trailName: TRAIL, eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::orders-uploads/'] }] }] }],
    ['UpdateTrail enabling log file validation', 'UpdateTrail', { name: TRAIL, enableLogFileValidation: true }],
  ])('finds nothing for %s on a healthy trail', async (_label, eventName, request) => {
    const sim = simulate();
    expect((await sim.run(trailEvent(eventName, request), 'benign.json')).findings).toEqual([]);
  });

  it('judges the trail the state file holds, as held', async () => {
    const sim = simulate({ trails: [{ Account: ACCOUNT, Trail: { Name: TRAIL, HomeRegion: REGION, IsMultiRegionTrail: true }, IsLogging: false }] });
    const record = await sim.run(trailEvent('UpdateTrail', { name: TRAIL, enableLogFileValidation: true }), 'update.json');
    expect(record.findings.map((f) => f.details)).toEqual([expect.objectContaining({ trail: TRAIL_ARN })]);
    expect(record.findings[0]?.summary).toContain('is not logging');
  });
});

describe('simulate and CloudTrail’s redaction of environment variables', () => {
  const held = {
    functions: [
      {
        Account: ACCOUNT,
        Region: REGION,
        Configuration: { FunctionName: FUNCTION_NAME, Runtime: 'nodejs22.x', Role: `arn:aws:iam::${ACCOUNT}:role/${FUNCTION_NAME}-role`, Handler: 'index.handler', Environment: { Variables: { STAGE: 'prod', DB_PASSWORD: 'Tr0ub4dor&3xq' } } },
      },
    ],
  };

  it('keeps the variables the state holds when a CreateFunction record says "environment": {}', async () => {
    const sim = simulate(held);
    const event = createFunctionEvent({ setsEnvironment: true });
    expect(event.detail.requestParameters?.environment).toEqual({});
    const record = await sim.run(event, 'create.json');
    expect(record.findings.map((f) => f.ruleId)).toContain('function-env-plaintext-secret');
    const configuration = sim.account.lambda.getFunctionConfiguration({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME });
    expect(Object.keys(configuration.Environment?.Variables ?? {})).toEqual(['STAGE', 'DB_PASSWORD']);
  });

  it('creates a function the state does not hold without variables (nothing is known)', async () => {
    const sim = simulate();
    await sim.run(createFunctionEvent({ setsEnvironment: true }), 'create.json');
    const configuration = sim.account.lambda.getFunctionConfiguration({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME });
    expect(configuration.Environment).toBeUndefined();
  });
});

describe('the state file and what the AWS APIs return', () => {
  const policyArn = `arn:aws:iam::${ACCOUNT}:policy/orders-data-access`;
  const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: '*' }] };

  it('accepts GetPolicy fields (PolicyName, PolicyId, AttachmentCount …) in a policy entry, and ignores them', () => {
    const state = parseStateFile({
      policies: [
        {
          Account: ACCOUNT,
          Arn: policyArn,
          DefaultVersionId: 'v1',
          Versions: { v1: encodeURIComponent(JSON.stringify(document)) },
          PolicyName: 'orders-data-access',
          PolicyId: 'ANPAEXAMPLEPOLICYID01',
          Path: '/',
          AttachmentCount: 1,
          PermissionsBoundaryUsageCount: 0,
          IsAttachable: true,
          CreateDate: '2025-01-07T10:12:55Z',
          UpdateDate: '2025-01-07T10:12:55Z',
        },
      ],
      roles: [
        {
          Account: ACCOUNT,
          Role: { RoleName: 'orders-api-role', Path: '/', AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, RoleLastUsed: {}, MaxSessionDuration: 3600 },
          AttachedPolicies: [{ PolicyName: 'orders-data-access', PolicyArn: policyArn }],
        },
      ],
      functions: [
        {
          Account: ACCOUNT,
          Region: REGION,
          Configuration: { FunctionName: FUNCTION_NAME },
          Code: { RepositoryType: 'S3', Location: 'https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/snapshots/x' },
          Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: [{ Sid: 's3', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: '*' }] }),
          RevisionId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
        },
      ],
    });
    expect(state.policies[0]).toMatchObject({ Arn: policyArn, Versions: { v1: document } });
    expect(state.roles[0]?.AttachedPolicies).toEqual([policyArn]);
    expect(state.functions[0]?.Policy?.Statement).toEqual([expect.objectContaining({ Sid: 's3' })]);
  });

  it.each<[string, unknown, RegExp]>([
    ['a misspelled policy key', { policies: [{ Account: ACCOUNT, Arn: policyArn, DefaultVersionId: 'v1', Versions: { v1: document }, DefaultVersion: 'v1' }] }, /policies\.0.*DefaultVersion/],
    ['a misspelled function key', { functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: FUNCTION_NAME }, Polcy: null }] }, /functions\.0.*Polcy/],
  ])('rejects %s by name', (_label, input, message) => {
    expect(() => parseStateFile(input)).toThrow(InvalidStateError);
    expect(() => parseStateFile(input)).toThrow(message);
  });
});
