import {
  AddLayerVersionPermissionCommand,
  AddPermissionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  GetLayerVersionPolicyCommand,
  GetPolicyCommand,
  LambdaClient,
  ListTagsCommand,
  PreconditionFailedException,
  PutFunctionConcurrencyCommand,
  RemoveLayerVersionPermissionCommand,
  RemovePermissionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  TagResourceCommand,
  TooManyRequestsException,
  UntagResourceCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LambdaStateReader } from '../../functions/shared/aws/lambda-state-reader';
import { removeFunctionPermission } from '../../functions/shared/remediation/actions/remove-function-permission';
import { removeLayerVersionPermission } from '../../functions/shared/remediation/actions/remove-layer-version-permission';
import { setFunctionUrlAuthIam } from '../../functions/shared/remediation/actions/set-function-url-auth-iam';
import { parsePolicyText, type FunctionRef, type FunctionStatePart, type LayerVersionRef } from '../../functions/shared/state/resources';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../../sim/lambda-mock';
import type { StateFileInput } from '../../sim/state-file';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, LAYER_ARN, LAYER_NAME, LAYER_VERSION, REGION } from '../fixtures/accounts';

const fn: FunctionRef = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME };
const bare: FunctionRef = { ...fn, functionName: 'bare-function' };
const missing: FunctionRef = { ...fn, functionName: 'no-such-function' };
const layer: LayerVersionRef = { kind: 'lambda-layer-version', account: ACCOUNT, region: REGION, layerName: LAYER_NAME, version: LAYER_VERSION };
const OTHER_REGION = 'eu-west-1';

