import { GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, CreatePolicyVersionCommand, NoSuchEntityException, LimitExceededException, MalformedPolicyDocumentException } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { installIamMock, type IamMockHandle } from '../../sim/iam-mock';
import { ACCOUNT } from '../fixtures/accounts';
import {
  attachRolePolicyEvent,
  AWS_POLICY,
  createPolicyVersionEvent,
  CUSTOMER_POLICY_ARN,
  deleteRolePolicyEvent,
  detachRolePolicyEvent,
  documents,
  executionRoleAccount,
  putRolePolicyEvent,
  ROLE_NAME,
  setDefaultPolicyVersionEvent,
  trust,
  updateAssumeRolePolicyEvent,
} from '../fixtures/iam';

let iam: IamMockHandle | undefined;
afterEach(() => {
  iam?.mock.restore();
});

const client = (): IAMClient => new IAMClient({ region: 'us-east-1' });

describe('in-memory IAM', () => {
  it('applies each IAM CloudTrail event to the role', () => {
    const account = executionRoleAccount();
    const outcomes = [
      putRolePolicyEvent('app', documents.mixed, { encoding: 'url-encoded' }),
      deleteRolePolicyEvent('logging'),
      attachRolePolicyEvent(AWS_POLICY('AdministratorAccess')),
      detachRolePolicyEvent(AWS_POLICY('service-role/AWSLambdaBasicExecutionRole')),
      updateAssumeRolePolicyEvent(trust.foreignAccount),
      createPolicyVersionEvent(CUSTOMER_POLICY_ARN, documents.secrets, { versionId: 'v2' }),
      setDefaultPolicyVersionEvent(CUSTOMER_POLICY_ARN, 'v1'),
    ].map((event) => account.replay(event).applied);
    expect(outcomes).toEqual([true, true, true, true, true, true, true]);
    const role = account.iam.role(ACCOUNT, ROLE_NAME);
    expect([...role.inline.keys()]).toEqual(['app']);
    expect(role.attached).toEqual([CUSTOMER_POLICY_ARN, AWS_POLICY('AdministratorAccess')]);
    expect(role.trust.parsed.Statement[0]?.Principal?.AWS).toEqual(['arn:aws:iam::444455556666:root']);
    expect(account.iam.policy(CUSTOMER_POLICY_ARN).defaultVersionId).toBe('v1');
    expect([...account.iam.policy(CUSTOMER_POLICY_ARN).versions.keys()]).toEqual(['v1', 'v2']);
  });

  it('creates an unknown role as a Lambda execution role before applying an event about it', () => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
    const outcome = account.replay(putRolePolicyEvent('app', documents.dynamoPutItem, { roleName: 'new-role' }));
    expect(outcome.created).toEqual([{ kind: 'iam-role', account: ACCOUNT, region: 'us-east-1', roleName: 'new-role' }]);
    expect(account.iam.role(ACCOUNT, 'new-role').trust.parsed.Statement[0]?.Principal).toEqual({ Service: ['lambda.amazonaws.com'] });
  });

  it('changes nothing for a failed call', () => {
    const account = executionRoleAccount();
    expect(account.replay(deleteRolePolicyEvent('logging', ROLE_NAME, { errorCode: 'AccessDenied' })).applied).toBe(false);
    expect(account.iam.role(ACCOUNT, ROLE_NAME).inline.has('logging')).toBe(true);
  });

  it('answers GetRole and GetRolePolicy with URL-encoded documents, as IAM does', async () => {
    const account = executionRoleAccount();
    iam = installIamMock(account, mockClient(IAMClient));
    const role = await client().send(new GetRoleCommand({ RoleName: ROLE_NAME }));
    expect(role.Role?.AssumeRolePolicyDocument).toMatch(/^%7B%22Version%22/);
    expect(JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? ''))).toEqual(trust.lambda);
    const inline = await client().send(new GetRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: 'logging' }));
    expect(JSON.parse(decodeURIComponent(inline.PolicyDocument ?? ''))).toEqual(documents.logging);
    const admin = await client().send(new GetPolicyVersionCommand({ PolicyArn: AWS_POLICY('AdministratorAccess'), VersionId: 'v1' }));
    expect(JSON.parse(decodeURIComponent(admin.PolicyVersion?.Document ?? ''))).toMatchObject({ Statement: [{ Action: '*', Resource: '*' }] });
  });

  it.each<[string, () => Promise<unknown>, new (...args: never[]) => Error]>([
    ['a missing role', () => client().send(new GetRoleCommand({ RoleName: 'gone' })), NoSuchEntityException],
    ['a missing inline policy', () => client().send(new GetRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: 'gone' })), NoSuchEntityException],
    ['an unknown policy version', () => client().send(new GetPolicyVersionCommand({ PolicyArn: CUSTOMER_POLICY_ARN, VersionId: 'v9' })), NoSuchEntityException],
    ['a malformed document', () => client().send(new CreatePolicyVersionCommand({ PolicyArn: CUSTOMER_POLICY_ARN, PolicyDocument: '{"Statement":[{"Effect":"Maybe"}]}' })), MalformedPolicyDocumentException],
  ])('raises AWS’s error for %s', async (_what, call, error) => {
    iam = installIamMock(executionRoleAccount(), mockClient(IAMClient));
    await expect(call()).rejects.toBeInstanceOf(error);
  });

  it('keeps at most five versions of a managed policy', async () => {
    iam = installIamMock(executionRoleAccount(), mockClient(IAMClient));
    for (let i = 0; i < 4; i += 1) await client().send(new CreatePolicyVersionCommand({ PolicyArn: CUSTOMER_POLICY_ARN, PolicyDocument: JSON.stringify(documents.dynamoPutItem) }));
    await expect(client().send(new CreatePolicyVersionCommand({ PolicyArn: CUSTOMER_POLICY_ARN, PolicyDocument: JSON.stringify(documents.dynamoPutItem) }))).rejects.toBeInstanceOf(LimitExceededException);
  });

  it('round-trips its roles and policies through the state file', () => {
    const account = executionRoleAccount();
    account.replay(createPolicyVersionEvent(CUSTOMER_POLICY_ARN, documents.secrets));
    const state = account.toStateFile();
    expect(InMemoryAccount.fromStateFile(state).toStateFile()).toEqual(state);
    expect(state.policies[0]).toMatchObject({ Arn: CUSTOMER_POLICY_ARN, DefaultVersionId: 'v2' });
    expect(state.roles[0]?.AttachedPolicies).toContain(CUSTOMER_POLICY_ARN);
  });

  it('rejects a state file policy whose default version is not among its versions', () => {
    expect(() => InMemoryAccount.fromStateFile({ policies: [{ Account: ACCOUNT, Arn: CUSTOMER_POLICY_ARN, DefaultVersionId: 'v2', Versions: { v1: documents.logging } }] })).toThrow(
      /policies\.0\.DefaultVersionId: must be one of Versions/,
    );
  });
});
