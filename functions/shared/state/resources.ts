/**
 * Resources the rules judge, how they are named, and the shape of their state snapshots
 * (AWS-API-shaped, so a snapshot can be built from real API output). Pure: no AWS SDK here.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import type { BaselineRefusal, AttachedFunctionBaseline, RoleBaseline } from './baselines';
import type { IamPolicyDocument } from '../policy/iam-policy';

export const RESOURCE_KINDS = ['lambda-function', 'lambda-layer-version', 'cloudtrail-trail', 'events-rule', 'iam-role', 'apigateway-api', 'ec2-security-group-rule'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export interface FunctionRef {
  readonly kind: 'lambda-function';
  readonly account: string;
  readonly region: string;
  /** The bare function name (never an ARN). */
  readonly functionName: string;
  /** Version or alias; absent for the unqualified function. */
  readonly qualifier?: string | undefined;
}

export interface LayerVersionRef {
  readonly kind: 'lambda-layer-version';
  readonly account: string;
  readonly region: string;
  readonly layerName: string;
  readonly version: number;
}

/** A CloudTrail trail, named by its home region and owner account (from its ARN). */
export interface TrailRef {
  readonly kind: 'cloudtrail-trail';
  /** The account that owns the trail (for an organization trail: the management account). */
  readonly account: string;
  /** The trail's home region (where StartLogging must be called). */
  readonly region: string;
  readonly trailName: string;
}

/** An EventBridge rule on an event bus (`default` unless named). */
export interface EventRuleRef {
  readonly kind: 'events-rule';
  readonly account: string;
  readonly region: string;
  readonly eventBusName: string;
  readonly ruleName: string;
}

/**
 * An IAM role (issue #4). IAM is global: `region` is where its API is called and its events arrive
 * (`us-east-1` in the `aws` partition); the role's ARN carries no region.
 */
export interface RoleRef {
  readonly kind: 'iam-role';
  readonly account: string;
  readonly region: string;
  readonly roleName: string;
  /** The role's path (`/`, `/service-role/`), when known: events name roles without it. */
  readonly path?: string | undefined;
}

/**
 * An API Gateway API (issue #17): a REST API (`/restapis/<id>`, API Gateway v1) or an HTTP API
 * (`/apis/<id>`, API Gateway v2). Their ARNs carry no account.
 */
export interface ApiRef {
  readonly kind: 'apigateway-api';
  readonly account: string;
  readonly region: string;
  readonly protocol: 'rest' | 'http';
  readonly apiId: string;
}

/**
 * One rule of a VPC security group (issue #17 rule 5), named by its `sgr-` id: the rule an
 * `AuthorizeSecurityGroupEgress` (or `ModifySecurityGroupRules`) record says it created or changed.
 */
export interface SecurityGroupRuleRef {
  readonly kind: 'ec2-security-group-rule';
  readonly account: string;
  readonly region: string;
  readonly ruleId: string;
}

export type ResourceRef = FunctionRef | LayerVersionRef | TrailRef | EventRuleRef | RoleRef | ApiRef | SecurityGroupRuleRef;

/** ARN partition for a region (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function functionArn(ref: FunctionRef): string {
  const base = `arn:${partitionOf(ref.region)}:lambda:${ref.region}:${ref.account}:function:${ref.functionName}`;
  return ref.qualifier === undefined ? base : `${base}:${ref.qualifier}`;
}

export function layerArn(ref: Pick<LayerVersionRef, 'account' | 'region' | 'layerName'>): string {
  return `arn:${partitionOf(ref.region)}:lambda:${ref.region}:${ref.account}:layer:${ref.layerName}`;
}

export function layerVersionArn(ref: LayerVersionRef): string {
  return `${layerArn(ref)}:${ref.version}`;
}

/** The ARN of any resource reference. */
export function resourceArn(ref: ResourceRef): string {
  switch (ref.kind) {
    case 'lambda-function':
      return functionArn(ref);
    case 'lambda-layer-version':
      return layerVersionArn(ref);
    case 'cloudtrail-trail':
      return trailArn(ref);
    case 'events-rule':
      return eventRuleArn(ref);
    case 'iam-role':
      return roleArn(ref);
    case 'apigateway-api':
      return apiArn(ref);
    case 'ec2-security-group-rule':
      return securityGroupRuleArn(ref);
  }
}

