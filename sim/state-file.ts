/**
 * The state file of `warden simulate --state`: the Lambda functions, layer versions, IAM roles and
 * policies, CloudTrail trails and CloudWatch Logs log groups an in-memory account starts with, in API shapes. Fields are only
 * ever added, never renamed. Fields the AWS APIs return beside the ones the simulator needs
 * (`PolicyName` from GetPolicy, `Code` from GetFunction …) are accepted and ignored; any other key
 * in an entry is a mistake (a misspelled contract key) and is rejected by name. Top-level sections
 * the simulator does not know pass, for other parts of the account.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { InvalidStateError } from '../functions/shared/errors';
import { describeIssues } from '../functions/shared/validation';
import { InvalidPolicyError, parseIamPolicyDocument } from '../functions/shared/policy/iam-policy';
import {
  FunctionConfigurationSchema,
  FunctionEventInvokeConfigSchema,
  FunctionUrlConfigSchema,
  LOG_GROUP_NAME,
  parseFunctionName,
  parseLayerVersion,
  PolicyDocumentSchema,
} from '../functions/shared/state/resources';
import { CODE_SIGNING_CONFIG_ARN } from './in-memory-lambda';
import { RETENTION_DAYS } from './in-memory-logs';
import { StateHttpApiSchema, StateRestApiSchema } from './api-gateway-state';

const AccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1');
const FunctionName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a function name (letters, digits, - and _, at most 64), not an ARN');
const Qualifier = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a version number or an alias name');

/** Fields an AWS API returns that the simulator does not need: accepted, then ignored. */
const ignored = z.unknown().optional();

/** A resource policy: the document as an object, or as the JSON text Lambda's `GetPolicy` returns in `Policy`. */
const ResourcePolicy = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch (e: unknown) {
    if (e instanceof SyntaxError) return value; // then rejected by the schema, naming the field
    throw e;
  }
}, PolicyDocumentSchema.nullable());

/** A version or alias of a function, with its own policy and URL. */
export const StateQualifierSchema = z.strictObject({
  /** For an alias: the version it points to (default `$LATEST`). */
  FunctionVersion: z.string().min(1).optional(),
  Policy: ResourcePolicy.default(null),
  UrlConfig: FunctionUrlConfigSchema.nullable().default(null),
  /** `GetFunctionEventInvokeConfig` output for this version or alias (asynchronous invocation, destinations), or null. */
  EventInvokeConfig: FunctionEventInvokeConfigSchema.nullable().default(null),
  // GetAlias / GetPolicy output besides what is needed.
  AliasArn: ignored,
  Name: ignored,
  Description: ignored,
  RevisionId: ignored,
  RoutingConfig: ignored,
});

/** An event-source mapping of a function, as `ListEventSourceMappings` lists it (the fields the simulator needs). */
export const StateEventSourceMappingSchema = z.strictObject({
  UUID: z.string().regex(/^[0-9a-f-]{36}$/, 'must be the mapping UUID Lambda assigned'),
  EventSourceArn: z.string().startsWith('arn:', 'must be the ARN of the event source (queue, stream, topic)'),
  State: z.enum(['Enabled', 'Disabled']).default('Enabled'),
  // ListEventSourceMappings output besides what is needed.
  FunctionArn: ignored,
  BatchSize: ignored,
  MaximumBatchingWindowInSeconds: ignored,
  LastModified: ignored,
  StateTransitionReason: ignored,
  LastProcessingResult: ignored,
  StartingPosition: ignored,
  FunctionResponseTypes: ignored,
  EventSourceMappingArn: ignored,
});

