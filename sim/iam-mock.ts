/**
 * Answers the `@aws-sdk/client-iam` commands the project uses from the in-memory account's IAM,
 * through `aws-sdk-client-mock`: documents come back URL-encoded and missing entities raise
 * `NoSuchEntityException`, as from AWS. Bare names are in the mock's default account.
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyVersionCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  SetDefaultPolicyVersionCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-iam';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { InMemoryAccount } from './in-memory-account';
import { urlEncoded, type StoredRole } from './in-memory-iam';

export type IamMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, IAMClientResolvedConfig>;

/** One command the code under test sent (`GetRole`, `PutRolePolicy` …). */
export interface IamCall {
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface IamMockOptions {
  /** The account of the calls (default: the in-memory account's default); IAM clients are per account. */
  readonly defaultAccount?: string;
  /** Runs before each command; throw here to inject failures. */
  readonly onCommand?: (command: string, input: Readonly<Record<string, unknown>>) => void | Promise<void>;
  /** The account of each client, when one mock serves several accounts' clients. */
  readonly accountOf?: (client: IAMClient) => string | undefined | Promise<string | undefined>;
}

export interface IamMockHandle {
  readonly mock: IamMock;
  readonly calls: readonly IamCall[];
  callsOf(command: string): readonly IamCall[];
  clearCalls(): void;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

function roleOutput(account: InMemoryAccount, role: StoredRole): Record<string, unknown> {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: account.iam.roleArn(role),
    CreateDate: role.createDate,
    AssumeRolePolicyDocument: urlEncoded(role.trust),
    ...(role.description === undefined ? {} : { Description: role.description }),
    MaxSessionDuration: role.maxSessionDuration,
    ...(role.permissionsBoundary === undefined ? {} : { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: role.permissionsBoundary } }),
    ...(role.tags.size === 0 ? {} : { Tags: [...role.tags].map(([Key, Value]) => ({ Key, Value })) }),
  };
}

/**
 * @example
 * const iam = installIamMock(account);
 * const reader = new IamStateReader(() => new IAMClient({ region: 'us-east-1' }));
 * await reader.readRole({ kind: 'iam-role', account: '111122223333', region: 'us-east-1', roleName: 'orders-api-role' });
 * iam.mock.restore();
 */
