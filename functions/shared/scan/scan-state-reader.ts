/**
 * The `StateReader` of a scan: configurations come from the listing, roles from the account's authorization
 * details, event-source mappings and `/aws/lambda/` log groups from one listing per region (no call per function
 * for them); policies and URL configs are read per function through `LambdaStateReader`. Tags are not read here:
 * see {@link ScanStateReader}. {@link SCAN_FUNCTION_PARTS} says what each part costs, or why it is left unread.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaStateReader, type LambdaClientProvider } from '../aws/lambda-state-reader';
import { readLogGroup } from '../aws/logs-state-reader';
import type { WardenConfig } from '../config/config';
import type { AnyRule } from '../../../rules/rule';
import {
  apiArn,
  securityGroupRuleArn,
  type ApiRef,
  type ApiSnapshot,
  type SecurityGroupRuleRef,
  type SecurityGroupRuleSnapshot,
  functionArn,
  functionLogGroupName,
  roleArn,
  type EventSourceMapping,
  type FunctionConfiguration,
  type FunctionLogGroup,
  type FunctionRef,
  type FunctionSnapshot,
  type FunctionStatePart,
  type LayerVersionRef,
  type LayerVersionSnapshot,
  type ResourceKind,
  type RoleRef,
  type RoleSnapshot,
} from '../state/resources';
import type { StateReader } from '../state/state-reader';

export interface ScanInventory {
  /** Function configurations by unqualified function ARN, as `ListFunctions` returned them. */
  readonly functions: ReadonlyMap<string, FunctionConfiguration>;
  /** Role snapshots by role ARN (with path), without `usedByFunctions`. */
  readonly roles: ReadonlyMap<string, RoleSnapshot>;
  /** Event-source mappings by unqualified function ARN; a region missing from `mappingRegions` was not listed (left unread). */
  readonly eventSourceMappings?: ReadonlyMap<string, readonly EventSourceMapping[]>;
  readonly mappingRegions?: ReadonlySet<string>;
  /** `/aws/lambda/…` log groups by region, then name; a region missing was not listed (left unread). */
  readonly logGroups?: ReadonlyMap<string, ReadonlyMap<string, NonNullable<FunctionLogGroup['group']>>>;
  /** The egress rules of the groups the listed VPC functions use, by rule ARN (issue #17). */
  readonly securityGroupRules?: ReadonlyMap<string, SecurityGroupRuleSnapshot>;
}

/** The keys of `scan` in the configuration that opt in to reads beyond the default budget. */
export type ScanOptIn = keyof WardenConfig['scan'];

/** How a scan obtains one part of a function's state (issue #17): what it costs, or why it is left unread. */
export type ScanPartSource =
  | { readonly read: 'listing'; readonly cost: string }
  | { readonly read: 'per-function'; readonly cost: string }
  | { readonly read: 'opt-in'; readonly key: ScanOptIn; readonly cost: string }
  | { readonly read: 'never'; readonly reason: string };

/** Every part a rule can ask for, and how a scan reads it (the compiler makes a new part appear here; a test checks the rules against it). */
export const SCAN_FUNCTION_PARTS: { readonly [P in FunctionStatePart]: ScanPartSource } = {
  configuration: { read: 'listing', cost: 'ListFunctions: 50 functions a page (a version or alias: GetFunctionConfiguration)' },
  policy: { read: 'per-function', cost: 'GetPolicy: 1 call per function, alias and aliased version' },
  urlConfig: { read: 'per-function', cost: 'GetFunctionUrlConfig: 1 call per function and alias' },
  executionRole: { read: 'listing', cost: 'GetAccountAuthorizationDetails: a few calls per account (the engine asks readRole)' },
  eventSourceMappings: { read: 'listing', cost: 'ListEventSourceMappings without FunctionName: 100 mappings a page, per region' },
  logGroup: { read: 'listing', cost: 'DescribeLogGroups with prefix /aws/lambda/: 50 groups a page, per region; 1 DescribeLogGroups per distinct custom LoggingConfig.LogGroup' },
  eventInvokeConfig: { read: 'opt-in', key: 'readAsyncDestinations', cost: 'GetFunctionEventInvokeConfig: 1 call per function' },
  tags: { read: 'never', reason: 'read only for the exemptions of functions with findings: the one rule reading tags judges tag changes (an event)' },
  recursion: { read: 'opt-in', key: 'readRecursion', cost: 'GetFunctionRecursionConfig has no listing: 1 call per function' },
  concurrency: { read: 'opt-in', key: 'readConcurrency', cost: 'GetFunctionConcurrency has no listing: 1 call per function' },
  codeSigning: { read: 'opt-in', key: 'readCodeSigning', cost: 'GetFunctionCodeSigningConfig has no listing: 1 call per function, plus GetCodeSigningConfig per function using a config' },
};

