import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionName } from '../../../../functions/shared/contract/finding';
import { ACTIONS } from '../../../../functions/shared/remediation/actions';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { InMemoryCloudTrail, installCloudTrailMock } from '../../../../sim/in-memory-cloudtrail';
import { installLambdaMock, type LambdaMockHandle } from '../../../../sim/lambda-mock';
import { ACCOUNT, FUNCTION_ARN, LAYER_ARN, LAYER_VERSION, REGION } from '../../../fixtures/accounts';
import { addLayerVersionPermissionEvent, addPermissionEvent, createFunctionUrlConfigEvent } from '../../../fixtures/cloudtrail';
import { putFunctionEventInvokeConfigEvent } from '../../../fixtures/event-invoke-config';
import { updateFunctionConfigurationEvent } from '../../../fixtures/function-configuration';
import { ALL_TO_WORLD, authorizeEgressEvent, egressState, GROUP_ID, ruleIdFor } from '../../../fixtures/ec2';
import { installEc2Mock } from '../../../../sim/ec2-mock';
import { createEventSourceMappingEvent, MAPPING_UUID } from '../../../fixtures/event-source-mapping';

const FOREIGN_QUEUE = 'arn:aws:sqs:us-east-1:444455556666:collector';

/** The IAM action a Lambda SDK command needs: `RemovePermission` → `lambda:RemovePermission`. */
function lambdaPermission(command: string): string {
  return `lambda:${command}`;
}

