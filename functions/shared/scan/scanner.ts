/**
 * The scan of existing resources, shared by `warden scan` and the scheduled scanner: for every
 * account × region, list functions, layer versions and execution roles, judge them with the whole
 * catalog through the engine, and report findings. It never remediates: it sends no mutating call.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { ApiGatewayStateReader } from '../aws/api-gateway-state-reader';
import { looksLikeDefaultEgress, worldOpenCidr } from '../ec2/security-group-rules';
import type { AnyRule } from '../../../rules/rule';
import type { BaselineKeeper } from '../baseline/baseline-keeper';
import type { WardenConfig } from '../config/config';
import { Engine } from '../engine/engine';
import type { Finding } from '../contract/finding';
import { exemptionFor, type Exemption } from '../executor/exemptions';
import { isLambdaExecutionRole } from '../iam/execution-role';
import { functionArn, iamRegionFor, parseRoleName, resourceArn, type AttachedRolePolicy, type EventSourceMapping, type FunctionConfiguration, type FunctionLogGroup, type FunctionRef, type LayerVersionRef, type ResourceRef, type RoleSnapshot, type ApiRef, type SecurityGroupRuleSnapshot } from '../state/resources';
import { CallGuard, forEachBounded, type CallStats } from './call-guard';
import { listEventSourceMappings, listFunctionLogGroups, listFunctions, listLayerVersions, listQualifiers, listRoles } from './scan-inventory';
import { listApis, listEgressRules, type ScannedGroup } from './scan-network-api';
import { SCAN_CALLS } from './scan-permissions';
import { ScanStateReader, unjudgedRules, type UnjudgedRule } from './scan-state-reader';

/**
 * Clients for an account: credentials are obtained first, so an account that cannot be reached
 * (AssumeRole refused, outside the organization) throws here, before any call.
 */
export interface ScanClients {
  lambda(account: string, region: string): Promise<LambdaClient>;
  iam(account: string, region: string): Promise<IAMClient>;
  /** CloudWatch Logs, for the functions' log groups (issue #17); without it log groups are left unread. */
  logs?(account: string, region: string): Promise<CloudWatchLogsClient>;
  /** EC2, for the egress rules of the VPC functions' security groups (issue #17); without it they are left unread. */
  ec2?(account: string, region: string): Promise<EC2Client>;
  /** API Gateway REST and HTTP APIs, asked for only with `scan.readApis` (issue #17). */
  apiGateway?(account: string, region: string): Promise<APIGatewayClient>;
  apiGatewayV2?(account: string, region: string): Promise<ApiGatewayV2Client>;
}

export interface ScanConcurrency {
  /** Accounts scanned at the same time. */
  readonly accounts: number;
  /** Lambda calls in flight per account and region (Lambda's control plane throttles at ~15 calls/s per API). */
  readonly lambdaPerRegion: number;
  /** IAM calls in flight per account (IAM throttles low and is global). */
  readonly iamPerAccount: number;
  /** EC2 and API Gateway calls in flight per account and region (API Gateway's control plane throttles per account). */
  readonly networkPerRegion: number;
}

export const DEFAULT_CONCURRENCY: ScanConcurrency = { accounts: 4, lambdaPerRegion: 8, iamPerAccount: 2, networkPerRegion: 2 };

export interface ScanProgress {
  readonly targetsTotal: number;
  readonly targetsDone: number;
  readonly functionsListed: number;
  readonly functionsDone: number;
}

export interface ScanOptions {
  readonly rules: readonly AnyRule[];
  readonly config: WardenConfig;
  readonly clients: ScanClients;
  readonly concurrency?: Partial<ScanConcurrency>;
  /** Bounds, retries and counts every call (pass one to share it, or to set its retry policy; default: allows `SCAN_PERMISSIONS` only). */
  readonly guard?: CallGuard;
  /** Attaches last-known-good baselines and captures new ones for compliant resources. */
  readonly baselines?: BaselineKeeper;
  readonly now?: () => Date;
  readonly onProgress?: (progress: ScanProgress) => void;
}