export const StateFunctionSchema = z.strictObject({
  Account: AccountId,
  Region,
  /** `GetFunctionConfiguration` output; `FunctionArn` is derived when missing. */
  Configuration: FunctionConfigurationSchema.extend({ FunctionName }),
  /** The unqualified function's resource policy document (an object, or GetPolicy's JSON text), or null. */
  Policy: ResourcePolicy.default(null),
  /** `GetFunctionUrlConfig` output for the unqualified function, or null. */
  UrlConfig: FunctionUrlConfigSchema.nullable().default(null),
  Tags: z.record(z.string(), z.string()).default({}),
  /** `GetFunctionEventInvokeConfig` output for the unqualified function (asynchronous invocation, destinations), or null. */
  EventInvokeConfig: FunctionEventInvokeConfigSchema.nullable().default(null),
  ReservedConcurrentExecutions: z.number().int().nonnegative().optional(),
  /** `GetFunctionRecursionConfig`'s setting (issue #17); Lambda's default is `Terminate`. */
  RecursiveLoop: z.enum(['Allow', 'Terminate']).optional(),
  /** `GetFunctionCodeSigningConfig`'s config ARN (issue #17): one of `codeSigningConfigs`. */
  CodeSigningConfigArn: z.string().regex(CODE_SIGNING_CONFIG_ARN, 'must be a code-signing config ARN (…:code-signing-config:csc-…)').optional(),
  /** The function's event-source mappings (`ListEventSourceMappings` entries; `FunctionArn` is this function's). */
  EventSourceMappings: z.array(StateEventSourceMappingSchema).optional(),
  /** Versions (numbers) and aliases, each with its own policy and URL. */
  Qualifiers: z.record(Qualifier, StateQualifierSchema).optional(),
  // GetFunction output besides Configuration and Tags; GetPolicy's RevisionId.
  Code: ignored,
  Concurrency: ignored,
  TagsError: ignored,
  RevisionId: ignored,
});

export const StateLayerVersionSchema = z.strictObject({
  Account: AccountId,
  Region,
  LayerVersionArn: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/, 'must be a layer version ARN (…:layer:NAME:VERSION)'),
  Policy: ResourcePolicy.default(null),
  // GetLayerVersion / GetLayerVersionPolicy output besides what is needed.
  LayerArn: ignored,
  Version: ignored,
  Description: ignored,
  CreatedDate: ignored,
  CompatibleRuntimes: ignored,
  CompatibleArchitectures: ignored,
  LicenseInfo: ignored,
  Content: ignored,
  RevisionId: ignored,
});

/** A code-signing config (issue #17): `GetCodeSigningConfig`'s CodeSigningConfig. */
export const StateCodeSigningConfigSchema = z.strictObject({
  Account: AccountId,
  Region,
  CodeSigningConfigArn: z.string().regex(CODE_SIGNING_CONFIG_ARN, 'must be a code-signing config ARN (…:code-signing-config:csc-…)'),
  CodeSigningPolicies: z.strictObject({ UntrustedArtifactOnDeployment: z.enum(['Warn', 'Enforce']) }),
  AllowedPublishers: z.strictObject({ SigningProfileVersionArns: z.array(z.string()) }).optional(),
  Description: z.string().optional(),
  // GetCodeSigningConfig output besides what is needed.
  CodeSigningConfigId: ignored,
  LastModified: ignored,
});

/** A policy document as a JSON object, or as IAM returns it (URL-encoded JSON text); it must be a valid IAM policy. */
const IamDocument = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value.trimStart().startsWith('%') ? decodeURIComponent(value) : value) as unknown;
  } catch (e: unknown) {
    if (e instanceof SyntaxError || e instanceof URIError) return value;
    throw e;
  }
}, z.record(z.string(), z.unknown())).superRefine((value, context) => {
  try {
    parseIamPolicyDocument(value);
  } catch (e: unknown) {
    if (!(e instanceof InvalidPolicyError)) throw e;
    context.addIssue({ code: 'custom', message: e.issues.length > 0 ? e.issues.join('; ') : e.message });
  }
});
const ManagedPolicyArn = z.string().regex(/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]+$/, 'must be a managed policy ARN');

/** An IAM role (issue #4): `GetRole`'s Role with the trust policy as a JSON object, its inline documents and attached policy ARNs. */
export const StateRoleSchema = z.strictObject({
  Account: AccountId,
  Role: z.looseObject({
    RoleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name'),
    Path: z.string().regex(/^\/([\w+=,.@-]+\/)*$/, 'must be an IAM path such as / or /service-role/').optional(),
    Arn: z.string().optional(),
    Description: z.string().optional(),
    AssumeRolePolicyDocument: IamDocument,
  }),
  InlinePolicies: z.record(z.string(), IamDocument).default({}),
  /**
   * Managed policy ARNs: AWS managed ones are known, customer managed ones must be in `policies`.
   * `ListAttachedRolePolicies` entries (`{ PolicyName, PolicyArn }`) are accepted as well.
   */
  AttachedPolicies: z
    .array(z.union([ManagedPolicyArn, z.strictObject({ PolicyArn: ManagedPolicyArn, PolicyName: z.string().optional() }).transform((p) => p.PolicyArn)]))
    .default([]),
});

