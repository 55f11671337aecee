/**
 * Reads IAM roles with the real `@aws-sdk/client-iam` client (trust policy, inline and attached
 * policies, documents URL-encoded in responses) and, through Lambda `ListFunctions`, the functions
 * that run as each role (issue #4). Adds role reading to another `StateReader`.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListRolePoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { ListFunctionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { StateReadError } from '../errors';
import { isLambdaExecutionRole } from '../iam/execution-role';
import { parseIamPolicyDocument, type IamPolicyDocument } from '../policy/iam-policy';
import { roleArn, type AttachedRolePolicy, type RoleDescription, type RoleRef, type RoleSnapshot } from '../state/resources';
import { extendReader, type StateReader } from '../state/state-reader';

/** The IAM (and Lambda) actions this reader calls: part of the remediator role. */
export const IAM_READ_PERMISSIONS = [
  'iam:GetRole',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:ListEntitiesForPolicy',
  'lambda:ListFunctions',
] as const;

export type IamClientProvider = (account: string, region: string) => IAMClient | Promise<IAMClient>;
export type LambdaClientForRegion = (account: string, region: string) => LambdaClient | Promise<LambdaClient>;

export interface IamStateReaderOptions {
  /** Lambda clients for listing the functions that use a role; without it `usedByFunctions` stays unread. */
  readonly lambdaFor?: LambdaClientForRegion;
  /** The regions whose functions are listed (the watched regions). */
  readonly functionRegions?: readonly string[];
}

function isNoSuchEntity(e: unknown): boolean {
  return e instanceof Error && e.name === 'NoSuchEntityException';
}

function documentOf(text: string | undefined, what: string): IamPolicyDocument {
  try {
    return parseIamPolicyDocument(text ?? '');
  } catch (e: unknown) {
    throw new StateReadError(`${what} is not a valid policy document`, { cause: e });
  }
}