const API_ARN = /^arn:aws[a-z-]*:apigateway:([a-z0-9-]+)::\/(restapis|apis)\/([A-Za-z0-9]{1,32})(?:\/stages\/([\w.$-]{1,128}))?$/;

/**
 * The API (and stage) an API Gateway ARN names — `…::/restapis/<id>`, `…::/apis/<id>`, optionally
 * `/stages/<name>` (the `resourceArn` of `TagResource`) — in `account`, which the ARN does not carry.
 */
export function parseApiArn(value: string, account: string): { readonly ref: ApiRef; readonly stageName: string | undefined } | null {
  const m = API_ARN.exec(value);
  if (m === null) return null;
  return { ref: { kind: 'apigateway-api', account, region: m[1] ?? '', protocol: m[2] === 'restapis' ? 'rest' : 'http', apiId: m[3] ?? '' }, stageName: m[4] };
}

/** `arn:aws:apigateway:<region>::/restapis/<id>` or `…::/apis/<id>`. */
export function apiArn(ref: Pick<ApiRef, 'region' | 'protocol' | 'apiId'>): string {
  return `arn:${partitionOf(ref.region)}:apigateway:${ref.region}::/${ref.protocol === 'rest' ? 'restapis' : 'apis'}/${ref.apiId}`;
}

/** `arn:aws:ec2:<region>:<account>:security-group-rule/sgr-…` (EC2's `SecurityGroupRuleArn`). */
export function securityGroupRuleArn(ref: Pick<SecurityGroupRuleRef, 'account' | 'region' | 'ruleId'>): string {
  return `arn:${partitionOf(ref.region)}:ec2:${ref.region}:${ref.account}:security-group-rule/${ref.ruleId}`;
}

export const SECURITY_GROUP_RULE_ID = /^sgr-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_RULE_ARN = /^arn:aws[a-z-]*:ec2:([a-z0-9-]+):(\d{12}):security-group-rule\/(sgr-[0-9a-f]{8,17})$/;

/** Resolves a security group rule id or ARN to a reference; null for anything else. */
export function parseSecurityGroupRule(value: string, account: string, region: string): SecurityGroupRuleRef | null {
  const arn = SECURITY_GROUP_RULE_ARN.exec(value);
  if (arn) return { kind: 'ec2-security-group-rule', region: arn[1] ?? region, account: arn[2] ?? account, ruleId: arn[3] ?? '' };
  return SECURITY_GROUP_RULE_ID.test(value) ? { kind: 'ec2-security-group-rule', account, region, ruleId: value } : null;
}

/** The region IAM's API and events use in a region's partition (IAM is global). */
export function iamRegionFor(region: string): string {
  const partition = partitionOf(region);
  if (partition === 'aws-cn') return 'cn-north-1';
  if (partition === 'aws-us-gov') return 'us-gov-west-1';
  return 'us-east-1';
}