/** A customer managed policy with its versions (`v1` …) and default version. */
export const StatePolicySchema = z.strictObject({
  Account: AccountId,
  Arn: ManagedPolicyArn,
  DefaultVersionId: z.string().regex(/^v[1-9]\d*$/, 'must be a version id such as v1'),
  Versions: z.record(z.string().regex(/^v[1-9]\d*$/, 'must be a version id such as v1'), IamDocument),
  // GetPolicy output besides what is needed.
  PolicyName: ignored,
  PolicyId: ignored,
  Path: ignored,
  AttachmentCount: ignored,
  PermissionsBoundaryUsageCount: ignored,
  IsAttachable: ignored,
  Description: ignored,
  CreateDate: ignored,
  UpdateDate: ignored,
  Tags: ignored,
});

const EventSelectorSchema = z.looseObject({
  ReadWriteType: z.enum(['ReadOnly', 'WriteOnly', 'All']).optional(),
  IncludeManagementEvents: z.boolean().optional(),
  DataResources: z.array(z.looseObject({ Type: z.string().optional(), Values: z.array(z.string()).optional() })).optional(),
  ExcludeManagementEventSources: z.array(z.string()).optional(),
});
const AdvancedEventSelectorSchema = z.looseObject({
  Name: z.string().optional(),
  FieldSelectors: z.array(
    z.looseObject({
      Field: z.string(),
      Equals: z.array(z.string()).optional(),
      NotEquals: z.array(z.string()).optional(),
      StartsWith: z.array(z.string()).optional(),
      NotStartsWith: z.array(z.string()).optional(),
      EndsWith: z.array(z.string()).optional(),
      NotEndsWith: z.array(z.string()).optional(),
    }),
  ),
});

/**
 * A CloudTrail trail: `GetTrail`'s Trail (its `Name` and home region at least), `GetTrailStatus`'s
 * `IsLogging`, and `GetEventSelectors`' selectors (default: all management events).
 */
export const StateTrailSchema = z.strictObject({
  Account: AccountId,
  Trail: z.looseObject({
    Name: z.string().regex(/^[\w.-]{3,128}$/, 'must be a trail name (not an ARN)'),
    HomeRegion: Region,
    IsOrganizationTrail: z.boolean().optional(),
    IsMultiRegionTrail: z.boolean().optional(),
    IncludeGlobalServiceEvents: z.boolean().optional(),
  }),
  IsLogging: z.boolean().default(true),
  EventSelectors: z.array(EventSelectorSchema).optional(),
  AdvancedEventSelectors: z.array(AdvancedEventSelectorSchema).optional(),
});

/** An EventBridge rule (`DescribeRule` and `ListTargetsByRule` output, names as the API spells them). */
export const StateEventRuleSchema = z.strictObject({
  Account: AccountId,
  Region,
  EventBusName: z.string().regex(/^[\w./-]{1,256}$/, 'must be an event bus name').default('default'),
  Name: z.string().regex(/^[\w.-]{1,64}$/, 'must be an EventBridge rule name'),
  State: z.enum(['ENABLED', 'DISABLED']).default('ENABLED'),
  EventPattern: z.string().optional(),
  ScheduleExpression: z.string().optional(),
  Targets: z.array(z.strictObject({ Id: z.string().min(1), Arn: z.string().min(1), RoleArn: z.string().optional() })).default([]),
});

/**
 * A CloudWatch Logs log group (issue #17): `DescribeLogGroups`' entry as the API spells it (camelCase), in
 * `Account` and `Region`. Without `retentionInDays` it never expires; `creationTime` defaults to the load time.
 */