export function installIamMock(account: InMemoryAccount, mock: IamMock = mockClient(IAMClient), options: IamMockOptions = {}): IamMockHandle {
  const calls: IamCall[] = [];
  const store = account.iam;
  const defaultAccount = options.defaultAccount ?? account.defaultAccount;

  function handler<I extends object, O>(command: string, answer: (input: I, accountId: string) => O) {
    return async (input: I, getClient: () => IAMClient): Promise<O> => {
      // The mock knows the calling client only until the next call: take it before any await.
      const client = getClient();
      const recorded = structuredClone(input) as Readonly<Record<string, unknown>>;
      calls.push({ command, input: recorded });
      await options.onCommand?.(command, recorded);
      const accountId = (await options.accountOf?.(client)) ?? defaultAccount;
      return answer(input, accountId);
    };
  }

  mock.on(GetRoleCommand).callsFake(handler('GetRole', (i: { RoleName?: string }, a) => ({ Role: roleOutput(account, store.role(a, required(i.RoleName, 'RoleName'))) })));
  mock.on(ListRolePoliciesCommand).callsFake(
    handler('ListRolePolicies', (i: { RoleName?: string }, a) => ({ PolicyNames: [...store.role(a, required(i.RoleName, 'RoleName')).inline.keys()], IsTruncated: false })),
  );
  mock.on(GetRolePolicyCommand).callsFake(
    handler('GetRolePolicy', (i: { RoleName?: string; PolicyName?: string }, a) => {
      const roleName = required(i.RoleName, 'RoleName');
      const policyName = required(i.PolicyName, 'PolicyName');
      return { RoleName: store.role(a, roleName).roleName, PolicyName: policyName, PolicyDocument: urlEncoded(store.rolePolicy(a, roleName, policyName)) };
    }),
  );
  mock.on(ListAttachedRolePoliciesCommand).callsFake(
    handler('ListAttachedRolePolicies', (i: { RoleName?: string }, a) => ({
      AttachedPolicies: store.role(a, required(i.RoleName, 'RoleName')).attached.map((arn) => ({ PolicyArn: arn, PolicyName: store.policy(arn).name })),
      IsTruncated: false,
    })),
  );
  mock.on(GetPolicyCommand).callsFake(
    handler('GetPolicy', (i: { PolicyArn?: string }) => {
      const policy = store.policy(required(i.PolicyArn, 'PolicyArn'));
      return {
        Policy: {
          PolicyName: policy.name,
          PolicyId: policy.policyId,
          Arn: policy.arn,
          Path: policy.path,
          DefaultVersionId: policy.defaultVersionId,
          AttachmentCount: store.attachmentCount(policy.arn),
          IsAttachable: true,
          CreateDate: policy.createDate,
        },
      };
    }),
  );
  mock.on(GetPolicyVersionCommand).callsFake(
    handler('GetPolicyVersion', (i: { PolicyArn?: string; VersionId?: string }) => {
      const arn = required(i.PolicyArn, 'PolicyArn');
      const versionId = required(i.VersionId, 'VersionId');
      const version = store.policyVersion(arn, versionId);
      return { PolicyVersion: { Document: urlEncoded(version.document), VersionId: versionId, IsDefaultVersion: store.policy(arn).defaultVersionId === versionId, CreateDate: version.createDate } };
    }),
  );
  mock.on(ListEntitiesForPolicyCommand).callsFake(
    handler('ListEntitiesForPolicy', (i: { PolicyArn?: string; EntityFilter?: string }, a) => {
      const arn = required(i.PolicyArn, 'PolicyArn');
      store.policy(arn);
      const roles = i.EntityFilter === undefined || i.EntityFilter === 'Role' ? store.rolesWithPolicy(a, arn) : [];
      return { PolicyRoles: roles.map((r) => ({ RoleName: r.roleName, RoleId: r.roleId })), PolicyUsers: [], PolicyGroups: [], IsTruncated: false };
    }),
  );
  mock.on(GetAccountAuthorizationDetailsCommand).callsFake(
    handler('GetAccountAuthorizationDetails', (i: { Filter?: string[]; Marker?: string; MaxItems?: number }, a) => {
      const filter = new Set(i.Filter ?? ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy']);
      const roles = filter.has('Role') ? store.allRoles().filter((role) => role.account === a) : [];
      // Managed policies: the account's own, and AWS managed ones attached to one of its roles.
      const attached = new Set(store.allRoles().filter((role) => role.account === a).flatMap((role) => role.attached));
      const policies = [
        ...(filter.has('LocalManagedPolicy') ? store.customerPolicies().filter((p) => p.arn.startsWith(`arn:aws:iam::${a}:`)) : []),
        ...(filter.has('AWSManagedPolicy') ? [...attached].filter((arn) => arn.startsWith('arn:aws:iam::aws:policy/')).map((arn) => store.policy(arn)) : []),
      ];
      const entries = [...roles.map((role) => ({ role })), ...policies.map((policy) => ({ policy }))];
      const start = i.Marker === undefined ? 0 : Number(i.Marker);
      const end = start + Math.min(i.MaxItems ?? 100, 1000);
      const slice = entries.slice(start, end);
      return {
        RoleDetailList: slice.flatMap((e) =>
          'role' in e
            ? [
                {
                  ...roleOutput(account, e.role),
                  RolePolicyList: [...e.role.inline.entries()].map(([name, document]) => ({ PolicyName: name, PolicyDocument: urlEncoded(document) })),
                  AttachedManagedPolicies: e.role.attached.map((arn) => ({ PolicyArn: arn, PolicyName: store.policy(arn).name })),
                },
              ]
            : [],
        ),
        Policies: slice.flatMap((e) =>
          'policy' in e
            ? [
                {
                  PolicyName: e.policy.name,
                  PolicyId: e.policy.policyId,
                  Arn: e.policy.arn,
                  Path: e.policy.path,
                  DefaultVersionId: e.policy.defaultVersionId,
                  AttachmentCount: store.attachmentCount(e.policy.arn),
                  IsAttachable: true,
                  PolicyVersionList: [...e.policy.versions.entries()].map(([id, v]) => ({
                    Document: urlEncoded(v.document),
                    VersionId: id,
                    IsDefaultVersion: id === e.policy.defaultVersionId,
                    CreateDate: v.createDate,
                  })),
                },
              ]
            : [],
        ),
        UserDetailList: [],
        GroupDetailList: [],
        IsTruncated: end < entries.length,
        ...(end < entries.length ? { Marker: String(end) } : {}),
      };
    }),
  );
  mock.on(PutRolePolicyCommand).callsFake(
    handler('PutRolePolicy', (i: { RoleName?: string; PolicyName?: string; PolicyDocument?: string }, a) => {
      store.putRolePolicy(a, required(i.RoleName, 'RoleName'), required(i.PolicyName, 'PolicyName'), required(i.PolicyDocument, 'PolicyDocument'));
      return {};
    }),
  );
  mock.on(DeleteRolePolicyCommand).callsFake(
    handler('DeleteRolePolicy', (i: { RoleName?: string; PolicyName?: string }, a) => {
      store.deleteRolePolicy(a, required(i.RoleName, 'RoleName'), required(i.PolicyName, 'PolicyName'));
      return {};
    }),
  );
  mock.on(AttachRolePolicyCommand).callsFake(
    handler('AttachRolePolicy', (i: { RoleName?: string; PolicyArn?: string }, a) => {
      store.attachRolePolicy(a, required(i.RoleName, 'RoleName'), required(i.PolicyArn, 'PolicyArn'));
      return {};
    }),
  );
  mock.on(DetachRolePolicyCommand).callsFake(
    handler('DetachRolePolicy', (i: { RoleName?: string; PolicyArn?: string }, a) => {
      store.detachRolePolicy(a, required(i.RoleName, 'RoleName'), required(i.PolicyArn, 'PolicyArn'));
      return {};
    }),
  );
  mock.on(UpdateAssumeRolePolicyCommand).callsFake(
    handler('UpdateAssumeRolePolicy', (i: { RoleName?: string; PolicyDocument?: string }, a) => {
      store.updateAssumeRolePolicy(a, required(i.RoleName, 'RoleName'), required(i.PolicyDocument, 'PolicyDocument'));
      return {};
    }),
  );
  mock.on(CreatePolicyVersionCommand).callsFake(
    handler('CreatePolicyVersion', (i: { PolicyArn?: string; PolicyDocument?: string; SetAsDefault?: boolean }) => {
      const arn = required(i.PolicyArn, 'PolicyArn');
      const id = store.createPolicyVersion(arn, required(i.PolicyDocument, 'PolicyDocument'), i.SetAsDefault === true);
      return { PolicyVersion: { VersionId: id, IsDefaultVersion: store.policy(arn).defaultVersionId === id } };
    }),
  );
  mock.on(SetDefaultPolicyVersionCommand).callsFake(
    handler('SetDefaultPolicyVersion', (i: { PolicyArn?: string; VersionId?: string }) => {
      store.setDefaultPolicyVersion(required(i.PolicyArn, 'PolicyArn'), required(i.VersionId, 'VersionId'));
      return {};
    }),
  );

  return {
    mock,
    calls,
    callsOf: (command) => calls.filter((call) => call.command === command),
    clearCalls: () => {
      calls.length = 0;
    },
  };
}