/** How a scan enumerates each resource kind (the compiler makes a new kind appear here; a test checks the rules against it). */
export const SCAN_RESOURCE_SOURCES: { readonly [K in ResourceKind]: ScanPartSource } = {
  'lambda-function': { read: 'listing', cost: 'ListFunctions (with ListAliases per function for its aliases and aliased versions)' },
  'lambda-layer-version': { read: 'listing', cost: 'ListLayers + ListLayerVersions per layer' },
  'iam-role': { read: 'listing', cost: 'GetAccountAuthorizationDetails: a few calls per account' },
  'ec2-security-group-rule': {
    read: 'listing',
    cost: 'the groups in the listed functions\' VpcConfig: 1 DescribeSecurityGroupRules per region and 200 groups, 1 DescribeSecurityGroups for the groups with a rule open to the world (rules that look exactly like EC2\'s default egress rule are not reported)',
  },
  'apigateway-api': { read: 'opt-in', key: 'readApis', cost: 'GetRestApis and GetApis per region, then per API GetRestApi (GetApi) + GetStages + one GetExport (ExportApi) per deployed stage: about 2 + stages calls per API, not bounded by the number of functions' },
  'cloudtrail-trail': { read: 'never', reason: 'a scan enumerates no trails' },
  'events-rule': { read: 'never', reason: 'a scan enumerates no EventBridge rules' },
};

/** The resource kinds a scan enumerates and judges by default (functions with their aliases and versions, layer versions, execution roles, the egress rules of VPC functions' groups). */
export const SCAN_RESOURCE_KINDS: ReadonlySet<ResourceKind> = new Set<ResourceKind>(
  (Object.keys(SCAN_RESOURCE_SOURCES) as ResourceKind[]).filter((kind) => SCAN_RESOURCE_SOURCES[kind].read !== 'never' && SCAN_RESOURCE_SOURCES[kind].read !== 'opt-in'),
);

/**
 * Rules no scan judges, whatever it is configured to read, and why: each judges a change (an event or a detector
 * finding) or a resource kind the scan does not enumerate. A test fails when a rule needs what a scan can never read
 * and is not named here, or is named here and could be judged.
 */
export const SCAN_UNJUDGED_RULES: Readonly<Record<string, string>> = {
  'function-exemption-tag-changed': 'judges a change of the exemption tags (an event); a scan reads tags only for the exemptions of findings',
  'function-runtime-threat': 'judges a GuardDuty finding, not a configuration',
  'trail-logging-stopped': 'a scan enumerates no trails',
  'warden-forwarding-rule-changed': 'judges a change of the bot’s forwarding rules (an event)',
};

/** A rule a scan leaves unjudged, why, and (for the costly reads) which `scan.*` key turns it on. */
export interface UnjudgedRule {
  readonly ruleId: string;
  readonly reason: string;
  readonly key?: ScanOptIn;
  /** True when the rule is judged on the other parts it reads (`function-destination-outside-org`: dead-letter queues only). */
  readonly partial?: true;
}