export interface ScanTarget {
  readonly account: string;
  readonly regions: readonly string[];
}

/** A finding a scan will not report: the resource is exempt from the rule. */
export interface ExemptFinding {
  readonly finding: Finding;
  readonly exemption: Exemption;
}

/** Something the scan could not read; the rest of the scan went on. */
export interface ScanError {
  readonly account: string;
  /** Null for the account as a whole (credentials) or for IAM (global). */
  readonly region: string | null;
  readonly stage: 'credentials' | 'list-functions' | 'list-layers' | 'list-roles' | 'list-mappings' | 'list-log-groups' | 'list-security-groups' | 'list-apis' | 'evaluate';
  /** The resource that failed to evaluate (stage `evaluate`). */
  readonly resource?: string;
  /** The error's name and message: never a secret (errors name resources, not values). */
  readonly message: string;
}

export interface AccountScan {
  readonly account: string;
  /** `unreachable`: no credentials; `partial`: some region or resource could not be read. */
  readonly status: 'scanned' | 'partial' | 'unreachable';
  readonly regions: readonly string[];
  readonly functions: number;
  readonly layerVersions: number;
  readonly roles: number;
  /** Egress rules of the VPC functions' security groups judged (issue #17). */
  readonly securityGroupRules: number;
  /** REST and HTTP APIs judged (`scan.readApis`; 0 without it). */
  readonly apis: number;
}

export interface ScanReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly accounts: readonly AccountScan[];
  /** Findings to report, ordered by severity, rule and resource. */
  readonly findings: readonly Finding[];
  readonly exempt: readonly ExemptFinding[];
  readonly errors: readonly ScanError[];
  readonly calls: CallStats;
  /** Rules this scan did not judge, why, and the `scan.*` key that turns each costly one on: never skipped silently. */
  readonly notJudged: readonly UnjudgedRule[];
}

const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3 } as const;

function message(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error';
}

/**
 * @example
 * const scanner = new Scanner({ rules: RULES, config, clients });
 * const report = await scanner.scan([{ account: '111122223333', regions: ['us-east-1', 'eu-west-1'] }]);
 * for (const f of report.findings) console.log(f.severity, f.ruleId, f.resource);
 */
export class Scanner {
  private readonly guard: CallGuard;
  private readonly concurrency: ScanConcurrency;
  private readonly now: () => Date;
  private progress = { targetsTotal: 0, targetsDone: 0, functionsListed: 0, functionsDone: 0 };
  /** AWS managed policies read outside the authorization details, shared by all accounts. */
  private readonly awsManaged = new Map<string, AttachedRolePolicy>();

  constructor(private readonly options: ScanOptions) {
    this.guard = options.guard ?? new CallGuard({ allowedApis: SCAN_CALLS });
    this.concurrency = { ...DEFAULT_CONCURRENCY, ...options.concurrency };
    this.now = options.now ?? (() => new Date());
  }