async function reading<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e: unknown) {
    if (e instanceof StateReadError) throw e;
    throw new StateReadError(`Reading ${what} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
  }
}

/**
 * @example
 * const roles = new IamStateReader((a, r) => clients.client(IAMClient, a, r), { lambdaFor: (a, r) => clients.client(LambdaClient, a, r), functionRegions: ['us-east-1', 'eu-west-1'] });
 * const reader = withRoleReader(lambdaReader, roles);
 */
export class IamStateReader {
  constructor(
    private readonly iamFor: IamClientProvider,
    private readonly options: IamStateReaderOptions = {},
  ) {}

  async readRole(ref: RoleRef): Promise<RoleSnapshot> {
    const iam = await this.iamFor(ref.account, ref.region);
    const what = `the role ${roleArn(ref)}`;
    return reading(what, async () => {
      let out;
      try {
        out = await iam.send(new GetRoleCommand({ RoleName: ref.roleName }));
      } catch (e: unknown) {
        if (isNoSuchEntity(e)) return { kind: 'iam-role', ref, arn: roleArn(ref), role: null, inlinePolicies: {}, attachedPolicies: [], usedByFunctions: [] };
        throw e;
      }
      const r = out.Role;
      const arn = r?.Arn ?? roleArn(ref);
      const role: RoleDescription = {
        RoleName: r?.RoleName ?? ref.roleName,
        RoleId: r?.RoleId,
        Arn: arn,
        Path: r?.Path ?? '/',
        CreateDate: r?.CreateDate?.toISOString(),
        Description: r?.Description,
        AssumeRolePolicyDocument: documentOf(r?.AssumeRolePolicyDocument, `the trust policy of ${arn}`),
        PermissionsBoundaryArn: r?.PermissionsBoundary?.PermissionsBoundaryArn,
      };
      const [inlinePolicies, attachedPolicies, usedByFunctions] = await Promise.all([
        this.inlinePolicies(iam, ref.roleName),
        this.attachedPolicies(iam, ref.roleName),
        this.functionsUsing(ref.account, arn),
      ]);
      return { kind: 'iam-role', ref, arn, role, inlinePolicies, attachedPolicies, ...(usedByFunctions === undefined ? {} : { usedByFunctions }) };
    });
  }

  /** The Lambda execution roles of the account the managed policy is attached to. */
  async rolesWithPolicy(account: string, region: string, policyArn: string): Promise<readonly RoleRef[]> {
    const iam = await this.iamFor(account, region);
    return reading(`the roles attached to ${policyArn}`, async () => {
      const names: string[] = [];
      let marker: string | undefined;
      do {
        const out = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn, EntityFilter: 'Role', Marker: marker }));
        for (const role of out.PolicyRoles ?? []) if (role.RoleName !== undefined) names.push(role.RoleName);
        marker = out.IsTruncated === true ? out.Marker : undefined;
      } while (marker !== undefined);
      const refs: RoleRef[] = [];
      for (const roleName of names) {
        const out = await iam.send(new GetRoleCommand({ RoleName: roleName }));
        const arn = out.Role?.Arn ?? roleArn({ account, region, roleName });
        const trust = documentOf(out.Role?.AssumeRolePolicyDocument, `the trust policy of ${arn}`);
        const description = { RoleName: roleName, Arn: arn, Path: out.Role?.Path ?? '/', AssumeRolePolicyDocument: trust };
        const lambdaTrust = isLambdaExecutionRole(description, undefined);
        if (lambdaTrust || isLambdaExecutionRole(description, await this.functionsUsing(account, arn))) refs.push({ kind: 'iam-role', account, region, roleName });
      }
      return refs;
    });
  }

  private async inlinePolicies(iam: IAMClient, roleName: string): Promise<Record<string, IamPolicyDocument>> {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const out = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
      names.push(...(out.PolicyNames ?? []));
      marker = out.IsTruncated === true ? out.Marker : undefined;
    } while (marker !== undefined);
    const documents = await Promise.all(
      names.map(async (policyName) => {
        const out = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
        return [policyName, documentOf(out.PolicyDocument, `the inline policy ${policyName} of ${roleName}`)] as const;
      }),
    );
    return Object.fromEntries(documents);
  }

  private async attachedPolicies(iam: IAMClient, roleName: string): Promise<AttachedRolePolicy[]> {
    const arns: string[] = [];
    let marker: string | undefined;
    do {
      const out = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
      for (const p of out.AttachedPolicies ?? []) if (p.PolicyArn !== undefined) arns.push(p.PolicyArn);
      marker = out.IsTruncated === true ? out.Marker : undefined;
    } while (marker !== undefined);
    return Promise.all(
      arns.map(async (arn) => {
        const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
        const defaultVersionId = policy.Policy?.DefaultVersionId ?? 'v1';
        const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: defaultVersionId }));
        return { arn, defaultVersionId, document: documentOf(version.PolicyVersion?.Document, `${arn} ${defaultVersionId}`) };
      }),
    );
  }

  /** ARNs of the functions (in the watched regions) whose role is `arn`; undefined without Lambda access. */
  private async functionsUsing(account: string, arn: string): Promise<string[] | undefined> {
    const { lambdaFor, functionRegions } = this.options;
    if (lambdaFor === undefined || functionRegions === undefined) return undefined;
    // One region after the other: a handful of regions, and a client-side mock cannot tell concurrent clients apart.
    const found: string[] = [];
    for (const region of functionRegions) {
      const lambda = await lambdaFor(account, region);
      let marker: string | undefined;
      do {
        const out = await lambda.send(new ListFunctionsCommand({ Marker: marker }));
        for (const f of out.Functions ?? []) if (f.Role === arn && f.FunctionArn !== undefined) found.push(f.FunctionArn);
        marker = out.NextMarker;
      } while (marker !== undefined && marker !== '');
    }
    return found.sort();
  }
}

/** A reader answering roles from `roles` and everything else from `base`. */
export function withRoleReader(base: StateReader, roles: IamStateReader): StateReader {
  return extendReader(base, {
    readRole: (ref) => roles.readRole(ref),
    rolesWithPolicy: (account, region, policyArn) => roles.rolesWithPolicy(account, region, policyArn),
  });
}