/**
 * The rules a scan with these `scan.*` settings does not judge: those of {@link SCAN_UNJUDGED_RULES}, and those
 * needing a part or a resource kind whose opt-in key is off (with the key and what turning it on costs). A scan
 * says these in its output: a rule is never skipped silently.
 */
export function unjudgedRules(rules: readonly AnyRule[], scan: Readonly<Partial<WardenConfig['scan']>>): UnjudgedRule[] {
  const out: UnjudgedRule[] = [];
  for (const rule of rules) {
    const never = SCAN_UNJUDGED_RULES[rule.id];
    if (never !== undefined) {
      out.push({ ruleId: rule.id, reason: never });
      continue;
    }
    const sources = [SCAN_RESOURCE_SOURCES[rule.resourceType], ...(rule.resourceType === 'lambda-function' ? rule.reads.map((part) => SCAN_FUNCTION_PARTS[part]) : [])];
    const unread = sources.flatMap((source) => (source.read === 'never' ? [source] : []))[0];
    if (unread !== undefined) {
      out.push({ ruleId: rule.id, reason: unread.reason });
      continue;
    }
    const isOff = (source: ScanPartSource): boolean => source.read === 'opt-in' && scan[source.key] !== true;
    const off = sources.flatMap((source) => (source.read === 'opt-in' && isOff(source) ? [source] : []))[0];
    if (off === undefined) continue;
    // Judged in part: the resource is enumerated and some part the rule reads is read.
    const someRead = !isOff(SCAN_RESOURCE_SOURCES[rule.resourceType]) && rule.resourceType === 'lambda-function' && rule.reads.some((part) => !isOff(SCAN_FUNCTION_PARTS[part]));
    out.push({ ruleId: rule.id, reason: off.cost, key: off.key, ...(someRead ? { partial: true as const } : {}) });
  }
  return out;
}

/**
 * Tags are left unread (`undefined`): the only rule that reads them judges tag *changes*, which a
 * scan has none of (a test pins this), and the scan reads tags for exemptions only on functions
 * with findings. That keeps a clean function at two calls (`GetPolicy`, `GetFunctionUrlConfig`).
 */
export class ScanStateReader implements StateReader {
  private readonly lambda: LambdaStateReader;
  private readonly usedBy = new Map<string, string[]>();
  /** Custom log groups, read once per region and name however many functions log to them. */
  private readonly customGroups = new Map<string, Promise<FunctionLogGroup>>();

  constructor(
    private readonly inventory: ScanInventory,
    lambdaFor: LambdaClientProvider,
    private readonly options: {
      /**
       * The `scan.*` opt-ins: asynchronous invocation configs (`readAsyncDestinations`), recursion, reserved concurrency
       * and code signing (`readRecursion`, `readConcurrency`, `readCodeSigning`), one more call per function each; left unread otherwise.
       */
      readonly readAsyncDestinations?: boolean;
      readonly readRecursion?: boolean;
      readonly readConcurrency?: boolean;
      readonly readCodeSigning?: boolean;
      /** CloudWatch Logs clients by region, for custom log groups (issue #17); without one, such groups are left unread. */
      readonly logsFor?: (region: string) => CloudWatchLogsClient | undefined;
      /** What each stage of an API serves (`scan.readApis`: the responder's `ApiGatewayStateReader`); without it APIs are left unread. */
      readonly apis?: { readApi(ref: ApiRef): Promise<ApiSnapshot> };
    } = {},
  ) {
    this.lambda = new LambdaStateReader(lambdaFor);
    for (const [arn, configuration] of inventory.functions) {
      const role = configuration.Role;
      if (role !== undefined) this.usedBy.set(role, [...(this.usedBy.get(role) ?? []), arn]);
    }
  }

  /** ARNs of the listed functions that run as the role. */
  functionsUsing(roleArnWithPath: string): readonly string[] {
    return [...(this.usedBy.get(roleArnWithPath) ?? [])].sort();
  }

