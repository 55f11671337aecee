/**
 * A stateful stand-in for IAM (issue #4): roles with paths and trust policies, inline policies,
 * managed policies with versions (at most 5, one default) and attachments, answering with the
 * SDK's exception classes. AWS managed policies such as AdministratorAccess are always known.
 */
import {
  DeleteConflictException,
  EntityAlreadyExistsException,
  LimitExceededException,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { createHash } from 'node:crypto';
import { InvalidPolicyError, parseIamPolicyDocument, type IamPolicyDocument } from '../functions/shared/policy/iam-policy';

/** A policy document as the caller sent it (JSON text) and in canonical form. */
export interface StoredDocument {
  readonly text: string;
  readonly parsed: IamPolicyDocument;
}

export interface StoredRole {
  readonly account: string;
  readonly roleName: string;
  readonly path: string;
  readonly roleId: string;
  readonly createDate: Date;
  description?: string;
  trust: StoredDocument;
  readonly inline: Map<string, StoredDocument>;
  /** Attached managed policy ARNs, in attachment order. */
  readonly attached: string[];
  /** The permissions boundary's policy ARN, when one is set. */
  permissionsBoundary?: string;
  maxSessionDuration: number;
  readonly tags: Map<string, string>;
}

export interface StoredPolicyVersion {
  readonly document: StoredDocument;
  readonly createDate: Date;
}

export interface StoredPolicy {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  readonly policyId: string;
  readonly createDate: Date;
  defaultVersionId: string;
  readonly versions: Map<string, StoredPolicyVersion>;
  nextVersion: number;
}

/** The trust policy of a role an event creates on the fly: a Lambda execution role. */
export const LAMBDA_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
} as const;

const MAX_VERSIONS = 5;
const AWS_POLICY = 'arn:aws:iam::aws:policy/';

/** AWS managed policies known without a state file: ARN suffix → [default version, document]. */
const AWS_MANAGED: Readonly<Record<string, readonly [string, object]>> = {
  AdministratorAccess: ['v1', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }],
  PowerUserAccess: [
    'v5',
    {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles', 'organizations:DescribeOrganization', 'account:ListRegions', 'account:GetAccountInformation'],
          Resource: '*',
        },
      ],
    },
  ],
  IAMFullAccess: ['v2', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'organizations:DescribeAccount', 'organizations:DescribeOrganization', 'organizations:DescribeOrganizationalUnit', 'organizations:DescribePolicy', 'organizations:ListChildren', 'organizations:ListParents', 'organizations:ListPoliciesForTarget', 'organizations:ListRoots', 'organizations:ListPolicies', 'organizations:ListTargetsForPolicy'], Resource: '*' }] }],
  ReadOnlyAccess: ['v1', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cloudwatch:Get*', 'cloudwatch:List*', 'lambda:Get*', 'lambda:List*', 'logs:Get*', 'logs:Describe*', 's3:Get*', 's3:List*'], Resource: '*' }] }],
  'service-role/AWSLambdaBasicExecutionRole': ['v1', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }] }],
  'service-role/AWSLambdaVPCAccessExecutionRole': [
    'v3',
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          Resource: '*',
        },
      ],
    },
  ],
  'service-role/AWSLambdaDynamoDBExecutionRole': [
    'v1',
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
    },
  ],
};

function meta(): { $metadata: Record<string, never> } {
  return { $metadata: {} };
}

export function noSuchEntity(message: string): NoSuchEntityException {
  return new NoSuchEntityException({ message, ...meta() });
}

function idFrom(prefix: string, seed: string): string {
  return `${prefix}${createHash('sha256').update(seed).digest('hex').slice(0, 17).toUpperCase()}`;
}

/**
 * Parses a policy document as IAM accepts it (JSON text, URL-encoded JSON text, or an object).
 * @throws MalformedPolicyDocumentException as IAM does.
 */
export function storedDocument(input: string | object): StoredDocument {
  try {
    const parsed = parseIamPolicyDocument(input);
    const text = typeof input === 'string' ? (input.trim().startsWith('{') ? input : decodeURIComponent(input)) : JSON.stringify(input);
    return { text, parsed };
  } catch (e: unknown) {
    if (e instanceof InvalidPolicyError) throw new MalformedPolicyDocumentException({ message: e.message, ...meta() });
    throw e;
  }
}

/** IAM returns documents URL-encoded (RFC 3986), as `GetRolePolicy` and `GetPolicyVersion` do. */
export function urlEncoded(document: StoredDocument): string {
  return encodeURIComponent(document.text);
}

function roleKey(account: string, roleName: string): string {
  return `${account}/${roleName.toLowerCase()}`;
}

