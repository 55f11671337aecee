import { describe, expect, it } from 'vitest';
import type { CloudTrailEvent } from '../../functions/shared/event/cloudtrail-event';
import type { FunctionRef, LayerVersionRef, PolicyStatement } from '../../functions/shared/state/resources';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { ACCOUNT, FOREIGN_ACCOUNT, FUNCTION_ARN, FUNCTION_NAME, LAYER_ARN, LAYER_NAME, LAYER_VERSION, ORG_ID, REGION } from '../fixtures/accounts';
import { addLayerVersionPermissionEvent, addPermissionEvent, cloudTrailEvent, createFunctionUrlConfigEvent, lambdaEvent } from '../fixtures/cloudtrail';

const fn: FunctionRef = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME };
const layer: LayerVersionRef = { kind: 'lambda-layer-version', account: ACCOUNT, region: REGION, layerName: LAYER_NAME, version: LAYER_VERSION };
const ROLE = `arn:aws:iam::${ACCOUNT}:role/orders-api-role`;

/** An account holding `orders-api` (default configuration) and layer version 3 of `orders-common`. */
function accountWithFunction(): InMemoryAccount {
  const account = new InMemoryAccount({ defaultAccount: ACCOUNT, clock: () => new Date('2025-03-01T00:00:00Z') });
  account.lambda.createFunction(fn);
  account.lambda.publishLayerVersion(layer, {}, LAYER_VERSION);
  return account;
}