/** `arn:aws:iam::<account>:role/<path><name>`; the path defaults to `/`. */
export function roleArn(ref: Pick<RoleRef, 'account' | 'region' | 'roleName' | 'path'>): string {
  return `arn:${partitionOf(ref.region)}:iam::${ref.account}:role${ref.path ?? '/'}${ref.roleName}`;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role(\/(?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** Resolves a role name or role ARN (with its path) to a reference; null for anything else. */
export function parseRoleName(value: string, account: string, region: string): RoleRef | null {
  const arn = ROLE_ARN.exec(value);
  if (arn) return { kind: 'iam-role', account: arn[1] ?? account, region: iamRegionFor(region), roleName: arn[3] ?? '', path: arn[2] ?? '/' };
  if (ROLE_NAME.test(value)) return { kind: 'iam-role', account, region: iamRegionFor(region), roleName: value };
  return null;
}

/** `…:rule/<name>` on the default bus, `…:rule/<bus>/<name>` on another. */
export function eventRuleArn(ref: Pick<EventRuleRef, 'account' | 'region' | 'eventBusName' | 'ruleName'>): string {
  const bus = ref.eventBusName === 'default' ? '' : `${ref.eventBusName}/`;
  return `arn:${partitionOf(ref.region)}:events:${ref.region}:${ref.account}:rule/${bus}${ref.ruleName}`;
}

const RULE_NAME = /^[\w.-]{1,64}$/;
const RULE_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):rule\/(?:([\w./-]+)\/)?([\w.-]{1,64})$/;

/**
 * Resolves EventBridge's rule parameters (`name` or `rule`: a rule name, or defensively a rule ARN;
 * `eventBusName`: a bus name or ARN, `default` when absent) to a reference; null for anything else.
 */
export function parseEventRuleName(rule: string, eventBusName: string, account: string, region: string): EventRuleRef | null {
  const busName = eventBusName.startsWith('arn:') ? (/:event-bus\/([\w./-]+)$/.exec(eventBusName)?.[1] ?? null) : eventBusName;
  if (busName === null || busName === '') return null;
  const arn = RULE_ARN.exec(rule);
  if (arn) return { kind: 'events-rule', region: arn[1] ?? region, account: arn[2] ?? account, eventBusName: arn[3] ?? 'default', ruleName: arn[4] ?? '' };
  return RULE_NAME.test(rule) ? { kind: 'events-rule', account, region, eventBusName: busName, ruleName: rule } : null;
}

export function trailArn(ref: Pick<TrailRef, 'account' | 'region' | 'trailName'>): string {
  return `arn:${partitionOf(ref.region)}:cloudtrail:${ref.region}:${ref.account}:trail/${ref.trailName}`;
}

const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/([\w.-]+)$/;

/** Resolves CloudTrail's `name` parameter (a trail name or ARN); a bare name is in the event's account and region. */
export function parseTrailName(value: string, account: string, region: string): TrailRef | null {
  const arn = TRAIL_ARN.exec(value);
  if (arn) return { kind: 'cloudtrail-trail', region: arn[1] ?? region, account: arn[2] ?? account, trailName: arn[3] ?? '' };
  if (/^[\w.-]{3,128}$/.test(value)) return { kind: 'cloudtrail-trail', region, account, trailName: value };
  return null;
}

/** A stable string key for a resource reference. */
export function resourceKey(ref: ResourceRef): string {
  return resourceArn(ref);
}

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;
const PARTIAL_FUNCTION_ARN = /^(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;
const FUNCTION_NAME = /^([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;

/**
 * Resolves Lambda's `FunctionName` parameter — a name, a full ARN or a partial ARN, each
 * optionally qualified — to a reference. The event's account and region fill what is missing.
 * Returns null for a value that is none of these.
 */
export function parseFunctionName(value: string, account: string, region: string, qualifier?: string): FunctionRef | null {
  const full = FUNCTION_ARN.exec(value);
  if (full) {
    return { kind: 'lambda-function', region: full[1] ?? region, account: full[2] ?? account, functionName: full[3] ?? '', qualifier: full[4] ?? qualifier };
  }
  const partial = PARTIAL_FUNCTION_ARN.exec(value);
  if (partial) {
    return { kind: 'lambda-function', region, account: partial[1] ?? account, functionName: partial[2] ?? '', qualifier: partial[3] ?? qualifier };
  }
  const name = FUNCTION_NAME.exec(value);
  if (name) {
    return { kind: 'lambda-function', region, account, functionName: name[1] ?? '', qualifier: name[2] ?? qualifier };
  }
  return null;
}

const LAYER_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([A-Za-z0-9_-]+)(?::(\d+))?$/;

/** Resolves a layer name or layer (version) ARN plus an optional version number to a reference. */
export function parseLayerVersion(value: string, version: number | undefined, account: string, region: string): LayerVersionRef | null {
  const arn = LAYER_ARN.exec(value);
  if (arn) {
    const v = arn[4] === undefined ? version : Number(arn[4]);
    if (v === undefined || !Number.isInteger(v)) return null;
    return { kind: 'lambda-layer-version', region: arn[1] ?? region, account: arn[2] ?? account, layerName: arn[3] ?? '', version: v };
  }
  if (/^[A-Za-z0-9_-]+$/.test(value) && version !== undefined && Number.isInteger(version)) {
    return { kind: 'lambda-layer-version', region, account, layerName: value, version };
  }
  return null;
}

// ── Snapshots ────────────────────────────────────────────────────────────────────────────

const conditionBlock = lazySchema(() => z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string()), z.boolean(), z.number()]))));
const stringOrList = lazySchema(() => z.union([z.string(), z.array(z.string())]));
const principal = lazySchema(() => z.union([z.literal('*'), z.record(z.string(), stringOrList)]));