  async readFunction(ref: FunctionRef, parts: readonly FunctionStatePart[]): Promise<FunctionSnapshot> {
    const unqualified = functionArn({ ...ref, qualifier: undefined });
    const listed = this.inventory.functions.get(unqualified);
    const fromList = ref.qualifier === undefined && listed !== undefined;
    const remote = parts.filter((p) => {
      // What SCAN_FUNCTION_PARTS says is read per function (or opted in), and a configuration the listing did not hold (a qualifier).
      const source = SCAN_FUNCTION_PARTS[p];
      return source.read === 'per-function' || (source.read === 'opt-in' && source.key !== 'readApis' && this.options[source.key] === true) || (p === 'configuration' && !fromList);
    });
    const [snapshot, logGroup] = await Promise.all([
      remote.length > 0 ? this.lambda.readFunction(ref, remote) : Promise.resolve<FunctionSnapshot>({ kind: 'lambda-function', ref, arn: functionArn(ref) }),
      parts.includes('logGroup') && listed !== undefined ? this.logGroupOf(ref, listed) : Promise.resolve(undefined),
    ]);
    const mappings = parts.includes('eventSourceMappings') && listed !== undefined && this.inventory.mappingRegions?.has(ref.region) === true ? (this.inventory.eventSourceMappings?.get(unqualified) ?? []) : undefined;
    return {
      ...snapshot,
      ...(fromList && parts.includes('configuration') ? { configuration: listed } : {}),
      ...(mappings === undefined ? {} : { eventSourceMappings: mappings }),
      ...(logGroup === undefined ? {} : { logGroup }),
    };
  }

  /** The group the listed function logs to: `/aws/lambda/<name>` from the region's listing, a custom group read once. */
  private logGroupOf(ref: FunctionRef, configuration: FunctionConfiguration): Promise<FunctionLogGroup | undefined> {
    const name = functionLogGroupName(configuration, ref.functionName);
    const listed = this.inventory.logGroups?.get(ref.region);
    if (name.startsWith('/aws/lambda/')) return Promise.resolve(listed === undefined ? undefined : { logGroupName: name, group: listed.get(name) ?? null });
    const client = this.options.logsFor?.(ref.region);
    if (client === undefined) return Promise.resolve(undefined);
    const key = `${ref.region}|${name}`;
    let read = this.customGroups.get(key);
    if (read === undefined) {
      read = readLogGroup(client, name);
      this.customGroups.set(key, read);
    }
    return read;
  }

  readLayerVersion(ref: LayerVersionRef): Promise<LayerVersionSnapshot> {
    return this.lambda.readLayerVersion(ref);
  }

  /** Tags of a function, read on demand (exemptions of its findings). */
  async readTags(ref: FunctionRef): Promise<Readonly<Record<string, string>> | null> {
    return (await this.lambda.readFunction({ ...ref, qualifier: undefined }, ['tags'])).tags ?? null;
  }

  /** A listed egress rule (unread when the scan did not list it: its region failed or no VPC function uses its group). */
  readSecurityGroupRule(ref: SecurityGroupRuleRef): Promise<SecurityGroupRuleSnapshot> {
    const arn = securityGroupRuleArn(ref);
    return Promise.resolve(this.inventory.securityGroupRules?.get(arn) ?? { kind: 'ec2-security-group-rule', ref, arn });
  }

  /** An API and what its stages serve, read only when `scan.readApis` gave this reader an API reader. */
  readApi(ref: ApiRef): Promise<ApiSnapshot> {
    return this.options.apis?.readApi(ref) ?? Promise.resolve({ kind: 'apigateway-api', ref, arn: apiArn(ref) });
  }

  readRole(ref: RoleRef): Promise<RoleSnapshot> {
    const arn = roleArn(ref);
    const known = this.inventory.roles.get(arn);
    const snapshot: RoleSnapshot = known ?? { kind: 'iam-role', ref, arn, role: null, inlinePolicies: {}, attachedPolicies: [] };
    return Promise.resolve({ ...snapshot, usedByFunctions: this.functionsUsing(snapshot.arn) });
  }
}