function statementsOf(account: InMemoryAccount, ref: FunctionRef = fn): PolicyStatement[] {
  const document = account.lambda.policyDocument(ref);
  if (document === null) return [];
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

function addPermission(params: Record<string, unknown>, responseElements: Record<string, unknown> | null = null): CloudTrailEvent {
  return lambdaEvent('AddPermission', { functionName: FUNCTION_ARN, action: 'lambda:InvokeFunction', ...params }, { responseElements });
}

describe('InMemoryAccount', () => {
  describe('CreateFunction', () => {
    const event = lambdaEvent(
      'CreateFunction',
      {
        functionName: FUNCTION_NAME,
        runtime: 'python3.12',
        role: ROLE,
        handler: 'app.handler',
        code: { s3Bucket: 'deploy-bucket', s3Key: 'orders.zip' },
        environment: {},
        kMSKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        layers: [`${LAYER_ARN}:3`],
        vpcConfig: { subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'] },
        tags: { team: 'orders' },
        publish: false,
      },
      {
        responseElements: {
          functionName: FUNCTION_NAME,
          functionArn: FUNCTION_ARN,
          runtime: 'python3.12',
          role: ROLE,
          handler: 'app.handler',
          codeSize: 2048,
          timeout: 30,
          memorySize: 256,
          lastModified: '2025-03-14T09:26:53.000+0000',
          codeSha256: 'k1mfQ+2ar1eB0qQ1HUcCYtKMY5h6R7rA0sFq0j0yVzQ=',
          version: '$LATEST',
          vpcConfig: { subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'], vpcId: 'vpc-0a1b2c3d' },
          kMSKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
          layers: [{ arn: `${LAYER_ARN}:3`, codeSize: 512 }],
          state: 'Pending',
          packageType: 'Zip',
        },
      },
    );

    it('creates the function with the configuration CloudTrail recorded', () => {
      const account = new InMemoryAccount();
      expect(account.applyEvent(event)).toMatchObject({ applied: true, eventName: 'CreateFunction' });
      const configuration = account.lambda.getFunctionConfiguration(fn);
      expect(configuration).toMatchObject({
        FunctionName: FUNCTION_NAME,
        FunctionArn: FUNCTION_ARN,
        Runtime: 'python3.12',
        Role: ROLE,
        Handler: 'app.handler',
        Timeout: 30,
        MemorySize: 256,
        CodeSha256: 'k1mfQ+2ar1eB0qQ1HUcCYtKMY5h6R7rA0sFq0j0yVzQ=',
        KMSKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        Layers: [{ Arn: `${LAYER_ARN}:3`, CodeSize: 512 }],
        VpcConfig: { SubnetIds: ['subnet-0a1b2c3d'], SecurityGroupIds: ['sg-0a1b2c3d'], VpcId: 'vpc-0a1b2c3d' },
        Version: '$LATEST',
        LastModified: '2025-03-14T09:26:53.000+0000',
      });
      expect(configuration.Environment).toBeUndefined();
      expect(account.lambda.listTags(fn)).toEqual({ team: 'orders' });
    });

    it('keeps environment variables only when the record carries readable values', () => {
      const account = new InMemoryAccount();
      account.applyEvent(lambdaEvent('CreateFunction', { functionName: FUNCTION_NAME, role: ROLE, environment: { variables: { STAGE: 'prod' } } }));
      expect(account.lambda.getFunctionConfiguration(fn).Environment).toEqual({ Variables: { STAGE: 'prod' } });
    });

    it('publishes version 1 when asked to', () => {
      const account = new InMemoryAccount();
      account.applyEvent(lambdaEvent('CreateFunction', { functionName: FUNCTION_NAME, role: ROLE, publish: true }, { responseElements: { version: '1' } }));
      expect(account.lambda.getFunctionConfiguration({ ...fn, qualifier: '1' })).toMatchObject({ Version: '1', FunctionArn: `${FUNCTION_ARN}:1` });
    });
  });

  describe('UpdateFunctionConfiguration', () => {
    it('changes the fields the request names and keeps redacted variables', () => {
      const account = accountWithFunction();
      account.lambda.updateFunctionConfiguration(fn, { Environment: { Variables: { STAGE: 'prod' } }, Layers: [{ Arn: `${LAYER_ARN}:2` }] });
      account.applyEvent(
        lambdaEvent(
          'UpdateFunctionConfiguration',
          { functionName: FUNCTION_ARN, role: `arn:aws:iam::${ACCOUNT}:role/admin`, runtime: 'nodejs20.x', environment: {}, layers: [] },
          { responseElements: { functionName: FUNCTION_NAME, role: `arn:aws:iam::${ACCOUNT}:role/admin`, runtime: 'nodejs20.x', revisionId: 'from-cloudtrail' } },
        ),
      );
      const configuration = account.lambda.getFunctionConfiguration(fn);
      expect(configuration).toMatchObject({ Role: `arn:aws:iam::${ACCOUNT}:role/admin`, Runtime: 'nodejs20.x', Environment: { Variables: { STAGE: 'prod' } } });
      expect(configuration.Layers).toBeUndefined();
      expect(configuration.LastModified).toBe('2025-03-14T09:26:53.000+0000');
    });

    it('applies the change to the function when the request names a version', () => {
      const account = accountWithFunction();
      account.applyEvent(lambdaEvent('UpdateFunctionConfiguration20150331', { functionName: `${FUNCTION_ARN}:7`, handler: 'other.handler' }));
      expect(account.lambda.getFunctionConfiguration(fn).Handler).toBe('other.handler');
    });
  });

  describe('UpdateFunctionCode', () => {
    it('records the new code and publishes a version when asked to', () => {
      const account = accountWithFunction();
      const outcome = account.applyEvent(
        lambdaEvent('UpdateFunctionCode', { functionName: FUNCTION_NAME, publish: true }, { responseElements: { codeSha256: 'bmV3IGNvZGU=', codeSize: 4096, version: '4' } }),
      );
      expect(outcome.applied).toBe(true);
      expect(account.lambda.getFunctionConfiguration(fn)).toMatchObject({ CodeSha256: 'bmV3IGNvZGU=', CodeSize: 4096, Version: '$LATEST' });
      expect(account.lambda.getFunctionConfiguration({ ...fn, qualifier: '4' })).toMatchObject({ CodeSha256: 'bmV3IGNvZGU=', Version: '4' });
    });

    it('changes nothing on a dry run', () => {
      const account = accountWithFunction();
      const before = account.toStateFile();
      expect(account.applyEvent(lambdaEvent('UpdateFunctionCode', { functionName: FUNCTION_NAME, dryRun: true }, { responseElements: { codeSha256: 'eA==' } })).applied).toBe(false);
      expect(account.toStateFile()).toEqual(before);
    });
  });

  describe('DeleteFunction', () => {
    it('deletes the function', () => {
      const account = accountWithFunction();
      account.applyEvent(lambdaEvent('DeleteFunction', { functionName: FUNCTION_NAME }));
      expect(account.lambda.hasFunction(fn)).toBe(false);
    });

    it('deletes only the version a qualifier names', () => {
      const account = accountWithFunction();
      account.lambda.publishVersion(fn);
      account.applyEvent(lambdaEvent('DeleteFunction', { functionName: FUNCTION_NAME, qualifier: '1' }));
      expect(account.lambda.hasFunction(fn)).toBe(true);
      expect(account.lambda.hasQualified({ ...fn, qualifier: '1' })).toBe(false);
    });
  });

  describe('AddPermission', () => {
    it.each<[string, Record<string, unknown>, PolicyStatement]>([
      ['anyone', { statementId: 'public', principal: '*' }, { Sid: 'public', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN }],
      [
        'an account id',
        { statementId: 'partner', principal: FOREIGN_ACCOUNT },
        { Sid: 'partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` }, Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN },
      ],
      [
        'a role ARN',
        { statementId: 'role', principal: `arn:aws:iam::${FOREIGN_ACCOUNT}:role/caller` },
        { Sid: 'role', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:role/caller` }, Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN },
      ],
      [
        'a service with source ARN and account',
        { statementId: 's3', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads', sourceAccount: ACCOUNT },
        {
          Sid: 's3',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: FUNCTION_ARN,
          Condition: { StringEquals: { 'AWS:SourceAccount': ACCOUNT }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::orders-uploads' } },
        },
      ],
      [
        'the organization',
        { statementId: 'org', principal: '*', principalOrgID: ORG_ID },
        { Sid: 'org', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } } },
      ],
      [
        'a public function URL',
        { statementId: 'url', principal: '*', action: 'lambda:InvokeFunctionUrl', functionUrlAuthType: 'NONE' },
        {
          Sid: 'url',
          Effect: 'Allow',
          Principal: '*',
          Action: 'lambda:InvokeFunctionUrl',
          Resource: FUNCTION_ARN,
          Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
        },
      ],
      [
        'an Alexa skill token',
        { statementId: 'alexa', principal: 'alexa-appkit.amazon.com', eventSourceToken: 'amzn1.ask.skill.1' },
        {
          Sid: 'alexa',
          Effect: 'Allow',
          Principal: { Service: 'alexa-appkit.amazon.com' },
          Action: 'lambda:InvokeFunction',
          Resource: FUNCTION_ARN,
          Condition: { StringEquals: { 'lambda:EventSourceToken': 'amzn1.ask.skill.1' } },
        },
      ],
    ])('builds the statement Lambda adds for %s', (_case, params, expected) => {
      const account = accountWithFunction();
      expect(account.applyEvent(addPermission(params)).applied).toBe(true);
      expect(statementsOf(account)).toEqual([expected]);
      expect(account.lambda.policyDocument(fn)).toMatchObject({ Version: '2012-10-17', Id: 'default' });
    });

    it('adds the statement to the alias a qualifier names, with the qualified ARN', () => {
      const account = accountWithFunction();
      account.lambda.putAlias(fn, 'live');
      account.applyEvent(addPermission({ statementId: 'live', principal: '*', qualifier: 'live' }));
      expect(statementsOf(account)).toEqual([]);
      expect(statementsOf(account, { ...fn, qualifier: 'live' })).toEqual([
        { Sid: 'live', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: `${FUNCTION_ARN}:live` },
      ]);
    });

    it('prefers the statement CloudTrail recorded in responseElements', () => {
      const account = accountWithFunction();
      const recorded = { Sid: 'apigw', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN, Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:execute-api:us-east-1::*' } } };
      account.applyEvent(addPermission({ statementId: 'apigw', principal: 'apigateway.amazonaws.com' }, { statement: JSON.stringify(recorded) }));
      expect(statementsOf(account)).toEqual([recorded]);
    });

    it('builds the statement when the recorded one is not a statement', () => {
      const account = accountWithFunction();
      account.applyEvent(addPermission({ statementId: 'public', principal: '*' }, { statement: '{}' }));
      expect(statementsOf(account)).toEqual([{ Sid: 'public', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN }]);
    });

    it.each(['AddPermission20150331', 'AddPermission20150331v2'])('applies the %s spelling', (eventName) => {
      const account = accountWithFunction();
      account.applyEvent(cloudTrailEvent('lambda.amazonaws.com', eventName, { functionName: FUNCTION_NAME, statementId: 'x', action: 'lambda:InvokeFunction', principal: '*' }));
      expect(statementsOf(account).map((s) => s.Sid)).toEqual(['x']);
    });

    it('applies the shared fixture event as recorded', () => {
      const account = accountWithFunction();
      account.applyEvent(addPermissionEvent({ statementId: 'partner', principal: FOREIGN_ACCOUNT }));
      expect(statementsOf(account)).toEqual([
        { Sid: 'partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` }, Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN },
      ]);
    });

    it('resolves a full ARN of another account to that account', () => {
      const account = new InMemoryAccount();
      const other = { ...fn, account: FOREIGN_ACCOUNT };
      account.lambda.createFunction(other);
      account.applyEvent(addPermission({ functionName: `arn:aws:lambda:${REGION}:${FOREIGN_ACCOUNT}:function:${FUNCTION_NAME}`, statementId: 'x', principal: '*' }));
      expect(statementsOf(account, other).map((s) => s.Resource)).toEqual([`arn:aws:lambda:${REGION}:${FOREIGN_ACCOUNT}:function:${FUNCTION_NAME}`]);
    });

    it('resolves a partial ARN', () => {
      const account = accountWithFunction();
      account.applyEvent(addPermission({ functionName: `${ACCOUNT}:function:${FUNCTION_NAME}`, statementId: 'x', principal: '*' }));
      expect(statementsOf(account).map((s) => s.Sid)).toEqual(['x']);
    });
  });

  describe('RemovePermission', () => {
    it('removes exactly the named statement', () => {
      const account = accountWithFunction();
      account.applyEvent(addPermission({ statementId: 'a', principal: '*' }));
      account.applyEvent(addPermission({ statementId: 'b', principal: FOREIGN_ACCOUNT }));
      account.applyEvent(lambdaEvent('RemovePermission', { functionName: FUNCTION_NAME, statementId: 'a' }));
      expect(statementsOf(account).map((s) => s.Sid)).toEqual(['b']);
    });

    it('removes the policy with its last statement', () => {
      const account = accountWithFunction();
      account.applyEvent(addPermission({ statementId: 'a', principal: '*' }));
      account.applyEvent(lambdaEvent('RemovePermission', { functionName: FUNCTION_NAME, statementId: 'a' }));
      expect(account.lambda.policyDocument(fn)).toBeNull();
    });

    it('reports an unknown statement id as not applied', () => {
      const account = accountWithFunction();
      expect(account.applyEvent(lambdaEvent('RemovePermission', { functionName: FUNCTION_NAME, statementId: 'nope' }))).toMatchObject({
        applied: false,
        detail: expect.stringContaining('ResourceNotFoundException') as unknown,
      });
    });
  });

  describe('function URLs', () => {
    it('creates the URL config CloudTrail recorded', () => {
      const account = accountWithFunction();
      const event = createFunctionUrlConfigEvent({ functionName: FUNCTION_NAME, authType: 'NONE' });
      account.applyEvent(event);
      expect(account.lambda.urlConfig(fn)).toMatchObject({
        AuthType: 'NONE',
        FunctionUrl: event.detail.responseElements?.functionUrl,
        FunctionArn: FUNCTION_ARN,
        InvokeMode: 'BUFFERED',
      });
    });

    it('keeps CORS settings in API spelling', () => {
      const account = accountWithFunction();
      account.applyEvent(lambdaEvent('CreateFunctionUrlConfig', { functionName: FUNCTION_NAME, authType: 'AWS_IAM', cors: { allowOrigins: ['*'], maxAge: 60 } }));
      expect(account.lambda.urlConfig(fn)?.Cors).toEqual({ AllowOrigins: ['*'], MaxAge: 60 });
    });

    it('switches the auth type on UpdateFunctionUrlConfig and deletes on DeleteFunctionUrlConfig', () => {
      const account = accountWithFunction();
      account.applyEvent(lambdaEvent('CreateFunctionUrlConfig', { functionName: FUNCTION_NAME, authType: 'AWS_IAM' }));
      const created = account.lambda.urlConfig(fn);
      account.applyEvent(lambdaEvent('UpdateFunctionUrlConfig', { functionName: FUNCTION_NAME, authType: 'NONE' }));
      expect(account.lambda.urlConfig(fn)).toMatchObject({ AuthType: 'NONE', FunctionUrl: created?.FunctionUrl, CreationTime: created?.CreationTime });
      account.applyEvent(lambdaEvent('DeleteFunctionUrlConfig', { functionName: FUNCTION_NAME }));
      expect(account.lambda.urlConfig(fn)).toBeNull();
    });

    it('keeps URLs per qualifier', () => {
      const account = accountWithFunction();
      account.lambda.putAlias(fn, 'live');
      account.applyEvent(lambdaEvent('CreateFunctionUrlConfig', { functionName: FUNCTION_NAME, qualifier: 'live', authType: 'NONE' }));
      expect(account.lambda.urlConfig(fn)).toBeNull();
      expect(account.lambda.urlConfig({ ...fn, qualifier: 'live' })).toMatchObject({ AuthType: 'NONE', FunctionArn: `${FUNCTION_ARN}:live` });
    });
  });

  describe('layers', () => {
    it('publishes the layer version CloudTrail recorded', () => {
      const account = new InMemoryAccount();
      account.applyEvent(
        lambdaEvent(
          'PublishLayerVersion',
          { layerName: LAYER_NAME, description: 'shared code', compatibleRuntimes: ['nodejs22.x'] },
          { responseElements: { layerArn: LAYER_ARN, layerVersionArn: `${LAYER_ARN}:7`, version: 7, description: 'shared code' } },
        ),
      );
      expect(account.lambda.hasLayerVersion({ ...layer, version: 7 })).toBe(true);
      expect(account.lambda.layerVersionDetails({ ...layer, version: 7 })).toMatchObject({ Description: 'shared code', CompatibleRuntimes: ['nodejs22.x'], Version: 7 });
    });

    it('numbers a layer version after the existing ones when the record has no response', () => {
      const account = accountWithFunction();
      account.applyEvent(lambdaEvent('PublishLayerVersion', { layerName: LAYER_NAME }));
      expect(account.lambda.hasLayerVersion({ ...layer, version: LAYER_VERSION + 1 })).toBe(true);
    });

    it.each<[string, { principal: string; organizationId?: string }, PolicyStatement]>([
      ['anyone', { principal: '*' }, { Sid: 's', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion', Resource: `${LAYER_ARN}:3` }],
      [
        'an account',
        { principal: FOREIGN_ACCOUNT },
        { Sid: 's', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` }, Action: 'lambda:GetLayerVersion', Resource: `${LAYER_ARN}:3` },
      ],
      [
        'an organization',
        { principal: '*', organizationId: ORG_ID },
        { Sid: 's', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion', Resource: `${LAYER_ARN}:3`, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } } },
      ],
    ])('builds the layer statement Lambda adds for %s', (_case, params, expected) => {
      const account = accountWithFunction();
      account.applyEvent(lambdaEvent('AddLayerVersionPermission', { layerName: LAYER_NAME, versionNumber: LAYER_VERSION, statementId: 's', action: 'lambda:GetLayerVersion', ...params }));
      expect(account.lambda.layerPolicyDocument(layer)).toEqual({ Version: '2012-10-17', Id: 'default', Statement: [expected] });
    });

    it('applies a layer permission named by layer ARN and removes it again', () => {
      const account = accountWithFunction();
      account.applyEvent(addLayerVersionPermissionEvent({ layerName: LAYER_ARN, statementId: 'public', principal: '*' }));
      account.applyEvent(addLayerVersionPermissionEvent({ layerName: LAYER_ARN, statementId: 'partner', principal: FOREIGN_ACCOUNT }));
      account.applyEvent(lambdaEvent('RemoveLayerVersionPermission', { layerName: LAYER_NAME, versionNumber: LAYER_VERSION, statementId: 'public' }));
      expect(account.lambda.layerPolicyDocument(layer)?.Statement).toEqual([
        { Sid: 'partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` }, Action: 'lambda:GetLayerVersion', Resource: `${LAYER_ARN}:3` },
      ]);
      account.applyEvent(lambdaEvent('RemoveLayerVersionPermission', { layerName: LAYER_NAME, versionNumber: String(LAYER_VERSION), statementId: 'partner' }));
      expect(account.lambda.layerPolicyDocument(layer)).toBeNull();
    });

    it('deletes a layer version', () => {
      const account = accountWithFunction();
      account.applyEvent(lambdaEvent('DeleteLayerVersion', { layerName: LAYER_NAME, versionNumber: LAYER_VERSION }));
      expect(account.lambda.hasLayerVersion(layer)).toBe(false);
    });
  });

  describe('tags and concurrency', () => {
    it('tags and untags the function', () => {
      const account = accountWithFunction();
      account.applyEvent(lambdaEvent('TagResource', { resource: FUNCTION_ARN, tags: { team: 'orders', 'warden:exempt': 'function-public-access' } }));
      account.applyEvent(lambdaEvent('UntagResource', { resource: FUNCTION_ARN, tagKeys: ['team'] }));
      expect(account.lambda.listTags(fn)).toEqual({ 'warden:exempt': 'function-public-access' });
    });

    it('sets and removes reserved concurrency', () => {
      const account = accountWithFunction();
      account.applyEvent(lambdaEvent('PutFunctionConcurrency', { functionName: FUNCTION_NAME, reservedConcurrentExecutions: 0 }));
      expect(account.lambda.getFunction(fn).Concurrency).toEqual({ ReservedConcurrentExecutions: 0 });
      account.applyEvent(lambdaEvent('DeleteFunctionConcurrency', { functionName: FUNCTION_NAME }));
      expect(account.lambda.getFunction(fn).Concurrency).toBeUndefined();
    });
  });

  describe('events that change nothing', () => {
    const changing: readonly CloudTrailEvent[] = [
      lambdaEvent('CreateFunction', { functionName: 'new-function', role: ROLE }),
      lambdaEvent('DeleteFunction', { functionName: FUNCTION_NAME }),
      lambdaEvent('UpdateFunctionConfiguration', { functionName: FUNCTION_NAME, role: 'arn:aws:iam::111122223333:role/admin' }),
      addPermission({ statementId: 'public', principal: '*' }),
      lambdaEvent('CreateFunctionUrlConfig', { functionName: FUNCTION_NAME, authType: 'NONE' }),
      lambdaEvent('AddLayerVersionPermission', { layerName: LAYER_NAME, versionNumber: LAYER_VERSION, statementId: 's', action: 'lambda:GetLayerVersion', principal: '*' }),
      lambdaEvent('PublishLayerVersion', { layerName: LAYER_NAME }),
      lambdaEvent('TagResource', { resource: FUNCTION_ARN, tags: { a: 'b' } }),
      lambdaEvent('PutFunctionConcurrency', { functionName: FUNCTION_NAME, reservedConcurrentExecutions: 5 }),
    ];

    it.each(changing.map((event) => [event.detail.eventName, event] as const))('ignores a failed %s call', (_name, event) => {
      const account = accountWithFunction();
      const before = account.toStateFile();
      const failed = { ...event, detail: { ...event.detail, errorCode: 'AccessDenied', errorMessage: 'not authorized', responseElements: null } };
      expect(account.replay(failed)).toMatchObject({ applied: false, created: [] });
      expect(account.toStateFile()).toEqual(before);
    });

    it.each([
      ['a read-only Lambda call', lambdaEvent('GetFunction', { functionName: FUNCTION_NAME })],
      // Changed deliberately (issue #17 rule 3): PutFunctionEventInvokeConfig is modelled now; provisioned concurrency is not.
      ['an unknown Lambda call', lambdaEvent('PutProvisionedConcurrencyConfig', { functionName: FUNCTION_NAME, qualifier: 'live', provisionedConcurrentExecutions: 5 })],
      ['another service', cloudTrailEvent('iam.amazonaws.com', 'PutRolePolicy', { roleName: 'orders-api-role' })],
      ['an event naming no resource', lambdaEvent('AddPermission', { statementId: 'x', principal: '*' })],
    ])('ignores %s', (_case, event) => {
      const account = accountWithFunction();
      const before = account.toStateFile();
      expect(account.applyEvent(event).applied).toBe(false);
      expect(account.toStateFile()).toEqual(before);
    });

    it('does not create a function an event is about when applied alone', () => {
      const account = new InMemoryAccount();
      expect(account.applyEvent(addPermission({ statementId: 'x', principal: '*' }))).toMatchObject({ applied: false, detail: expect.stringContaining('not in the account') as unknown });
      expect(account.lambda.functionKeys()).toEqual([]);
    });
  });

  describe('ensureResourcesFor', () => {
    it('creates a missing function with the default configuration', () => {
      const account = new InMemoryAccount({ clock: () => new Date('2025-03-01T00:00:00Z') });
      const created = account.ensureResourcesFor(addPermission({ statementId: 'x', principal: '*' }));
      expect(created).toEqual([{ ...fn, qualifier: undefined }]);
      expect(account.lambda.getFunctionConfiguration(fn)).toMatchObject({
        FunctionName: FUNCTION_NAME,
        FunctionArn: FUNCTION_ARN,
        Runtime: 'nodejs22.x',
        Role: ROLE,
        Handler: 'index.handler',
        LastModified: '2025-03-01T00:00:00.000+0000',
      });
    });

    it('creates the alias a qualified event is about', () => {
      const account = new InMemoryAccount();
      const outcome = account.replay(addPermission({ statementId: 'x', principal: '*', qualifier: 'live' }));
      expect(outcome).toMatchObject({ applied: true, created: [{ ...fn, qualifier: undefined }, { ...fn, qualifier: 'live' }] });
      expect(statementsOf(account, { ...fn, qualifier: 'live' }).map((s) => s.Sid)).toEqual(['x']);
    });

    it('creates a missing layer version', () => {
      const account = new InMemoryAccount();
      const outcome = account.replay(lambdaEvent('AddLayerVersionPermission', { layerName: LAYER_NAME, versionNumber: 5, statementId: 's', action: 'lambda:GetLayerVersion', principal: '*' }));
      expect(outcome).toMatchObject({ applied: true, created: [{ ...layer, version: 5 }] });
    });

    it.each([
      ['CreateFunction, which creates its own function', new InMemoryAccount(), lambdaEvent('CreateFunction', { functionName: FUNCTION_NAME, role: ROLE })],
      ['PublishLayerVersion, which creates its own version', new InMemoryAccount(), lambdaEvent('PublishLayerVersion', { layerName: LAYER_NAME })],
      ['an event about what exists', accountWithFunction(), addPermission({ statementId: 'x', principal: '*' })],
      ['a failed call', new InMemoryAccount(), lambdaEvent('AddPermission', { functionName: FUNCTION_NAME, statementId: 'x', principal: '*' }, { errorCode: 'AccessDenied' })],
    ])('creates nothing for %s', (_case, account, event) => {
      const before = account.toStateFile();
      expect(account.ensureResourcesFor(event)).toEqual([]);
      expect(account.toStateFile()).toEqual(before);
    });
  });
});