export const PolicyStatementSchema = lazySchema(() => z.looseObject({
  Sid: z.string().optional(),
  Effect: z.enum(['Allow', 'Deny']),
  Principal: principal.optional(),
  NotPrincipal: principal.optional(),
  Action: stringOrList.optional(),
  NotAction: stringOrList.optional(),
  Resource: stringOrList.optional(),
  NotResource: stringOrList.optional(),
  Condition: conditionBlock.optional(),
}));

export const PolicyDocumentSchema = lazySchema(() => z.looseObject({
  Version: z.string().optional(),
  Id: z.string().optional(),
  Statement: z.union([PolicyStatementSchema, z.array(PolicyStatementSchema)]),
}));

export type PolicyStatement = z.infer<typeof PolicyStatementSchema>;
export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;

/** The subset of `GetFunctionConfiguration` output the rules read; other fields are kept. */
export const FunctionConfigurationSchema = lazySchema(() => z.looseObject({
  FunctionName: z.string().optional(),
  FunctionArn: z.string().optional(),
  Runtime: z.string().optional(),
  Role: z.string().optional(),
  Handler: z.string().optional(),
  Version: z.string().optional(),
  LastModified: z.string().optional(),
  KMSKeyArn: z.string().optional(),
  PackageType: z.string().optional(),
  Environment: z
    .looseObject({
      Variables: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  Layers: z.array(z.looseObject({ Arn: z.string(), CodeSize: z.number().optional() })).optional(),
  VpcConfig: z
    .looseObject({
      SubnetIds: z.array(z.string()).optional(),
      SecurityGroupIds: z.array(z.string()).optional(),
      VpcId: z.string().optional(),
    })
    .optional(),
  DeadLetterConfig: z.looseObject({ TargetArn: z.string().optional() }).optional(),
}));
export type FunctionConfiguration = z.infer<typeof FunctionConfigurationSchema>;

/** The subset of `GetFunctionUrlConfig` output the rules read. */
export const FunctionUrlConfigSchema = lazySchema(() => z.looseObject({
  FunctionUrl: z.string().optional(),
  FunctionArn: z.string().optional(),
  AuthType: z.enum(['NONE', 'AWS_IAM']),
  InvokeMode: z.string().optional(),
  Cors: z.unknown().optional(),
  CreationTime: z.string().optional(),
  LastModifiedTime: z.string().optional(),
}));
export type FunctionUrlConfig = z.infer<typeof FunctionUrlConfigSchema>;

const DestinationSchema = lazySchema(() => z.looseObject({ Destination: z.string().optional() }));

/** The subset of `GetFunctionEventInvokeConfig` output the rules read (asynchronous invocation of one function, version or alias). */
export const FunctionEventInvokeConfigSchema = lazySchema(() => z.looseObject({
  FunctionArn: z.string().optional(),
  MaximumRetryAttempts: z.number().int().optional(),
  MaximumEventAgeInSeconds: z.number().int().optional(),
  DestinationConfig: z.looseObject({ OnSuccess: DestinationSchema.optional(), OnFailure: DestinationSchema.optional() }).optional(),
}));
export type FunctionEventInvokeConfig = z.infer<typeof FunctionEventInvokeConfigSchema>;

/**
 * Parts of a function's state that a rule can ask for; the reader fetches only those asked.
 * `executionRole` is read by the engine (through `StateReader.readRole`), and only when the
 * configured role differs from the last-known-good one: the rules asking for it judge a swap.
 */
export const FUNCTION_STATE_PARTS = ['configuration', 'policy', 'urlConfig', 'tags', 'executionRole', 'recursion', 'concurrency', 'codeSigning', 'eventInvokeConfig', 'eventSourceMappings', 'logGroup'] as const;
export type FunctionStatePart = (typeof FUNCTION_STATE_PARTS)[number];

/** A CloudWatch Logs log group name (`[.-_/#A-Za-z0-9]+`, at most 512). */
export const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

/** The log group a function writes to by its configuration: `LoggingConfig.LogGroup`, else `/aws/lambda/<name>`. */
export function functionLogGroupName(configuration: FunctionConfiguration, functionName: string): string {
  const logging = configuration.LoggingConfig;
  const group = typeof logging === 'object' && logging !== null ? (logging as Record<string, unknown>).LogGroup : undefined;
  return typeof group === 'string' && group !== '' ? group : `/aws/lambda/${functionName}`;
}

/** The function name a `/aws/lambda/<name>` log group belongs to by default; null for any other group. */
export function defaultLogGroupFunction(logGroupName: string): string | null {
  return /^\/aws\/lambda\/([A-Za-z0-9_-]{1,64})$/.exec(logGroupName)?.[1] ?? null;
}

/**
 * The log group a function writes to now (issue #17), as `DescribeLogGroups` lists it: `group` is null
 * when no such group exists (deleted, or never created: Lambda creates it on the first invocation).
 */
export interface FunctionLogGroup {
  readonly logGroupName: string;
  readonly group: {
    /** Days CloudWatch keeps the events; null: never expire. */
    readonly retentionInDays: number | null;
    /** Milliseconds since the epoch; null when not reported. */
    readonly creationTime: number | null;
  } | null;
}

/** A function's code-signing config as `GetFunctionCodeSigningConfig` and `GetCodeSigningConfig` return it (issue #17). */
export interface FunctionCodeSigning {
  readonly codeSigningConfigArn: string;
  /** `CodeSigningPolicies.UntrustedArtifactOnDeployment`: `Enforce` blocks unsigned code, `Warn` only logs it; null when the config is gone. */
  readonly untrustedArtifactOnDeployment: string | null;
  /**
   * The functions of the account and region using the config (`ListFunctionsByCodeSigningConfig`), read only
   * when it warns: setting it back to Enforce changes their next deployments too.
   */
  readonly functionArns?: readonly string[];
}

/** An event-source mapping of a function, as `ListEventSourceMappings` lists it (the fields the rules read). */
export const EventSourceMappingSchema = lazySchema(() => z.looseObject({
  UUID: z.string().min(1),
  EventSourceArn: z.string().optional(),
  /** `Enabled`, `Disabled`, `Enabling`, `Disabling`, `Creating`, `Updating`, `Deleting`. */
  State: z.string().optional(),
  /** The function (or version or alias) the mapping invokes. */
  FunctionArn: z.string().optional(),
  /** Where discarded records go (streams and Kafka: `OnFailure`), issue #17. */
  DestinationConfig: z.looseObject({ OnSuccess: DestinationSchema.optional(), OnFailure: DestinationSchema.optional() }).optional(),
}));
export type EventSourceMapping = z.infer<typeof EventSourceMappingSchema>;

/** True for a mapping that delivers (or is about to). */
export function isEnabledState(state: string | undefined): boolean {
  return state === 'Enabled' || state === 'Enabling';
}

/** True for a mapping that no longer delivers (or is about to stop). */
export function isDisabledState(state: string | undefined): boolean {
  return state === 'Disabled' || state === 'Disabling';
}

/**
 * The current state of a function. A part is `undefined` when it was not read, `null` when AWS
 * says it does not exist (no policy, no URL config, function gone).
 */
export interface FunctionSnapshot {
  readonly kind: 'lambda-function';
  readonly ref: FunctionRef;
  readonly arn: string;
  readonly configuration?: FunctionConfiguration | null;
  readonly policy?: PolicyDocument | null;
  readonly urlConfig?: FunctionUrlConfig | null;
  readonly tags?: Readonly<Record<string, string>> | null;
  /** `GetFunctionRecursionConfig`'s `RecursiveLoop` (`Terminate`, `Allow`); null when the function is gone. */
  readonly recursiveLoop?: string | null;
  /** The unqualified function's reserved concurrency (`GetFunctionConcurrency`): a number, `'none'` when unset; null when the function is gone. */
  readonly reservedConcurrency?: number | 'none' | null;
  /** The function's code-signing config; null when it has none (or the function is gone). */
  readonly codeSigning?: FunctionCodeSigning | null;
  /** The asynchronous invocation config of the function (or of the version or alias `ref` names); null when it has none. */
  readonly eventInvokeConfig?: FunctionEventInvokeConfig | null;
  /** The function's event-source mappings (`ListEventSourceMappings`); null when the function is gone. */
  readonly eventSourceMappings?: readonly EventSourceMapping[] | null;
  /** The log group the function writes to and its state; null when the function is gone. */
  readonly logGroup?: FunctionLogGroup | null;
  /** The `RevisionId` GetPolicy returned with `policy`: a plan guarded by it acts only on the state that was judged. */
  readonly policyRevisionId?: string;
  /** The last-known-good baseline a keeper attached (null: none saved yet; absent: no keeper). */
  readonly lastKnownGood?: AttachedFunctionBaseline | null;
  /** Set when the stored baseline failed its integrity check (`lastKnownGood` is then null): the engine raises an alert. */
  readonly baselineRefused?: BaselineRefusal;
  /** The configured execution role's state, when it was swapped from the last-known-good one (see `FunctionStatePart`); absent otherwise. */
  readonly executionRole?: RoleSnapshot;
}

export interface LayerVersionSnapshot {
  readonly kind: 'lambda-layer-version';
  readonly ref: LayerVersionRef;
  readonly arn: string;
  /** The layer version's resource policy; null when it has none (or the version is gone). */
  readonly policy: PolicyDocument | null;
  /** The `RevisionId` GetLayerVersionPolicy returned with `policy`. */
  readonly policyRevisionId?: string;
}

/**
 * The current state of a trail; `undefined` fields were not read (no trail reader), `trail` is
 * null when the trail no longer exists.
 */
export interface TrailSnapshot {
  readonly kind: 'cloudtrail-trail';
  readonly ref: TrailRef;
  readonly arn: string;
  readonly trail?: {
    readonly homeRegion: string;
    readonly isOrganizationTrail: boolean;
    readonly isMultiRegionTrail: boolean;
    /** Whether the trail records global services' events (IAM, STS); absent when not read. */
    readonly includeGlobalServiceEvents?: boolean;
  } | null;
  readonly isLogging?: boolean | null;
  /** True when the event selectors record management events (write or all). */
  readonly recordsManagementEvents?: boolean | null;
}

/** An EventBridge rule: the rules about it judge the change itself, so nothing is read. */
export interface EventRuleSnapshot {
  readonly kind: 'events-rule';
  readonly ref: EventRuleRef;
  readonly arn: string;
}

/** A role as `GetRole` returns it, with the trust policy parsed (canonical form). */
export interface RoleDescription {
  readonly RoleName: string;
  readonly RoleId?: string | undefined;
  readonly Arn: string;
  readonly Path: string;
  readonly CreateDate?: string | undefined;
  readonly Description?: string | undefined;
  readonly AssumeRolePolicyDocument: IamPolicyDocument;
  readonly PermissionsBoundaryArn?: string | undefined;
}

/** A managed policy attached to a role, with its default version's document. */
export interface AttachedRolePolicy {
  readonly arn: string;
  readonly defaultVersionId: string;
  readonly document: IamPolicyDocument;
}

/**
 * The current state of an IAM role (issue #4). `role` is null when the role does not exist; the
 * other parts are then empty. `usedByFunctions` is absent when the reader cannot list functions.
 */
export interface RoleSnapshot {
  readonly kind: 'iam-role';
  readonly ref: RoleRef;
  /** The role's ARN with its real path once read. */
  readonly arn: string;
  /** Undefined: not read (the reader has no IAM access). */
  readonly role?: RoleDescription | null;
  readonly inlinePolicies?: Readonly<Record<string, IamPolicyDocument>>;
  readonly attachedPolicies?: readonly AttachedRolePolicy[];
  /** ARNs of the account's functions whose execution role this is. */
  readonly usedByFunctions?: readonly string[];
  /** The last-known-good baseline a keeper attached (null: none saved yet; absent: no keeper). */
  readonly lastKnownGood?: RoleBaseline | null;
  /** Set when the stored baseline failed its integrity check (`lastKnownGood` is then null): the engine raises an alert. */
  readonly baselineRefused?: BaselineRefusal;
}

/** One method (REST) or route (HTTP) as a stage serves it: what its deployment holds, not the draft. */
export interface DeployedRoute {
  /** `GET`, `POST`, … or `ANY`. */
  readonly method: string;
  /** `/orders/{id}`; `$default` for an HTTP API's default route. */
  readonly path: string;
  /**
   * How a caller must authenticate, from the deployed definition: `NONE`, `AWS_IAM`, `API_KEY` (REST:
   * an API key required, no authorizer), `COGNITO_USER_POOLS`, `CUSTOM` (a Lambda authorizer), `JWT`.
   */
  readonly authorization: string;
  /** The integration's URI (for a Lambda proxy: the function's invocation URI or ARN); null without one. */
  readonly integrationUri: string | null;
  /** The Lambda function the integration invokes (stage variables resolved), when it invokes one. */
  readonly functionArn: string | null;
}

/** A stage of an API and the routes its deployment serves. */
export interface ApiStage {
  readonly stageName: string;
  /** The deployment the stage serves; null when it has none (it then serves nothing). */
  readonly deploymentId: string | null;
  /** HTTP APIs: every change is deployed to this stage at once. */
  readonly autoDeploy: boolean;
  readonly tags: Readonly<Record<string, string>>;
  readonly routes: readonly DeployedRoute[];
}

/**
 * The current state of an API (issue #17): its name and tags, and per stage the routes its deployment
 * serves. `api` is null when the API no longer exists; `undefined` fields were not read (no reader).
 */
export interface ApiSnapshot {
  readonly kind: 'apigateway-api';
  readonly ref: ApiRef;
  readonly arn: string;
  readonly api?: {
    readonly name: string;
    readonly tags: Readonly<Record<string, string>>;
    /** REST APIs: `endpointConfiguration.types` (`EDGE`, `REGIONAL`, `PRIVATE`: reachable only through VPC endpoints); empty for HTTP APIs. */
    readonly endpointTypes: readonly string[];
  } | null;
  readonly stages?: readonly ApiStage[];
}

/** A security group rule as `DescribeSecurityGroupRules` returns it (the fields the rules read). */
export const SecurityGroupRuleSchema = lazySchema(() => z.looseObject({
  SecurityGroupRuleId: z.string(),
  GroupId: z.string(),
  GroupOwnerId: z.string().optional(),
  IsEgress: z.boolean(),
  /** `-1` (all traffic), `tcp`, `udp`, `icmp`, … or a protocol number (`6`, `17`). */
  IpProtocol: z.string(),
  FromPort: z.number().int().optional(),
  ToPort: z.number().int().optional(),
  CidrIpv4: z.string().optional(),
  CidrIpv6: z.string().optional(),
  PrefixListId: z.string().optional(),
  ReferencedGroupInfo: z.looseObject({ GroupId: z.string().optional() }).optional(),
  Description: z.string().optional(),
}));
export type SecurityGroupRule = z.infer<typeof SecurityGroupRuleSchema>;

/**
 * The current state of a security group rule (issue #17 rule 5): the rule (null when it is gone), its
 * group's name, VPC and tags, and the functions of the account and region that use the group.
 * Undefined parts were not read.
 */
export interface SecurityGroupRuleSnapshot {
  readonly kind: 'ec2-security-group-rule';
  readonly ref: SecurityGroupRuleRef;
  readonly arn: string;
  readonly rule?: SecurityGroupRule | null;
  readonly group?: { readonly groupId: string; readonly groupName?: string | undefined; readonly vpcId?: string | undefined; readonly tags: Readonly<Record<string, string>> } | null;
  /** Unqualified ARNs of the functions whose `VpcConfig.SecurityGroupIds` hold the rule's group (`ListFunctions`). */
  readonly usedByFunctions?: readonly string[];
}

export type ResourceSnapshot = FunctionSnapshot | LayerVersionSnapshot | TrailSnapshot | EventRuleSnapshot | RoleSnapshot | ApiSnapshot | SecurityGroupRuleSnapshot;

export interface SnapshotByKind {
  'lambda-function': FunctionSnapshot;
  'lambda-layer-version': LayerVersionSnapshot;
  'cloudtrail-trail': TrailSnapshot;
  'events-rule': EventRuleSnapshot;
  'iam-role': RoleSnapshot;
  'apigateway-api': ApiSnapshot;
  'ec2-security-group-rule': SecurityGroupRuleSnapshot;
}

/** Parses the JSON text of a resource policy (as `GetPolicy` returns it). */
export function parsePolicyText(text: string): PolicyDocument {
  return PolicyDocumentSchema.parse(JSON.parse(text));
}
