/**
 * An in-memory organization behind the real SDK clients: the Lambda and IAM mocks answer each
 * client from the account of its credentials, STS `AssumeRole` hands out credentials per account
 * (or refuses the unreachable ones), with optional latency and throttling on every call.
 */
import { IAMClient, IAMServiceException } from '@aws-sdk/client-iam';
import { LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InMemoryAccount } from './in-memory-account';
import { installIamMock, type IamMockHandle } from './iam-mock';
import { accountOfCredentials, installLambdaMock, type LambdaMockHandle } from './lambda-mock';
import { installLogsMock } from './in-memory-logs';
import { installEc2Mock } from './ec2-mock';
import { installApiGatewayMock } from './api-gateway-mock';

export interface OrganizationMockOptions {
  /** Accounts whose role `AssumeRole` refuses (AccessDenied). */
  readonly unreachable?: readonly string[];
  /** Added to every call (Lambda, IAM, STS). */
  readonly latencyMs?: number;
  /** Share of Lambda and IAM calls answered with a throttling error (0–1). */
  readonly throttleRate?: number;
  /** The random source of throttling (tests make it deterministic). */
  readonly random?: () => number;
}

export interface OrganizationMockHandle {
  readonly lambda: LambdaMockHandle;
  readonly iam: IamMockHandle;
  /** CloudWatch Logs (issue #17): every command received. */
  readonly logs: ReturnType<typeof installLogsMock>;
  /** EC2 security groups (issue #17): every command received. */
  readonly ec2: ReturnType<typeof installEc2Mock>;
  /** API Gateway REST and HTTP APIs (issue #17): every command received. */
  readonly apigateway: ReturnType<typeof installApiGatewayMock>;
  /** Every `AssumeRole` received: the role ARN and session name. */
  readonly assumeRoleCalls: readonly { readonly roleArn: string; readonly sessionName: string }[];
  /** Calls answered with a throttling error. */
  throttled(): number;
  /** Every call received, by `<service>:<command>`. */
  callCounts(): Record<string, number>;
  restore(): void;
}

/**
 * @example
 * const org = installOrganizationMocks(world, { unreachable: ['333333333333'], latencyMs: 25, throttleRate: 0.05 });
 * const report = await new Scanner({ rules: RULES, config, clients: scanClients(credentials) }).scan(targets);
 * org.restore();
 */
export function installOrganizationMocks(world: InMemoryAccount, options: OrganizationMockOptions = {}): OrganizationMockHandle {
  const random = options.random ?? Math.random;
  const rate = options.throttleRate ?? 0;
  const latency = options.latencyMs ?? 0;
  let throttled = 0;
  const delay = async (): Promise<void> => {
    if (latency > 0) await sleep(latency);
  };
  const maybeThrottle = (service: 'lambda' | 'iam'): void => {
    if (rate <= 0 || random() >= rate) return;
    throttled += 1;
    if (service === 'lambda') throw new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 }, Type: 'User', Reason: 'CallerRateLimitExceeded' });
    throw new IAMServiceException({ name: 'ThrottlingException', message: 'Rate exceeded', $fault: 'client', $metadata: { httpStatusCode: 400 } });
  };
  const lambda = installLambdaMock(world, mockClient(LambdaClient), {
    accountOf: accountOfCredentials,
    onCommand: async () => {
      await delay();
      maybeThrottle('lambda');
    },
  });
  const iam = installIamMock(world, mockClient(IAMClient), {
    accountOf: accountOfCredentials,
    onCommand: async () => {
      await delay();
      maybeThrottle('iam');
    },
  });
  const logs = installLogsMock(world.logs, world.defaultAccount, { accountOf: accountOfCredentials });
  const ec2 = installEc2Mock(world.ec2, undefined, { accountOf: accountOfCredentials });
  const apigateway = installApiGatewayMock(world.apigateway, { accountOf: accountOfCredentials });
  const unreachable = new Set(options.unreachable ?? []);
  const assumeRoleCalls: { roleArn: string; sessionName: string }[] = [];
  const sts = mockClient(STSClient);
  sts.on(AssumeRoleCommand).callsFake(async (input: { RoleArn?: string; RoleSessionName?: string }) => {
    const roleArn = input.RoleArn ?? '';
    assumeRoleCalls.push({ roleArn, sessionName: input.RoleSessionName ?? '' });
    await delay();
    const account = /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(roleArn)?.[1];
    if (account === undefined || unreachable.has(account)) {
      throw new STSServiceException({ name: 'AccessDenied', message: `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, $fault: 'client', $metadata: { httpStatusCode: 403 } });
    }
    return {
      Credentials: { AccessKeyId: `ASIA${account}`, SecretAccessKey: 'in-memory', SessionToken: 'in-memory', Expiration: new Date(Date.now() + 3_600_000) },
      AssumedRoleUser: { Arn: `arn:aws:sts::${account}:assumed-role/${roleArn.split('/').pop() ?? ''}/${input.RoleSessionName ?? ''}`, AssumedRoleId: `AROA:${input.RoleSessionName ?? ''}` },
    };
  });
  return {
    lambda,
    iam,
    logs,
    ec2,
    apigateway,
    assumeRoleCalls,
    throttled: () => throttled,
    callCounts: () => {
      const counts: Record<string, number> = {};
      for (const c of lambda.calls) counts[`lambda:${c.command}`] = (counts[`lambda:${c.command}`] ?? 0) + 1;
      for (const c of iam.calls) counts[`iam:${c.command}`] = (counts[`iam:${c.command}`] ?? 0) + 1;
      for (const c of logs.calls) counts[`logs:${c.command}`] = (counts[`logs:${c.command}`] ?? 0) + 1;
      for (const c of ec2.calls) counts[`ec2:${c.command}`] = (counts[`ec2:${c.command}`] ?? 0) + 1;
      for (const c of apigateway.calls) counts[`apigateway:${c.command}`] = (counts[`apigateway:${c.command}`] ?? 0) + 1;
      counts['sts:AssumeRole'] = assumeRoleCalls.length;
      return counts;
    },
    restore: () => {
      lambda.mock.restore();
      iam.mock.restore();
      logs.mock.restore();
      ec2.mock.restore();
      apigateway.restore();
      sts.restore();
    },
  };
}
