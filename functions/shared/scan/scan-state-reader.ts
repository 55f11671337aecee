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
import {
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
}

/** How a scan obtains one part of a function's state (issue #17): what it costs, or why it is left unread. */
export type ScanPartSource =
  | { readonly read: 'listing'; readonly cost: string }
  | { readonly read: 'per-function'; readonly cost: string }
  | { readonly read: 'opt-in'; readonly key: keyof WardenConfig['scan']; readonly cost: string }
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
  recursion: { read: 'never', reason: 'GetFunctionRecursionConfig has no listing: 1 call per function' },
  concurrency: { read: 'never', reason: 'GetFunctionConcurrency has no listing: 1 call per function' },
  codeSigning: { read: 'never', reason: 'GetFunctionCodeSigningConfig has no listing: 1 call per function, plus GetCodeSigningConfig per config' },
};

/** The resource kinds a scan enumerates and judges (functions with their aliases and versions, layer versions, execution roles). */
export const SCAN_RESOURCE_KINDS: ReadonlySet<ResourceKind> = new Set<ResourceKind>(['lambda-function', 'lambda-layer-version', 'iam-role']);

/**
 * Rules a scan does not judge, and why: each reads a part {@link SCAN_FUNCTION_PARTS} leaves unread, or a resource
 * kind the scan does not enumerate. A test fails when a rule needs what the scan does not read and is not named here.
 */
export const SCAN_UNJUDGED_RULES: Readonly<Record<string, string>> = {
  'function-exemption-tag-changed': 'judges a change of the exemption tags (an event); a scan reads tags only for the exemptions of findings',
  'function-recursive-loop-allowed': 'GetFunctionRecursionConfig has no listing: 1 more call per function',
  'function-concurrency-zeroed': 'reports who set reserved concurrency 0 (an event); GetFunctionConcurrency has no listing: 1 more call per function',
  'function-code-signing-weakened': 'GetFunctionCodeSigningConfig has no listing: 1 more call per function, plus GetCodeSigningConfig per config',
  'function-runtime-threat': 'judges a GuardDuty finding, not a configuration',
  'trail-logging-stopped': 'a scan enumerates no trails',
  'warden-forwarding-rule-changed': 'judges a change of the bot’s forwarding rules (an event)',
  'function-api-route-unauthenticated':
    'a scan enumerates no APIs: GetRestApis and GetApis per region, then per API GetRestApi (GetApi) + GetStages + one GetExport (ExportApi) per deployed stage — about 2 + stages calls per API, which is not bounded by the number of functions',
  'function-security-group-egress-opened':
    'a scan enumerates no security groups: the groups named by the functions\' VpcConfig could be read with one DescribeSecurityGroupRules per region and batch of groups (well under 0.1 calls per function); not built, judged on events only',
};

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
      /** Read asynchronous invocation configs (one more call per function: `scan.readAsyncDestinations`); left unread otherwise. */
      readonly readAsyncDestinations?: boolean;
      /** CloudWatch Logs clients by region, for custom log groups (issue #17); without one, such groups are left unread. */
      readonly logsFor?: (region: string) => CloudWatchLogsClient | undefined;
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
    const remote = parts.filter(
      // What SCAN_FUNCTION_PARTS says is read per function (or opted in), and a configuration the listing did not hold (a qualifier).
      (p) => SCAN_FUNCTION_PARTS[p].read === 'per-function' || (SCAN_FUNCTION_PARTS[p].read === 'opt-in' && this.options.readAsyncDestinations === true) || (p === 'configuration' && !fromList),
    );
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

  readRole(ref: RoleRef): Promise<RoleSnapshot> {
    const arn = roleArn(ref);
    const known = this.inventory.roles.get(arn);
    const snapshot: RoleSnapshot = known ?? { kind: 'iam-role', ref, arn, role: null, inlinePolicies: {}, attachedPolicies: [] };
    return Promise.resolve({ ...snapshot, usedByFunctions: this.functionsUsing(snapshot.arn) });
  }
}
