/**
 * A `StateReader` straight over the in-memory Lambda service: the snapshots `LambdaStateReader`
 * would build through the SDK, without the SDK (for benchmarks and the simulator).
 */
import {
  functionArn,
  layerVersionArn,
  EventSourceMappingSchema,
  FunctionConfigurationSchema,
  FunctionUrlConfigSchema,
  type FunctionRef,
  type FunctionSnapshot,
  type FunctionStatePart,
  type LayerVersionRef,
  type LayerVersionSnapshot,
} from '../functions/shared/state/resources';
import type { StateReader } from '../functions/shared/state/state-reader';
import type { InMemoryLambda } from './in-memory-lambda';
import { isLambdaExecutionRole } from '../functions/shared/iam/execution-role';
import { roleArn, type RoleRef, type RoleSnapshot } from '../functions/shared/state/resources';
import type { InMemoryIam } from './in-memory-iam';

function revision(policyRevisionId: string | undefined): { policyRevisionId?: string } {
  return policyRevisionId === undefined ? {} : { policyRevisionId };
}

export class InMemoryStateReader implements StateReader {
  constructor(
    private readonly lambda: InMemoryLambda,
    /** Without it, roles are not read (the engine sees them unread). */
    private readonly iam?: InMemoryIam,
  ) {}

  /** A role as `IamStateReader` would read it, with the functions of the account that run as it. */
  readRole(ref: RoleRef): Promise<RoleSnapshot> {
    const iam = this.iam;
    if (iam === undefined || !iam.hasRole(ref.account, ref.roleName)) {
      return Promise.resolve({ kind: 'iam-role', ref, arn: roleArn(ref), ...(iam === undefined ? {} : { role: null, inlinePolicies: {}, attachedPolicies: [], usedByFunctions: [] }) });
    }
    const role = iam.role(ref.account, ref.roleName);
    const arn = iam.roleArn(role);
    return Promise.resolve({
      kind: 'iam-role',
      ref,
      arn,
      role: { RoleName: role.roleName, RoleId: role.roleId, Arn: arn, Path: role.path, CreateDate: role.createDate.toISOString(), Description: role.description, AssumeRolePolicyDocument: role.trust.parsed },
      inlinePolicies: Object.fromEntries([...role.inline.entries()].map(([name, document]) => [name, document.parsed])),
      attachedPolicies: role.attached.map((policyArn) => {
        const policy = iam.policy(policyArn);
        return { arn: policyArn, defaultVersionId: policy.defaultVersionId, document: iam.defaultDocument(policyArn).parsed };
      }),
      usedByFunctions: this.functionsUsing(ref.account, arn),
    });
  }

  rolesWithPolicy(account: string, region: string, policyArn: string): Promise<readonly RoleRef[]> {
    const iam = this.iam;
    if (iam === undefined || !iam.hasPolicy(policyArn)) return Promise.resolve([]);
    const roles = iam.rolesWithPolicy(account, policyArn).filter((role) => {
      const description = { RoleName: role.roleName, Arn: iam.roleArn(role), Path: role.path, AssumeRolePolicyDocument: role.trust.parsed };
      return isLambdaExecutionRole(description, undefined) || isLambdaExecutionRole(description, this.functionsUsing(account, description.Arn));
    });
    return Promise.resolve(roles.map((role): RoleRef => ({ kind: 'iam-role', account, region, roleName: role.roleName })));
  }

  private functionsUsing(account: string, arn: string): string[] {
    return this.lambda.functionsWithRole(account, arn);
  }

  readFunction(ref: FunctionRef, parts: readonly FunctionStatePart[]): Promise<FunctionSnapshot> {
    const wanted = new Set(parts);
    const exists = this.lambda.hasQualified(ref);
    const unqualified = { ...ref, qualifier: undefined };
    const part = <T>(name: FunctionStatePart, present: boolean, read: () => T): T | null | undefined => {
      if (!wanted.has(name)) return undefined;
      return present ? read() : null;
    };
    return Promise.resolve({
      kind: 'lambda-function',
      ref,
      arn: functionArn(ref),
      configuration: part('configuration', exists, () => FunctionConfigurationSchema.parse(this.lambda.getFunctionConfiguration(ref, { copy: false }))),
      // Documents were validated when they entered the account (state file, event, SDK command).
      policy: part('policy', exists, () => this.lambda.policyDocument(ref, { copy: false })),
      urlConfig: part('urlConfig', exists, () => {
        const config = this.lambda.urlConfig(ref);
        return config === null ? null : FunctionUrlConfigSchema.parse(config);
      }),
      tags: part('tags', this.lambda.hasFunction(unqualified), () => this.lambda.listTags(unqualified)),
      ...(wanted.has('concurrency') ? { reservedConcurrency: part('concurrency', this.lambda.hasFunction(unqualified), () => this.lambda.getReservedConcurrency(unqualified) ?? ('none' as const)) } : {}),
      ...(wanted.has('eventSourceMappings')
        ? { eventSourceMappings: part('eventSourceMappings', this.lambda.hasFunction(unqualified), () => this.lambda.listEventSourceMappings(unqualified).map((m) => EventSourceMappingSchema.parse(m))) }
        : {}),
      ...(wanted.has('policy') ? revision(this.lambda.policyRevisionId(ref)) : {}),
    });
  }

  readLayerVersion(ref: LayerVersionRef): Promise<LayerVersionSnapshot> {
    const document = this.lambda.layerPolicyDocument(ref, { copy: false });
    return Promise.resolve({
      kind: 'lambda-layer-version',
      ref,
      arn: layerVersionArn(ref),
      policy: document,
      ...revision(this.lambda.layerPolicyRevisionId(ref)),
    });
  }
}