const publicStatement = { Sid: 'public', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN } as const;
const partnerStatement = { Sid: 'partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` }, Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN } as const;

const STATE: StateFileInput = {
  functions: [
    {
      Account: ACCOUNT,
      Region: REGION,
      Configuration: { FunctionName: FUNCTION_NAME, Runtime: 'nodejs20.x', Role: `arn:aws:iam::${ACCOUNT}:role/orders`, Handler: 'index.handler', Environment: { Variables: { STAGE: 'prod' } } },
      Policy: { Version: '2012-10-17', Id: 'default', Statement: [publicStatement, partnerStatement] },
      UrlConfig: { FunctionUrl: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/', AuthType: 'NONE' },
      Tags: { team: 'orders' },
      Qualifiers: { live: { Policy: { Version: '2012-10-17', Id: 'default', Statement: [{ ...publicStatement, Resource: `${FUNCTION_ARN}:live` }] } } },
    },
    { Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: 'bare-function' } },
    { Account: ACCOUNT, Region: OTHER_REGION, Configuration: { FunctionName: 'bare-function', Runtime: 'python3.12' } },
  ],
  layers: [
    {
      Account: ACCOUNT,
      Region: REGION,
      LayerVersionArn: `${LAYER_ARN}:${LAYER_VERSION}`,
      Policy: { Version: '2012-10-17', Id: 'default', Statement: [{ Sid: 'public', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion', Resource: `${LAYER_ARN}:${LAYER_VERSION}` }] },
    },
    { Account: ACCOUNT, Region: REGION, LayerVersionArn: `${LAYER_ARN}:1`, Policy: null },
  ],
};

describe('installLambdaMock', () => {
  let account: InMemoryAccount;
  let lambda: LambdaMockHandle;
  let client: LambdaClient;

  beforeEach(() => {
    account = InMemoryAccount.fromStateFile(STATE, { defaultAccount: ACCOUNT });
    lambda = installLambdaMock(account);
    client = new LambdaClient({ region: REGION, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-a-secret' } });
  });

  afterEach(() => {
    lambda.mock.restore();
  });

  describe('with LambdaStateReader', () => {
    const reader = (): LambdaStateReader => new LambdaStateReader(() => client);
    const ALL: readonly FunctionStatePart[] = ['configuration', 'policy', 'urlConfig', 'tags'];

    it('reads the snapshot of a seeded function', async () => {
      const snapshot = await reader().readFunction(fn, ALL);
      expect(snapshot.arn).toBe(FUNCTION_ARN);
      expect(snapshot.configuration).toMatchObject({ FunctionName: FUNCTION_NAME, FunctionArn: FUNCTION_ARN, Runtime: 'nodejs20.x', Environment: { Variables: { STAGE: 'prod' } } });
      expect(snapshot.policy).toEqual({ Version: '2012-10-17', Id: 'default', Statement: [publicStatement, partnerStatement] });
      expect(snapshot.urlConfig).toMatchObject({ AuthType: 'NONE', FunctionArn: FUNCTION_ARN });
      expect(snapshot.tags).toEqual({ team: 'orders' });
    });

    it('reads null for a missing policy and URL', async () => {
      const snapshot = await reader().readFunction(bare, ALL);
      expect(snapshot).toMatchObject({ policy: null, urlConfig: null, tags: {} });
      expect(snapshot.configuration).toMatchObject({ FunctionName: 'bare-function' });
    });

    it('reads null for every part of a missing function', async () => {
      expect(await reader().readFunction(missing, ALL)).toMatchObject({ configuration: null, policy: null, urlConfig: null, tags: null });
    });

    it('reads only the parts asked for', async () => {
      await reader().readFunction(fn, ['policy']);
      expect(lambda.calls.map((c) => c.command)).toEqual(['GetPolicy']);
    });

    it('reads the policy of an alias', async () => {
      const snapshot = await reader().readFunction({ ...fn, qualifier: 'live' }, ['policy', 'configuration']);
      expect(snapshot.policy?.Statement).toEqual([{ ...publicStatement, Resource: `${FUNCTION_ARN}:live` }]);
      expect(snapshot.configuration).toMatchObject({ FunctionArn: `${FUNCTION_ARN}:live`, Version: '$LATEST' });
    });

    it('reads a layer version policy, and null for none', async () => {
      expect((await reader().readLayerVersion(layer)).policy?.Statement).toEqual([expect.objectContaining({ Sid: 'public', Principal: '*' })]);
      expect((await reader().readLayerVersion({ ...layer, version: 1 })).policy).toBeNull();
      expect((await reader().readLayerVersion({ ...layer, version: 99 })).policy).toBeNull();
    });

    it.each<[string, FunctionRef, readonly FunctionStatePart[]]>([
      ['a seeded function', fn, ALL],
      ['a function without policy', bare, ALL],
      ['a missing function', missing, ALL],
      ['an alias', { ...fn, qualifier: 'live' }, ALL],
      ['a missing alias', { ...fn, qualifier: 'beta' }, ALL],
      ['one part', fn, ['urlConfig']],
    ])('gives the same snapshot as reader() for %s', async (_case, ref, parts) => {
      expect(await account.reader().readFunction(ref, parts)).toEqual(await reader().readFunction(ref, parts));
    });

    it.each([LAYER_VERSION, 1, 99])('gives the same layer snapshot as reader() for version %s', async (version) => {
      const ref = { ...layer, version };
      expect(await account.reader().readLayerVersion(ref)).toEqual(await reader().readLayerVersion(ref));
    });
  });

  describe('errors', () => {
    it('throws ResourceNotFoundException naming a missing function', async () => {
      const error = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'arn:aws:lambda:us-east-1:111122223333:function:no-such-function' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error).toMatchObject({ name: 'ResourceNotFoundException', message: 'Function not found: arn:aws:lambda:us-east-1:111122223333:function:no-such-function' });
    });

    it.each<[string, () => Promise<unknown>]>([
      ['GetPolicy', () => client.send(new GetPolicyCommand({ FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:bare-function` }))],
      ['GetFunctionUrlConfig', () => client.send(new GetFunctionUrlConfigCommand({ FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:bare-function` }))],
      ['GetLayerVersionPolicy', () => client.send(new GetLayerVersionPolicyCommand({ LayerName: LAYER_ARN, VersionNumber: 1 }))],
    ])('throws ResourceNotFoundException from %s when there is none', async (_name, send) => {
      const error = await send().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error).toMatchObject({ message: 'The resource you requested does not exist.' });
    });

    it('throws ResourceNotFoundException for an unknown statement id', async () => {
      const error = await client.send(new RemovePermissionCommand({ FunctionName: FUNCTION_ARN, StatementId: 'nope' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error).toMatchObject({ message: 'Statement nope is not found in resource policy.' });
    });

    it('throws ResourceConflictException for a statement id in use', async () => {
      const error = await client.send(new AddPermissionCommand({ FunctionName: FUNCTION_ARN, StatementId: 'public', Action: 'lambda:InvokeFunction', Principal: '*' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceConflictException);
      expect(account.lambda.policyDocument(fn)?.Statement).toHaveLength(2);
    });

    it('throws PreconditionFailedException for a stale revision id', async () => {
      const { RevisionId } = await client.send(new GetPolicyCommand({ FunctionName: FUNCTION_ARN }));
      await client.send(new AddPermissionCommand({ FunctionName: FUNCTION_ARN, StatementId: 'new', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }));
      const error = await client.send(new RemovePermissionCommand({ FunctionName: FUNCTION_ARN, StatementId: 'public', RevisionId })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PreconditionFailedException);
      expect(account.lambda.policyDocument(fn)?.Statement).toHaveLength(3);
    });
  });

  describe('function policies', () => {
    it('removes exactly one statement', async () => {
      const { RevisionId } = await client.send(new GetPolicyCommand({ FunctionName: FUNCTION_ARN }));
      await client.send(new RemovePermissionCommand({ FunctionName: FUNCTION_ARN, StatementId: 'public', RevisionId }));
      const out = await client.send(new GetPolicyCommand({ FunctionName: FUNCTION_ARN }));
      expect(parsePolicyText(out.Policy ?? '').Statement).toEqual([partnerStatement]);
      expect(out.RevisionId).not.toBe(RevisionId);
    });

    it('removes the policy with its last statement', async () => {
      await client.send(new RemovePermissionCommand({ FunctionName: FUNCTION_ARN, StatementId: 'public' }));
      await client.send(new RemovePermissionCommand({ FunctionName: FUNCTION_ARN, StatementId: 'partner' }));
      await expect(client.send(new GetPolicyCommand({ FunctionName: FUNCTION_ARN }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('adds a statement and answers with it as JSON text', async () => {
      const out = await client.send(
        new AddPermissionCommand({ FunctionName: 'bare-function', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::uploads', SourceAccount: ACCOUNT }),
      );
      const added = {
        Sid: 's3',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:bare-function`,
        Condition: { StringEquals: { 'AWS:SourceAccount': ACCOUNT }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' } },
      };
      expect(JSON.parse(out.Statement ?? '')).toEqual(added);
      expect(account.lambda.policyDocument(bare)?.Statement).toEqual([added]);
    });

    it('resolves a bare name in the client region and the default account', async () => {
      const elsewhere = new LambdaClient({ region: OTHER_REGION });
      const out = await elsewhere.send(new GetFunctionConfigurationCommand({ FunctionName: 'bare-function' }));
      expect(out).toMatchObject({ FunctionArn: `arn:aws:lambda:${OTHER_REGION}:${ACCOUNT}:function:bare-function`, Runtime: 'python3.12' });
    });

    it('takes account and region from a full ARN, whatever the client region', async () => {
      const elsewhere = new LambdaClient({ region: OTHER_REGION });
      const out = await elsewhere.send(new GetFunctionCommand({ FunctionName: FUNCTION_ARN }));
      expect(out).toMatchObject({ Configuration: { FunctionArn: FUNCTION_ARN }, Tags: { team: 'orders' } });
    });
  });

  describe('other commands', () => {
    it('switches a URL to AWS_IAM and deletes it', async () => {
      const out = await client.send(new UpdateFunctionUrlConfigCommand({ FunctionName: FUNCTION_ARN, AuthType: 'AWS_IAM' }));
      expect(out).toMatchObject({ AuthType: 'AWS_IAM', FunctionArn: FUNCTION_ARN });
      expect(account.lambda.urlConfig(fn)?.AuthType).toBe('AWS_IAM');
      await client.send(new DeleteFunctionUrlConfigCommand({ FunctionName: FUNCTION_ARN }));
      expect(account.lambda.urlConfig(fn)).toBeNull();
      await expect(client.send(new UpdateFunctionUrlConfigCommand({ FunctionName: FUNCTION_ARN, AuthType: 'AWS_IAM' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('adds and removes layer version statements', async () => {
      const out = await client.send(new AddLayerVersionPermissionCommand({ LayerName: LAYER_NAME, VersionNumber: LAYER_VERSION, StatementId: 'org', Action: 'lambda:GetLayerVersion', Principal: '*', OrganizationId: 'o-a1b2c3d4e5' }));
      expect(JSON.parse(out.Statement ?? '')).toEqual({
        Sid: 'org',
        Effect: 'Allow',
        Principal: '*',
        Action: 'lambda:GetLayerVersion',
        Resource: `${LAYER_ARN}:${LAYER_VERSION}`,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      });
      await client.send(new RemoveLayerVersionPermissionCommand({ LayerName: LAYER_ARN, VersionNumber: LAYER_VERSION, StatementId: 'public', RevisionId: out.RevisionId }));
      expect(account.lambda.layerPolicyDocument(layer)?.Statement).toEqual([expect.objectContaining({ Sid: 'org' })]);
    });

    it('updates the configuration', async () => {
      const out = await client.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: FUNCTION_ARN, Environment: { Variables: {} }, Layers: [`${LAYER_ARN}:3`], KMSKeyArn: '' }),
      );
      expect(out).toMatchObject({ Environment: { Variables: {} }, Layers: [{ Arn: `${LAYER_ARN}:3` }], Runtime: 'nodejs20.x' });
      expect(account.lambda.getFunctionConfiguration(fn)).toMatchObject({ Environment: { Variables: {} }, RevisionId: out.RevisionId });
    });

    it('sets and deletes reserved concurrency', async () => {
      expect(await client.send(new PutFunctionConcurrencyCommand({ FunctionName: FUNCTION_ARN, ReservedConcurrentExecutions: 0 }))).toEqual({ ReservedConcurrentExecutions: 0 });
      expect((await client.send(new GetFunctionCommand({ FunctionName: FUNCTION_ARN }))).Concurrency).toEqual({ ReservedConcurrentExecutions: 0 });
      await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: FUNCTION_ARN }));
      expect(account.lambda.getReservedConcurrency(fn)).toBeUndefined();
    });

    it('tags and untags', async () => {
      await client.send(new TagResourceCommand({ Resource: FUNCTION_ARN, Tags: { 'warden:exempt': 'function-url-public' } }));
      await client.send(new UntagResourceCommand({ Resource: FUNCTION_ARN, TagKeys: ['team'] }));
      expect((await client.send(new ListTagsCommand({ Resource: FUNCTION_ARN }))).Tags).toEqual({ 'warden:exempt': 'function-url-public' });
    });
  });

  describe('call log and hook', () => {
    it('records each command with its input', async () => {
      await client.send(new GetPolicyCommand({ FunctionName: FUNCTION_ARN, Qualifier: 'live' }));
      await client.send(new ListTagsCommand({ Resource: FUNCTION_ARN }));
      expect(lambda.calls).toEqual([
        { command: 'GetPolicy', input: { FunctionName: FUNCTION_ARN, Qualifier: 'live' } },
        { command: 'ListTags', input: { Resource: FUNCTION_ARN } },
      ]);
      expect(lambda.callsOf('ListTags')).toHaveLength(1);
      lambda.clearCalls();
      expect(lambda.calls).toEqual([]);
    });

    it('lets a hook throttle a command before it changes anything', async () => {
      lambda.mock.restore();
      lambda = installLambdaMock(account, undefined, {
        onCommand: (command) => {
          if (command === 'RemovePermission') throw new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {}, Reason: 'CallerRateLimitExceeded' });
        },
      });
      await expect(client.send(new RemovePermissionCommand({ FunctionName: FUNCTION_ARN, StatementId: 'public' }))).rejects.toBeInstanceOf(TooManyRequestsException);
      expect(account.lambda.policyDocument(fn)?.Statement).toHaveLength(2);
      expect(lambda.callsOf('RemovePermission')).toHaveLength(1);
    });
  });

  describe('remediation actions', () => {
    it('remove-function-permission leaves only the other statements', async () => {
      const outcome = await removeFunctionPermission.execute({ lambda: client }, { functionName: FUNCTION_ARN, statementId: 'public' });
      expect(outcome).toMatchObject({ status: 'remediated', verified: true });
      expect(account.lambda.policyDocument(fn)?.Statement).toEqual([partnerStatement]);
    });

    it('set-function-url-auth-iam leaves the URL with AWS_IAM', async () => {
      const outcome = await setFunctionUrlAuthIam.execute({ lambda: client }, { functionName: FUNCTION_ARN, authType: 'AWS_IAM' });
      expect(outcome).toMatchObject({ status: 'remediated', verified: true });
      expect(account.lambda.urlConfig(fn)?.AuthType).toBe('AWS_IAM');
    });

    it('remove-layer-version-permission removes the last statement and the policy with it', async () => {
      const outcome = await removeLayerVersionPermission.execute({ lambda: client }, { layerName: LAYER_ARN, versionNumber: LAYER_VERSION, statementId: 'public' });
      expect(outcome).toMatchObject({ status: 'remediated', verified: true });
      expect(account.lambda.layerPolicyDocument(layer)).toBeNull();
    });
  });
});