export const StateLogGroupSchema = z.strictObject({
  Account: AccountId,
  Region,
  LogGroup: z.strictObject({
    logGroupName: z.string().regex(LOG_GROUP_NAME, 'must be a log group name (letters, digits, . - _ / #, at most 512)'),
    retentionInDays: z
      .number()
      .int()
      .refine((days) => RETENTION_DAYS.has(days), 'must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90 … 3653)')
      .optional(),
    /** Milliseconds since the epoch. */
    creationTime: z.number().int().nonnegative().optional(),
    // DescribeLogGroups output besides what is needed.
    arn: ignored,
    logGroupArn: ignored,
    metricFilterCount: ignored,
    storedBytes: ignored,
    kmsKeyId: ignored,
    logGroupClass: ignored,
    dataProtectionStatus: ignored,
    inheritedProperties: ignored,
    deletionProtectionEnabled: ignored,
  }),
});

/** An egress rule of a security group (`DescribeSecurityGroupRules` output; the id is generated when missing). */
export const StateSecurityGroupRuleSchema = z.strictObject({
  SecurityGroupRuleId: z.string().regex(/^sgr-[0-9a-f]{8,17}$/, 'must be a security group rule id (sgr-…)').optional(),
  IpProtocol: z.string().min(1),
  FromPort: z.number().int().optional(),
  ToPort: z.number().int().optional(),
  CidrIpv4: z.string().optional(),
  CidrIpv6: z.string().optional(),
  PrefixListId: z.string().optional(),
  ReferencedGroupInfo: z.strictObject({ GroupId: z.string(), UserId: ignored, VpcId: ignored, PeeringStatus: ignored, VpcPeeringConnectionId: ignored }).optional(),
  Description: z.string().optional(),
  // DescribeSecurityGroupRules output besides what is needed.
  GroupId: ignored,
  GroupOwnerId: ignored,
  IsEgress: ignored,
  SecurityGroupRuleArn: ignored,
  Tags: ignored,
});

/**
 * A VPC security group (issue #17 rule 5): `DescribeSecurityGroups` fields and its egress rules. Without
 * `EgressRules` the group has EC2's default egress rule (all traffic to 0.0.0.0/0); with them, exactly those.
 */
export const StateSecurityGroupSchema = z.strictObject({
  Account: AccountId,
  Region,
  GroupId: z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id (sg-…)'),
  GroupName: z.string().min(1),
  Description: z.string().optional(),
  VpcId: z.string().optional(),
  Tags: z.array(z.strictObject({ Key: z.string(), Value: z.string() })).default([]),
  EgressRules: z.array(StateSecurityGroupRuleSchema).optional(),
  // DescribeSecurityGroups output besides what is needed.
  OwnerId: ignored,
  SecurityGroupArn: ignored,
  IpPermissions: ignored,
  IpPermissionsEgress: ignored,
});

