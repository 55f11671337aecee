import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { IAM_READ_PERMISSIONS, IamStateReader, withRoleReader } from '../../../../functions/shared/aws/iam-state-reader';
import { LambdaStateReader } from '../../../../functions/shared/aws/lambda-state-reader';
import type { RoleRef } from '../../../../functions/shared/state/resources';
import { installIamMock, type IamMockHandle } from '../../../../sim/iam-mock';
import { installLambdaMock, type LambdaMockHandle } from '../../../../sim/lambda-mock';
import { ACCOUNT, FUNCTION_ARN } from '../../../fixtures/accounts';
import { CUSTOMER_POLICY_ARN, documents, executionRoleAccount, putRolePolicyEvent, ROLE_ARN, ROLE_NAME } from '../../../fixtures/iam';

let iam: IamMockHandle | undefined;
let lambda: LambdaMockHandle | undefined;
afterEach(() => {
  iam?.mock.restore();
  lambda?.mock.restore();
});

const ref: RoleRef = { kind: 'iam-role', account: ACCOUNT, region: 'us-east-1', roleName: ROLE_NAME };

function sdkReader(): IamStateReader {
  const account = executionRoleAccount();
  account.replay(putRolePolicyEvent('encoded', documents.mixed, { encoding: 'url-encoded' }));
  iam = installIamMock(account, mockClient(IAMClient));
  lambda = installLambdaMock(account, mockClient(LambdaClient));
  return new IamStateReader(() => new IAMClient({ region: 'us-east-1' }), { lambdaFor: (_a, region) => new LambdaClient({ region }), functionRegions: ['us-east-1', 'eu-west-1'] });
}

describe('IamStateReader', () => {
  it('reads through the SDK exactly the snapshot the in-memory reader gives', async () => {
    const viaSdk = await sdkReader().readRole(ref);
    const account = executionRoleAccount();
    account.replay(putRolePolicyEvent('encoded', documents.mixed, { encoding: 'url-encoded' }));
    const direct = await account.reader().readRole?.(ref);
    expect(viaSdk.arn).toBe(ROLE_ARN);
    expect(viaSdk.usedByFunctions).toEqual([FUNCTION_ARN]);
    expect(viaSdk.attachedPolicies?.map((p) => [p.arn, p.defaultVersionId])).toEqual([
      ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'v1'],
      [CUSTOMER_POLICY_ARN, 'v1'],
    ]);
    expect({ ...viaSdk, role: { ...viaSdk.role, CreateDate: undefined, PermissionsBoundaryArn: undefined } }).toEqual({
      ...direct,
      role: { ...direct?.role, CreateDate: undefined, PermissionsBoundaryArn: undefined },
    });
  });

  it('decodes URL-encoded documents from GetRolePolicy', async () => {
    const snapshot = await sdkReader().readRole(ref);
    expect(snapshot.inlinePolicies?.encoded?.Statement.map((s) => s.Sid)).toEqual(['Orders', 'Hop']);
  });

  it('sends only commands IAM_READ_PERMISSIONS covers', async () => {
    const reader = sdkReader();
    await reader.readRole(ref);
    await reader.rolesWithPolicy(ACCOUNT, 'us-east-1', CUSTOMER_POLICY_ARN);
    const sent = [...new Set([...(iam?.calls ?? []).map((c) => `iam:${c.command}`), ...(lambda?.calls ?? []).map((c) => `lambda:${c.command}`)])];
    expect(sent.filter((p) => !(IAM_READ_PERMISSIONS as readonly string[]).includes(p))).toEqual([]);
  });

  it('reads a missing role as null', async () => {
    const snapshot = await sdkReader().readRole({ ...ref, roleName: 'gone' });
    expect(snapshot.role).toBeNull();
  });

  it('lists the execution roles a managed policy is attached to', async () => {
    expect(await sdkReader().rolesWithPolicy(ACCOUNT, 'us-east-1', CUSTOMER_POLICY_ARN)).toEqual([ref]);
  });

  it('composes with another reader', async () => {
    const reader = withRoleReader(new LambdaStateReader(() => new LambdaClient({ region: 'us-east-1' })), sdkReader());
    expect((await reader.readRole?.(ref))?.role?.RoleName).toBe(ROLE_NAME);
    expect((await reader.readFunction({ kind: 'lambda-function', account: ACCOUNT, region: 'us-east-1', functionName: 'orders-api' }, ['configuration'])).configuration?.Role).toBe(ROLE_ARN);
  });
});