export class InMemoryIam {
  private readonly roles = new Map<string, StoredRole>();
  private readonly policies = new Map<string, StoredPolicy>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  // ── Roles ──────────────────────────────────────────────────────────────────────────────

  createRole(account: string, roleName: string, options: { path?: string; trust?: string | object; description?: string; createDate?: Date } = {}): StoredRole {
    const key = roleKey(account, roleName);
    if (this.roles.has(key)) throw new EntityAlreadyExistsException({ message: `Role with name ${roleName} already exists.`, ...meta() });
    const role: StoredRole = {
      account,
      roleName,
      path: options.path ?? '/',
      roleId: idFrom('AROA', `${account}/${roleName}`),
      createDate: options.createDate ?? this.clock(),
      trust: storedDocument(options.trust ?? LAMBDA_TRUST_POLICY),
      inline: new Map(),
      attached: [],
      maxSessionDuration: 3600,
      tags: new Map(),
      ...(options.description === undefined ? {} : { description: options.description }),
    };
    this.roles.set(key, role);
    return role;
  }

  hasRole(account: string, roleName: string): boolean {
    return this.roles.has(roleKey(account, roleName));
  }

  /** @throws NoSuchEntityException when the account has no such role. */
  role(account: string, roleName: string): StoredRole {
    const role = this.roles.get(roleKey(account, roleName));
    if (role === undefined) throw noSuchEntity(`The role with name ${roleName} cannot be found.`);
    return role;
  }

  /** Every role, in creation order. */
  allRoles(): readonly StoredRole[] {
    return [...this.roles.values()];
  }

  roleArn(role: StoredRole): string {
    return `arn:aws:iam::${role.account}:role${role.path}${role.roleName}`;
  }

  updateAssumeRolePolicy(account: string, roleName: string, document: string | object): void {
    const role = this.role(account, roleName);
    role.trust = storedDocument(document);
  }

  putRolePolicy(account: string, roleName: string, policyName: string, document: string | object): void {
    this.role(account, roleName).inline.set(policyName, storedDocument(document));
  }

  /** @throws NoSuchEntityException when the role has no such inline policy. */
  rolePolicy(account: string, roleName: string, policyName: string): StoredDocument {
    const document = this.role(account, roleName).inline.get(policyName);
    if (document === undefined) throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
    return document;
  }

  deleteRolePolicy(account: string, roleName: string, policyName: string): void {
    const role = this.role(account, roleName);
    if (!role.inline.delete(policyName)) throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
  }

  attachRolePolicy(account: string, roleName: string, policyArn: string): void {
    const role = this.role(account, roleName);
    this.policy(policyArn);
    if (!role.attached.includes(policyArn)) role.attached.push(policyArn);
  }

  detachRolePolicy(account: string, roleName: string, policyArn: string): void {
    const role = this.role(account, roleName);
    const index = role.attached.indexOf(policyArn);
    if (index < 0) throw noSuchEntity(`Policy ${policyArn} was not found.`);
    role.attached.splice(index, 1);
  }

  /** @throws DeleteConflictException while the role still has inline or attached policies, as IAM does. */
  deleteRole(account: string, roleName: string): void {
    const role = this.role(account, roleName);
    if (role.inline.size > 0 || role.attached.length > 0) {
      throw new DeleteConflictException({ message: 'Cannot delete entity, must delete policies first.', ...meta() });
    }
    this.roles.delete(roleKey(account, roleName));
  }

  /** `UpdateRole` / `UpdateRoleDescription`: only the fields given change. */
  updateRole(account: string, roleName: string, changes: { description?: string; maxSessionDuration?: number }): void {
    const role = this.role(account, roleName);
    if (changes.description !== undefined) role.description = changes.description;
    if (changes.maxSessionDuration !== undefined) role.maxSessionDuration = changes.maxSessionDuration;
  }

  putRolePermissionsBoundary(account: string, roleName: string, policyArn: string): void {
    this.policy(policyArn);
    this.role(account, roleName).permissionsBoundary = policyArn;
  }

  deleteRolePermissionsBoundary(account: string, roleName: string): void {
    const role = this.role(account, roleName);
    if (role.permissionsBoundary === undefined) throw noSuchEntity(`The role ${roleName} has no permissions boundary.`);
    delete role.permissionsBoundary;
  }

  tagRole(account: string, roleName: string, tags: Readonly<Record<string, string>>): void {
    const role = this.role(account, roleName);
    for (const [key, value] of Object.entries(tags)) role.tags.set(key, value);
  }

  untagRole(account: string, roleName: string, keys: readonly string[]): void {
    const role = this.role(account, roleName);
    for (const key of keys) role.tags.delete(key);
  }