export const StateFileSchema = z
  .looseObject({
    functions: z.array(StateFunctionSchema).default([]),
    layers: z.array(StateLayerVersionSchema).default([]),
    roles: z.array(StateRoleSchema).default([]),
    policies: z.array(StatePolicySchema).default([]),
    trails: z.array(StateTrailSchema).default([]),
    eventRules: z.array(StateEventRuleSchema).default([]),
    codeSigningConfigs: z.array(StateCodeSigningConfigSchema).default([]),
    logGroups: z.array(StateLogGroupSchema).default([]),
    /** API Gateway REST APIs and HTTP APIs (issue #17): see `sim/api-gateway-state.ts`. */
    restApis: z.array(StateRestApiSchema).default([]),
    httpApis: z.array(StateHttpApiSchema).default([]),
    securityGroups: z.array(StateSecurityGroupSchema).default([]),
  })
  .superRefine((state, context) => {
    const seen = new Map<string, number>();
    state.functions.forEach((entry, index) => {
      const { Account, Region: region, Configuration } = entry;
      const key = `${Account}:${region}:${Configuration.FunctionName}`;
      const first = seen.get(key);
      if (first !== undefined) {
        context.addIssue({ code: 'custom', path: ['functions', index, 'Configuration', 'FunctionName'], message: `duplicate of functions.${first}` });
      }
      seen.set(key, first ?? index);
      if (Configuration.FunctionArn !== undefined) {
        const ref = parseFunctionName(Configuration.FunctionArn, Account, region);
        if (ref?.account !== Account || ref.region !== region || ref.functionName !== Configuration.FunctionName || ref.qualifier !== undefined || !Configuration.FunctionArn.startsWith('arn:')) {
          context.addIssue({ code: 'custom', path: ['functions', index, 'Configuration', 'FunctionArn'], message: 'must be the unqualified ARN of FunctionName in Account and Region' });
        }
      }
    });
    const configs = new Set(state.codeSigningConfigs.map((c) => c.CodeSigningConfigArn));
    state.functions.forEach((entry, index) => {
      if (entry.CodeSigningConfigArn !== undefined && !configs.has(entry.CodeSigningConfigArn)) {
        context.addIssue({ code: 'custom', path: ['functions', index, 'CodeSigningConfigArn'], message: 'must be the ARN of one of codeSigningConfigs' });
      }
    });
    state.codeSigningConfigs.forEach((entry, index) => {
      const [, , , region, account] = entry.CodeSigningConfigArn.split(':');
      if (region !== entry.Region || account !== entry.Account) context.addIssue({ code: 'custom', path: ['codeSigningConfigs', index, 'CodeSigningConfigArn'], message: 'must name a config in Account and Region' });
    });
    state.policies.forEach((entry, index) => {
      if (!(entry.DefaultVersionId in entry.Versions)) context.addIssue({ code: 'custom', path: ['policies', index, 'DefaultVersionId'], message: 'must be one of Versions' });
      if (Object.keys(entry.Versions).length > 5) context.addIssue({ code: 'custom', path: ['policies', index, 'Versions'], message: 'a managed policy has at most 5 versions' });
    });
    const groups = new Map<string, number>();
    state.logGroups.forEach((entry, index) => {
      const key = `${entry.Account}:${entry.Region}:${entry.LogGroup.logGroupName}`;
      const first = groups.get(key);
      if (first !== undefined) context.addIssue({ code: 'custom', path: ['logGroups', index, 'LogGroup', 'logGroupName'], message: `duplicate of logGroups.${String(first)}` });
      groups.set(key, first ?? index);
    });
    state.layers.forEach((entry, index) => {
      const ref = parseLayerVersion(entry.LayerVersionArn, undefined, entry.Account, entry.Region);
      if (ref !== null && (ref.account !== entry.Account || ref.region !== entry.Region)) {
        context.addIssue({ code: 'custom', path: ['layers', index, 'LayerVersionArn'], message: 'must name a layer in Account and Region' });
      }
    });
  });

export type StateFile = z.output<typeof StateFileSchema>;
export type StateFileInput = z.input<typeof StateFileSchema>;
export type StateFunction = z.output<typeof StateFunctionSchema>;
export type StateLayerVersion = z.output<typeof StateLayerVersionSchema>;
export type StateRole = z.output<typeof StateRoleSchema>;
export type StatePolicy = z.output<typeof StatePolicySchema>;
export type StateTrail = z.output<typeof StateTrailSchema>;
export type StateEventRule = z.output<typeof StateEventRuleSchema>;
export type StateCodeSigningConfig = z.output<typeof StateCodeSigningConfigSchema>;
export type StateLogGroup = z.output<typeof StateLogGroupSchema>;
export type StateSecurityGroup = z.output<typeof StateSecurityGroupSchema>;

/**
 * Validates a parsed state file.
 * @throws InvalidStateError naming every missing or malformed field (`functions.0.Configuration.FunctionName: …`).
 */
export function parseStateFile(input: unknown): StateFile {
  const result = StateFileSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidStateError(`Invalid state file: ${describeIssues(result.error, '(state file)')}`, { cause: result.error });
}

/**
 * Reads and validates a state file from disk.
 * @throws InvalidStateError when it cannot be read, is not JSON, or fails validation.
 */
export async function loadStateFile(path: string): Promise<StateFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: unknown) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    throw new InvalidStateError(`Cannot read state file ${path} (${code})`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e: unknown) {
    throw new InvalidStateError(`State file ${path} is not valid JSON: ${e instanceof Error ? e.message : 'parse error'}`, { cause: e });
  }
  try {
    return parseStateFile(json);
  } catch (e: unknown) {
    if (e instanceof InvalidStateError) throw new InvalidStateError(`${path}: ${e.message}`, { cause: e.cause });
    throw e;
  }
}