/** For each action: a state where it has work to do, and its parameters. */
const SCENARIOS: Partial<Record<ActionName, { seed: (account: InMemoryAccount) => void; params: Record<string, unknown> }>> = {
  'remove-function-permission': {
    seed: (account) => account.replay(addPermissionEvent({ statementId: 'open', principal: '*' })),
    params: { functionName: FUNCTION_ARN, statementId: 'open' },
  },
  'set-function-url-auth-iam': {
    seed: (account) => account.replay(createFunctionUrlConfigEvent({ authType: 'NONE' })),
    params: { functionName: FUNCTION_ARN, authType: 'AWS_IAM' },
  },
  'remove-layer-version-permission': {
    seed: (account) => account.replay(addLayerVersionPermissionEvent({ statementId: 'everyone', principal: '*' })),
    params: { layerName: LAYER_ARN, versionNumber: LAYER_VERSION, statementId: 'everyone' },
  },
  'quarantine-function': {
    seed: (account) => account.replay(addPermissionEvent({ statementId: 'apigw', principal: 'apigateway.amazonaws.com' })),
    params: { functionName: FUNCTION_ARN },
  },
  'add-function-permission': {
    seed: (account) => account.replay(addPermissionEvent({ statementId: 'apigw', principal: 'apigateway.amazonaws.com' })),
    params: { functionName: FUNCTION_ARN, statementId: 'open', action: 'lambda:InvokeFunction', principal: '*', functionUrlAuthType: 'NONE' },
  },
  'set-function-url-auth-none': {
    seed: (account) => account.replay(createFunctionUrlConfigEvent({ authType: 'AWS_IAM' })),
    params: { functionName: FUNCTION_ARN, authType: 'NONE' },
  },
  'add-layer-version-permission': {
    seed: (account) => account.replay(addLayerVersionPermissionEvent({ statementId: 'org', principal: '*', organizationId: 'o-a1b2c3d4e5' })),
    params: { layerName: LAYER_ARN, versionNumber: LAYER_VERSION, statementId: 'everyone', action: 'lambda:GetLayerVersion', principal: '*' },
  },
  'remove-function-destination': {
    seed: (account) => account.replay(putFunctionEventInvokeConfigEvent({ onFailure: FOREIGN_QUEUE })),
    params: { functionName: FUNCTION_ARN, destination: 'OnFailure', targetArn: FOREIGN_QUEUE },
  },
  'remove-function-dead-letter-queue': {
    seed: (account) => account.replay(updateFunctionConfigurationEvent({ deadLetterConfig: { targetArn: FOREIGN_QUEUE } })),
    params: { functionName: FUNCTION_ARN, targetArn: FOREIGN_QUEUE },
  },
  'disable-event-source-mapping': {
    seed: (account) => account.replay(createEventSourceMappingEvent({ eventSourceArn: FOREIGN_QUEUE })),
    params: { functionName: FUNCTION_ARN, uuid: MAPPING_UUID, eventSourceArn: FOREIGN_QUEUE },
  },
  'enable-event-source-mapping': {
    seed: (account) => account.replay(createEventSourceMappingEvent({ eventSourceArn: FOREIGN_QUEUE, enabled: false })),
    params: { functionName: FUNCTION_ARN, uuid: MAPPING_UUID, eventSourceArn: FOREIGN_QUEUE },
  },
  'remove-event-source-mapping-destination': {
    seed: (account) => account.replay(createEventSourceMappingEvent({ eventSourceArn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/orders`, onFailure: FOREIGN_QUEUE })),
    params: { functionName: FUNCTION_ARN, uuid: MAPPING_UUID, targetArn: FOREIGN_QUEUE },
  },
};

let lambda: LambdaMockHandle | undefined;
afterEach(() => {
  lambda?.mock.restore();
});

describe('remediation actions under the SDK mock', () => {
  it.each(Object.entries(SCENARIOS))('%s sends only commands its declared permissions cover', async (name, scenario) => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
    scenario.seed(account);
    lambda = installLambdaMock(account, mockClient(LambdaClient));
    const action = ACTIONS[name as ActionName];
    const clients = { lambda: new LambdaClient({ region: REGION }) };
    const bound = action.bind(scenario.params);
    const first = await bound.execute(clients);
    expect(first.status).toBe('remediated');
    const second = await bound.execute(clients);
    expect(second.status).toBe('already-compliant');
    const sent = [...new Set(lambda.calls.map((call) => lambdaPermission(call.command)))];
    expect(sent.filter((permission) => !action.permissions.includes(permission))).toEqual([]);
    // One read, one write, one verifying read for the remediation; one read when already compliant.
    expect(lambda.calls).toHaveLength(4);
  });

  it('start-trail-logging sends only commands its declared permissions cover', async () => {
    const cloudtrail = new InMemoryCloudTrail();
    const ref = { kind: 'cloudtrail-trail', account: ACCOUNT, region: REGION, trailName: 'management' } as const;
    cloudtrail.createTrail(ref, { isLogging: false });
    const trailMock = installCloudTrailMock(cloudtrail, ACCOUNT);
    try {
      const action = ACTIONS['start-trail-logging'];
      const cloudtrailClient = new CloudTrailClient({ region: REGION });
      const clients = { lambda: new LambdaClient({ region: REGION }), cloudtrail: () => Promise.resolve(cloudtrailClient) };
      const bound = action.bind({ trailArn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management` });
      expect((await bound.execute(clients)).status).toBe('remediated');
      expect((await bound.execute(clients)).status).toBe('already-compliant');
      const sent = [...new Set(trailMock.calls.map((call) => `cloudtrail:${call.command}`))];
      expect(sent.filter((permission) => !action.permissions.includes(permission))).toEqual([]);
      expect(trailMock.calls).toHaveLength(4);
      expect(cloudtrail.trail(ref)?.isLogging).toBe(true);
    } finally {
      trailMock.mock.restore();
    }
  });

  describe('acting on the state the engine judged', () => {
    const functionRef = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' } as const;

    it('set-function-url-auth-iam updates and verifies: one write, one verifying read', async () => {
      const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
      account.replay(createFunctionUrlConfigEvent({ authType: 'NONE' }));
      lambda = installLambdaMock(account, mockClient(LambdaClient));
      const action = ACTIONS['set-function-url-auth-iam'];
      const bound = action.bind({ functionName: FUNCTION_ARN, authType: 'AWS_IAM', judgedAuthType: 'NONE' });
      expect(await bound.execute({ lambda: new LambdaClient({ region: REGION }) })).toMatchObject({ status: 'remediated', verified: true });
      expect(lambda.calls.map((call) => call.command)).toEqual(['UpdateFunctionUrlConfig', 'GetFunctionUrlConfig']);
      expect(account.lambda.urlConfig(functionRef)?.AuthType).toBe('AWS_IAM');
    });

    it('set-function-url-auth-iam leaves a URL deleted since the judgement alone', async () => {
      const account = new InMemoryAccount({ defaultAccount: ACCOUNT, defaultRegion: REGION });
      account.replay(createFunctionUrlConfigEvent({ authType: 'NONE' }));
      account.lambda.deleteFunctionUrlConfig(functionRef);
      lambda = installLambdaMock(account, mockClient(LambdaClient));
      const action = ACTIONS['set-function-url-auth-iam'];
      const bound = action.bind({ functionName: FUNCTION_ARN, authType: 'AWS_IAM', judgedAuthType: 'NONE' });
      expect(await bound.execute({ lambda: new LambdaClient({ region: REGION }) })).toEqual({ status: 'already-compliant', detail: 'the function URL no longer exists' });
      expect(lambda.calls.map((call) => call.command)).toEqual(['UpdateFunctionUrlConfig']);
      expect(account.lambda.urlConfig(functionRef)).toBeNull();
    });

    it.each([
      ['a stopped trail is started and verified', true, 'remediated', ['StartLogging', 'GetTrailStatus']],
      ['a trail deleted since the judgement is left alone', false, 'already-compliant', ['StartLogging']],
    ])('start-trail-logging: %s', async (_name, exists, status, commands) => {
      const cloudtrail = new InMemoryCloudTrail();
      const ref = { kind: 'cloudtrail-trail', account: ACCOUNT, region: REGION, trailName: 'management' } as const;
      if (exists) cloudtrail.createTrail(ref, { isLogging: false });
      const trailMock = installCloudTrailMock(cloudtrail, ACCOUNT);
      try {
        const action = ACTIONS['start-trail-logging'];
        const bound = action.bind({ trailArn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management`, judgedStatus: 'not-logging' });
        const outcome = await bound.execute({ lambda: new LambdaClient({ region: REGION }), cloudtrail: () => Promise.resolve(new CloudTrailClient({ region: REGION })) });
        expect(outcome.status).toBe(status);
        expect(trailMock.calls.map((call) => call.command)).toEqual(commands);
        expect(cloudtrail.trail(ref)?.isLogging).toBe(exists ? true : undefined);
      } finally {
        trailMock.mock.restore();
      }
    });
  });

  it.each([
    ['revoke-security-group-egress', true],
    ['authorize-security-group-egress', false],
  ] as const)('%s sends only commands its declared permissions cover (read, write, verify; one read when already done)', async (name, opened) => {
    const account = InMemoryAccount.fromStateFile(egressState());
    if (opened) account.replay(authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD]));
    const ec2Mock = installEc2Mock(account.ec2);
    try {
      const action = ACTIONS[name];
      const permission = { groupId: GROUP_ID, ipProtocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' };
      const bound = action.bind(opened ? { ...permission, securityGroupRuleId: ruleIdFor(GROUP_ID, ALL_TO_WORLD) } : permission);
      const ec2 = new EC2Client({ region: REGION });
      const clients = { lambda: new LambdaClient({ region: REGION }), ec2: () => Promise.resolve(ec2) };
      expect(await bound.execute(clients)).toMatchObject({ status: 'remediated', verified: true });
      expect((await bound.execute(clients)).status).toBe('already-compliant');
      const sent = [...new Set(ec2Mock.calls.map((call) => `ec2:${call.command}`))];
      expect(sent.filter((p) => !action.permissions.includes(p))).toEqual([]);
      expect(ec2Mock.calls).toHaveLength(4);
      const worldOpen = [...account.ec2.group(GROUP_ID).rules.values()].filter((r) => r.IpProtocol === '-1' && r.CidrIpv4 === '0.0.0.0/0');
      expect(worldOpen).toHaveLength(opened ? 0 : 1);
    } finally {
      ec2Mock.mock.restore();
    }
  });

  it('maps a command to its IAM action and catches an undeclared one', () => {
    const declared = ACTIONS['remove-function-permission'].permissions;
    expect(declared.includes(lambdaPermission('RemovePermission'))).toBe(true);
    expect(declared.includes(lambdaPermission('DeleteFunction'))).toBe(false);
  });
});