  // ── Managed policies ───────────────────────────────────────────────────────────────────

  /** Adds a customer managed policy with its versions as given (the state file). */
  seedPolicy(arn: string, defaultVersionId: string, versions: Readonly<Record<string, string | object>>): StoredPolicy {
    const match = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy(\/(?:[\w+=,.@-]+\/)*)([\w+=,.@-]+)$/.exec(arn);
    if (match === null) throw new MalformedPolicyDocumentException({ message: `Invalid policy ARN ${arn}`, ...meta() });
    if (!(defaultVersionId in versions)) throw noSuchEntity(`Policy ${arn} version ${defaultVersionId} does not exist.`);
    const numbers = Object.keys(versions).map((v) => Number(v.replace(/^v/, '')));
    const policy: StoredPolicy = {
      arn,
      name: match[3] ?? '',
      path: match[2] ?? '/',
      policyId: idFrom('ANPA', arn),
      createDate: this.clock(),
      defaultVersionId,
      versions: new Map(Object.entries(versions).map(([id, document]) => [id, { document: storedDocument(document), createDate: this.clock() }])),
      nextVersion: Math.max(0, ...numbers.filter(Number.isFinite)) + 1,
    };
    this.policies.set(arn, policy);
    return policy;
  }

  /** A customer managed policy, created with version v1 as default. */
  createPolicy(account: string, name: string, document: string | object, path = '/'): StoredPolicy {
    const arn = `arn:aws:iam::${account}:policy${path}${name}`;
    if (this.policies.has(arn)) throw new EntityAlreadyExistsException({ message: `A policy called ${name} already exists.`, ...meta() });
    return this.seedPolicy(arn, 'v1', { v1: document });
  }

  hasPolicy(arn: string): boolean {
    return this.policies.has(arn) || AWS_MANAGED[arn.slice(AWS_POLICY.length)] !== undefined;
  }

  /** A managed policy; AWS managed ones are created on first use. @throws NoSuchEntityException */
  policy(arn: string): StoredPolicy {
    const known = this.policies.get(arn);
    if (known !== undefined) return known;
    const managed = arn.startsWith(AWS_POLICY) ? AWS_MANAGED[arn.slice(AWS_POLICY.length)] : undefined;
    if (managed === undefined) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    return this.seedPolicy(arn, managed[0], { [managed[0]]: managed[1] });
  }

  /** Customer managed policies (AWS managed ones are not listed). */
  customerPolicies(): readonly StoredPolicy[] {
    return [...this.policies.values()].filter((p) => !p.arn.startsWith(AWS_POLICY));
  }

  policyVersion(arn: string, versionId: string): StoredPolicyVersion {
    const version = this.policy(arn).versions.get(versionId);
    if (version === undefined) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist.`);
    return version;
  }

  /** Adds a version (`versionId` as CloudTrail's response names it, else the next one). */
  createPolicyVersion(arn: string, document: string | object, setAsDefault: boolean, versionId?: string): string {
    const policy = this.policy(arn);
    if (policy.versions.size >= MAX_VERSIONS) {
      throw new LimitExceededException({ message: `A managed policy can have up to ${String(MAX_VERSIONS)} versions. Before you create a new version, you must delete an existing version.`, ...meta() });
    }
    const id = versionId ?? `v${String(policy.nextVersion)}`;
    policy.nextVersion = Math.max(policy.nextVersion, Number(id.replace(/^v/, '')) || 0) + 1;
    policy.versions.set(id, { document: storedDocument(document), createDate: this.clock() });
    if (setAsDefault) policy.defaultVersionId = id;
    return id;
  }

  setDefaultPolicyVersion(arn: string, versionId: string): void {
    const policy = this.policy(arn);
    if (!policy.versions.has(versionId)) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist.`);
    policy.defaultVersionId = versionId;
  }

  deletePolicyVersion(arn: string, versionId: string): void {
    const policy = this.policy(arn);
    if (policy.defaultVersionId === versionId) throw new DeleteConflictException({ message: 'Cannot delete the default version of a policy.', ...meta() });
    if (!policy.versions.delete(versionId)) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist.`);
  }

  /** The default version's document. */
  defaultDocument(arn: string): StoredDocument {
    const policy = this.policy(arn);
    return this.policyVersion(arn, policy.defaultVersionId).document;
  }

  /** Roles of an account a managed policy is attached to. */
  rolesWithPolicy(account: string, arn: string): readonly StoredRole[] {
    return [...this.roles.values()].filter((role) => role.account === account && role.attached.includes(arn));
  }

  attachmentCount(arn: string): number {
    return [...this.roles.values()].filter((role) => role.attached.includes(arn)).length;
  }
}
