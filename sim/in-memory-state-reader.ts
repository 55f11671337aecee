/**
 * A `StateReader` straight over the in-memory Lambda service: the snapshots `LambdaStateReader`
 * would build through the SDK, without the SDK (for benchmarks and the simulator).
 */
import {
  functionArn,
  parseFunctionName,
  layerVersionArn,
  EventSourceMappingSchema,
  FunctionConfigurationSchema,
  FunctionUrlConfigSchema,
  type FunctionCodeSigning,
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
import type { InMemoryLogs } from './in-memory-logs';
import { functionLogGroupName, type FunctionLogGroup } from '../functions/shared/state/resources';

function revision(policyRevisionId: string | undefined): { policyRevisionId?: string } {
  return policyRevisionId === undefined ? {} : { policyRevisionId };
}

export class InMemoryStateReader implements StateReader {
  constructor(
    private readonly lambda: InMemoryLambda,
    /** Without it, roles are not read (the engine sees them unread). */
    private readonly iam?: InMemoryIam,
    /** Without it, log groups are not read (issue #17). */
    private readonly logs?: InMemoryLogs,
  ) {}

  /** The functions of the account and region whose `LoggingConfig.LogGroup` names the group, as `LambdaStateReader` lists them. */
  functionsWithLogGroup(account: string, region: string, logGroupName: string): Promise<readonly FunctionRef[]> {
    return Promise.resolve(
      this.lambda
        .functionKeys()
        .filter((key) => key.account === account && key.region === region)
        .filter((key) => {
          const logging = this.lambda.getFunctionConfiguration({ kind: 'lambda-function', ...key }, { copy: false }).LoggingConfig;
          return typeof logging === 'object' && logging !== null && (logging as Record<string, unknown>).LogGroup === logGroupName;
        })
        .map((key): FunctionRef => ({ kind: 'lambda-function', ...key })),
    );
  }

  /** The group the function logs to, as `LambdaStateReader` reads it; null when the function is gone. */
  private logGroup(ref: FunctionRef, exists: boolean): FunctionLogGroup | null {
    if (!exists) return null;
    const configuration = FunctionConfigurationSchema.parse(this.lambda.getFunctionConfiguration(ref, { copy: false }));
    const logGroupName = functionLogGroupName(configuration, ref.functionName);
    const group = this.logs?.logGroup({ account: ref.account, region: ref.region, logGroupName });
    return { logGroupName, group: group === undefined ? null : { retentionInDays: group.retentionInDays, creationTime: group.creationTime } };
  }

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

  functionsWithCodeSigningConfig(account: string, region: string, codeSigningConfigArn: string): Promise<readonly FunctionRef[]> {
    return Promise.resolve(
      this.lambda.functionsWithCodeSigningConfig(codeSigningConfigArn).flatMap((arn) => {
        const ref = parseFunctionName(arn, account, region);
        return ref?.account === account && ref.region === region ? [ref] : [];
      }),
    );
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
      ...this.settings(unqualified, wanted),
      ...(wanted.has('eventInvokeConfig') ? { eventInvokeConfig: exists ? this.lambda.eventInvokeConfig(ref) : null } : {}),
      ...(wanted.has('logGroup') && this.logs !== undefined ? { logGroup: this.logGroup(ref, exists) } : {}),
      ...(wanted.has('policy') ? revision(this.lambda.policyRevisionId(ref)) : {}),
    });
  }

  /** Recursion, reserved concurrency, code signing and event-source mappings, as `LambdaStateReader` reads them. */
  private settings(key: FunctionRef, wanted: ReadonlySet<FunctionStatePart>): Pick<FunctionSnapshot, 'recursiveLoop' | 'reservedConcurrency' | 'codeSigning' | 'eventSourceMappings'> {
    const exists = this.lambda.hasFunction(key);
    const codeSigning = (): FunctionCodeSigning | null => {
      const arn = exists ? this.lambda.getFunctionCodeSigningConfigArn(key) : undefined;
      if (arn === undefined) return null;
      const known = this.lambda.codeSigningConfigArns().includes(arn);
      return { codeSigningConfigArn: arn, untrustedArtifactOnDeployment: known ? this.lambda.getCodeSigningConfig(arn).CodeSigningPolicies.UntrustedArtifactOnDeployment : null };
    };
    return {
      ...(wanted.has('recursion') ? { recursiveLoop: exists ? this.lambda.getRecursiveLoop(key) : null } : {}),
      ...(wanted.has('concurrency') ? { reservedConcurrency: exists ? (this.lambda.getReservedConcurrency(key) ?? ('none' as const)) : null } : {}),
      ...(wanted.has('codeSigning') ? { codeSigning: codeSigning() } : {}),
      ...(wanted.has('eventSourceMappings') ? { eventSourceMappings: exists ? this.lambda.listEventSourceMappings(key).map((m) => EventSourceMappingSchema.parse(m)) : null } : {}),
    };
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