  /** Scans every target; an unreachable account or region is reported in `errors` and the rest goes on. */
  async scan(targets: readonly ScanTarget[]): Promise<ScanReport> {
    const startedAt = this.now().toISOString();
    this.progress = { targetsTotal: targets.reduce((n, t) => n + t.regions.length, 0), targetsDone: 0, functionsListed: 0, functionsDone: 0 };
    this.report();
    const findings: Finding[] = [];
    const exempt: ExemptFinding[] = [];
    const errors: ScanError[] = [];
    const accounts: AccountScan[] = [];
    await forEachBounded(targets, this.concurrency.accounts, async (target) => {
      accounts.push(await this.scanAccount(target, { findings, exempt, errors }));
    });
    const order = new Map(targets.map((t, i) => [t.account, i]));
    accounts.sort((a, b) => (order.get(a.account) ?? 0) - (order.get(b.account) ?? 0));
    findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.ruleId.localeCompare(b.ruleId) || a.resource.localeCompare(b.resource) || a.id.localeCompare(b.id));
    const notJudged = unjudgedRules(this.options.rules, this.options.config.scan);
    return { startedAt, finishedAt: this.now().toISOString(), accounts, findings, exempt, errors, calls: this.guard.stats(), notJudged };
  }

  private report(): void {
    this.options.onProgress?.({ ...this.progress });
  }

  private async scanAccount(
    target: ScanTarget,
    out: { findings: Finding[]; exempt: ExemptFinding[]; errors: ScanError[] },
  ): Promise<AccountScan> {
    const { account, regions } = target;
    let errorCount = 0;
    const failed = (error: ScanError): void => {
      errorCount += 1;
      out.errors.push(error);
    };
    const iamRegion = iamRegionFor(regions[0] ?? 'us-east-1');
    let iam: IAMClient;
    const lambdas = new Map<string, LambdaClient>();
    const logs = new Map<string, CloudWatchLogsClient>();
    const gateways = new Map<string, { rest: APIGatewayClient; http: ApiGatewayV2Client }>();
    const readApis = this.options.config.scan.readApis;
    try {
      iam = this.guard.wrap(await this.options.clients.iam(account, iamRegion), `iam:${account}`, this.concurrency.iamPerAccount, 'iam');
      for (const region of regions) {
        lambdas.set(region, this.guard.wrap(await this.options.clients.lambda(account, region), `lambda:${account}:${region}`, this.concurrency.lambdaPerRegion, 'lambda'));
        const logsClient = await this.options.clients.logs?.(account, region);
        if (logsClient !== undefined) logs.set(region, this.guard.wrap(logsClient, `logs:${account}:${region}`, this.concurrency.lambdaPerRegion, 'logs'));
        const rest = readApis ? await this.options.clients.apiGateway?.(account, region) : undefined;
        const http = readApis ? await this.options.clients.apiGatewayV2?.(account, region) : undefined;
        if (rest !== undefined && http !== undefined) {
          // One bound for both: REST and HTTP APIs share API Gateway's control-plane quota of the account.
          const key = `apigateway:${account}:${region}`;
          gateways.set(region, { rest: this.guard.wrap(rest, key, this.concurrency.networkPerRegion, 'apigateway'), http: this.guard.wrap(http, key, this.concurrency.networkPerRegion, 'apigatewayv2') });
        }
      }
    } catch (e: unknown) {
      failed({ account, region: null, stage: 'credentials', message: message(e) });
      this.progress.targetsDone += regions.length;
      this.report();
      return { account, status: 'unreachable', regions, functions: 0, layerVersions: 0, roles: 0, securityGroupRules: 0, apis: 0 };
    }

    // 1. Listings: every region's functions and layer versions, and the account's roles, in parallel.
    const functions = new Map<string, FunctionConfiguration>();
    const functionRefs: FunctionRef[] = [];
    const layerRefs: LayerVersionRef[] = [];
    const eventSourceMappings = new Map<string, EventSourceMapping[]>();
    const mappingRegions = new Set<string>();
    const logGroups = new Map<string, Map<string, NonNullable<FunctionLogGroup['group']>>>();
    const securityGroupRules = new Map<string, SecurityGroupRuleSnapshot>();
    const apiRefs: ApiRef[] = [];
    const listRegion = async (region: string, lambda: LambdaClient): Promise<void> => {
      const groups = new Map<string, string[]>();
      try {
        for (const configuration of await listFunctions(lambda)) {
          const name = configuration.FunctionName;
          if (name === undefined) continue;
          const ref: FunctionRef = { kind: 'lambda-function', account, region, functionName: name };
          functions.set(functionArn(ref), configuration);
          functionRefs.push(ref);
          for (const groupId of configuration.VpcConfig?.SecurityGroupIds ?? []) groups.set(groupId, [...(groups.get(groupId) ?? []), functionArn(ref)]);
          this.progress.functionsListed += 1;
        }
        this.report();
      } catch (e: unknown) {
        failed({ account, region, stage: 'list-functions', message: message(e) });
      }
      // Issue #17: the egress rules of the groups this region's VPC functions use, a call per 200 groups (none without VPC functions).
      const clients = this.options.clients;
      if (clients.ec2 !== undefined && groups.size > 0) {
        try {
          // The EC2 client (and its SDK module) only for a region that has VPC functions.
          const client = await clients.ec2(account, region);
          const ec2 = this.guard.wrap(client, `ec2:${account}:${region}`, this.concurrency.networkPerRegion, 'ec2');
          const used: ScannedGroup[] = [...groups].map(([groupId, arns]) => ({ groupId, functions: arns }));
          for (const snapshot of await listEgressRules(ec2, account, region, used)) securityGroupRules.set(snapshot.arn, snapshot);
        } catch (e: unknown) {
          failed({ account, region, stage: 'list-security-groups', message: message(e) });
        }
      }
      const gateway = gateways.get(region);
      if (gateway !== undefined) {
        try {
          apiRefs.push(...(await listApis(gateway.rest, gateway.http, account, region)));
        } catch (e: unknown) {
          failed({ account, region, stage: 'list-apis', message: message(e) });
        }
      }
      try {
        layerRefs.push(...(await listLayerVersions(lambda, account, region)));
      } catch (e: unknown) {
        failed({ account, region, stage: 'list-layers', message: message(e) });
      }
      // Issue #17: one listing per region each, amortized over the functions (a failed one leaves that part unread).
      try {
        for (const [arn, mappings] of await listEventSourceMappings(lambda, account, region)) eventSourceMappings.set(arn, mappings);
        mappingRegions.add(region);
      } catch (e: unknown) {
        failed({ account, region, stage: 'list-mappings', message: message(e) });
      }
      const logsClient = logs.get(region);
      if (logsClient === undefined) return;
      try {
        logGroups.set(region, await listFunctionLogGroups(logsClient));
      } catch (e: unknown) {
        failed({ account, region, stage: 'list-log-groups', message: message(e) });
      }
    };
    let roles = new Map<string, RoleSnapshot>();
    const listAccountRoles = async (): Promise<void> => {
      try {
        roles = await listRoles(iam, account, iamRegion, this.awsManaged);
      } catch (e: unknown) {
        failed({ account, region: null, stage: 'list-roles', message: message(e) });
      }
    };
    await Promise.all([...[...lambdas].map(([region, lambda]) => listRegion(region, lambda)), listAccountRoles()]);

    // 2. Judge everything with the whole catalog.
    const gatewayOf = (region: string): { rest: APIGatewayClient; http: ApiGatewayV2Client } => {
      const clients = gateways.get(region);
      if (clients === undefined) throw new RangeError(`No API Gateway client for ${region}`);
      return clients;
    };
    const apiReader = new ApiGatewayStateReader((_account, region) => gatewayOf(region).rest, (_account, region) => gatewayOf(region).http);
    const reader = new ScanStateReader({ functions, roles, eventSourceMappings, mappingRegions, logGroups, securityGroupRules }, (_account, region) => {
      const client = lambdas.get(region);
      if (client === undefined) throw new RangeError(`No Lambda client for ${region}`);
      return client;
    }, { ...this.options.config.scan, logsFor: (region) => logs.get(region), ...(gateways.size > 0 ? { apis: apiReader } : {}) });
    const engine = new Engine({
      rules: this.options.rules,
      config: this.options.config,
      reader,
      now: this.now,
      ...(this.options.baselines === undefined ? {} : { baselines: this.options.baselines }),
    });
    // Aliases and versions carry their own resource policy and (aliases) URL: judged by the rules that read only those.
    const qualifiedRules = this.options.rules.filter((rule) => rule.resourceType === 'lambda-function' && rule.reads.length > 0 && rule.reads.every((part) => part === 'policy' || part === 'urlConfig'));
    const versionRules = qualifiedRules.filter((rule) => rule.resourceType === 'lambda-function' && rule.reads.every((part) => part === 'policy'));
    const engineFor = (rules: readonly AnyRule[]): Engine => new Engine({ rules, config: this.options.config, reader, now: this.now });
    const aliasEngine = engineFor(qualifiedRules);
    const versionEngine = engineFor(versionRules);
    const executionRoles = [...roles.values()].flatMap((snapshot) => {
      const role = snapshot.role;
      if (role == null || !isLambdaExecutionRole(role, reader.functionsUsing(snapshot.arn))) return [];
      const ref = parseRoleName(snapshot.arn, account, iamRegion);
      return ref === null ? [] : [ref];
    });
    const evaluate = async (ref: ResourceRef, tagsOf?: () => Promise<Readonly<Record<string, string>> | null>, using: Engine = engine): Promise<void> => {
      try {
        const found = await using.evaluateResource(ref);
        if (found.length === 0) return;
        const tags = tagsOf === undefined ? null : await tagsOf();
        const now = this.now();
        // The tags were in place at this scan: the baseline records the exemption tags (they count for later changes only).
        if (ref.kind === 'lambda-function' && tags !== null) {
          await this.options.baselines?.capture({ kind: 'lambda-function', ref, arn: resourceArn(ref), tags }, now, { compliant: false, adoptExemptionTags: 'all' });
        }
        for (const finding of found) {
          const exemption = exemptionFor(this.options.config, { ruleId: finding.ruleId, resource: finding.resource, tags }, now);
          if (exemption === null) out.findings.push(finding);
          else out.exempt.push({ finding, exemption });
        }
      } catch (e: unknown) {
        failed({ account, region: ref.region, stage: 'evaluate', resource: resourceArn(ref), message: message(e) });
      }
    };
    // Enough evaluations in flight to keep every region's Lambda bound busy (each has up to two calls at once).
    const inFlight = this.concurrency.lambdaPerRegion * Math.max(1, regions.length);
    // A scan has no record of when an egress rule was added: a rule that looks exactly like EC2's default is not judged.
    const judgedRules = [...securityGroupRules.values()].filter((snapshot) => snapshot.rule !== undefined && snapshot.rule !== null && worldOpenCidr(snapshot.rule) !== null && !looksLikeDefaultEgress(snapshot.rule));
    await Promise.all([
      forEachBounded(functionRefs, inFlight, async (ref) => {
        await evaluate(ref, () => reader.readTags(ref));
        await this.evaluateQualifiers(ref, lambdas.get(ref.region), (qualified, using) => evaluate(qualified, () => reader.readTags(ref), using), { alias: aliasEngine, version: versionEngine }, failed);
        this.progress.functionsDone += 1;
        if (this.progress.functionsDone % 25 === 0) this.report();
      }),
      forEachBounded(layerRefs, inFlight, (ref) => evaluate(ref)),
      forEachBounded(executionRoles, inFlight, (ref) => evaluate(ref)),
      forEachBounded(judgedRules, inFlight, (snapshot) => evaluate(snapshot.ref, () => Promise.resolve(snapshot.group?.tags ?? null))),
      forEachBounded(apiRefs, this.concurrency.networkPerRegion * Math.max(1, regions.length), (ref) => evaluate(ref)),
    ]);
    this.progress.targetsDone += regions.length;
    this.report();
    return {
      account,
      status: errorCount > 0 ? 'partial' : 'scanned',
      regions,
      functions: functionRefs.length,
      layerVersions: layerRefs.length,
      roles: executionRoles.length,
      securityGroupRules: judgedRules.length,
      apis: apiRefs.length,
    };
  }

  /** Judges a function's aliases (policy and URL) and the versions they point to (policy): one `ListAliases` per function. */
  private async evaluateQualifiers(
    ref: FunctionRef,
    lambda: LambdaClient | undefined,
    evaluate: (qualified: FunctionRef, using: Engine) => Promise<void>,
    engines: { readonly alias: Engine; readonly version: Engine },
    failed: (error: ScanError) => void,
  ): Promise<void> {
    if (lambda === undefined) return;
    let qualifiers;
    try {
      qualifiers = await listQualifiers(lambda, functionArn(ref));
    } catch (e: unknown) {
      failed({ account: ref.account, region: ref.region, stage: 'evaluate', resource: functionArn(ref), message: message(e) });
      return;
    }
    for (const alias of qualifiers.aliases) await evaluate({ ...ref, qualifier: alias }, engines.alias);
    for (const version of qualifiers.versions) await evaluate({ ...ref, qualifier: version }, engines.version);
  }
}
