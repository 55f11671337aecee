/**
 * A stateful stand-in for AWS across accounts and regions (its Lambda part for now): seeded from
 * a state file, changed by replayed CloudTrail events and by SDK commands through the mock.
 */
import type { CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { layerVersionArn, parseLayerVersion, type FunctionRef, type ResourceRef, type TrailRef } from '../functions/shared/state/resources';
import type { StateReader } from '../functions/shared/state/state-reader';
import { InMemoryLambda } from './in-memory-lambda';
import { InMemoryStateReader } from './in-memory-state-reader';
import { applyLambdaEvent, ensureLambdaResources, type ApplyOutcome } from './lambda-cloudtrail';
import { parseStateFile, StateTrailSchema, type StateFile, type StateFunction, type StateLayerVersion, type StatePolicy, type StateRole, type StateTrail, type StateEventRule } from './state-file';
import { InMemoryCloudTrail } from './in-memory-cloudtrail';
import { InMemoryIam } from './in-memory-iam';
import { applyIamEvent, ensureIamResources, IAM_SOURCE } from './iam-cloudtrail';
import { InMemoryEvents } from './in-memory-events';
import { applyEventsEvent, ensureEventsResources, EVENTS_SOURCE } from './events-cloudtrail';
import { DEFAULT_EGRESS, InMemoryEc2 } from './in-memory-ec2';
import { applyEc2Event, EC2_SOURCE, ensureEc2Resources } from './ec2-cloudtrail';
import type { StateSecurityGroup } from './state-file';
import { inMemorySecurityGroupReader } from './ec2-reader';
import { withSecurityGroupReader } from '../functions/shared/aws/ec2-state-reader';
import { InMemoryLogs, LOGS_SOURCE } from './in-memory-logs';
import { InMemoryApiGateway } from './in-memory-api-gateway';
import { applyApiGatewayEvent, ensureApiGatewayResources } from './api-gateway-cloudtrail';
import { apiGatewayState, seedApiGateway } from './api-gateway-state';
import { inMemoryApiReader } from './api-gateway-reader';
import { API_GATEWAY_SOURCE } from '../functions/shared/apigateway/api-events';
import { withApiReader } from '../functions/shared/aws/api-gateway-state-reader';

export type { ApplyOutcome } from './lambda-cloudtrail';

const CLOUDTRAIL_SOURCE = 'cloudtrail.amazonaws.com';

export interface InMemoryAccountOptions {
  /** The account of bare names in SDK commands (default `123456789012`). */
  readonly defaultAccount?: string;
  /** Used when nothing else names a region (default `us-east-1`). */
  readonly defaultRegion?: string;
  /** The clock for timestamps of SDK-made changes (replayed events use their `eventTime`). */
  readonly clock?: () => Date;
}

/** What `replay` did: the resources it had to create first, and the outcome of the event. */
export interface ReplayOutcome extends ApplyOutcome {
  readonly created: readonly ResourceRef[];
}

/**
 * @example
 * const account = InMemoryAccount.fromStateFile(await loadStateFile('state.json'));
 * account.replay(event);                       // ensureResourcesFor + applyEvent
 * const lambda = installLambdaMock(account);   // the SDK now answers from `account`
 * const snapshot = await account.reader().readFunction(ref, ['policy']);
 */
export class InMemoryAccount {
  readonly lambda: InMemoryLambda;
  /** IAM roles and managed policies (issue #4). */
  readonly iam: InMemoryIam;
  /** CloudTrail trails (issue #13: simulate judges tampering with a trail). */
  readonly cloudtrail: InMemoryCloudTrail;
  /** EventBridge rules (the forwarding rules the tamper rules watch). */
  readonly events = new InMemoryEvents();
  /** VPC security groups and their rules (issue #17 rule 5). */
  readonly ec2 = new InMemoryEc2();
  /** CloudWatch Logs log groups (issue #17: a function's group deleted or its retention cut). */
  readonly logs: InMemoryLogs;
  /** API Gateway REST and HTTP APIs (issue #17). */
  readonly apigateway: InMemoryApiGateway;
  readonly defaultAccount: string;
  readonly defaultRegion: string;

  constructor(options: InMemoryAccountOptions = {}) {
    this.lambda = new InMemoryLambda(options.clock);
    this.iam = new InMemoryIam(options.clock);
    this.cloudtrail = new InMemoryCloudTrail();
    this.logs = new InMemoryLogs(options.clock);
    this.apigateway = new InMemoryApiGateway(options.clock);
    this.defaultAccount = options.defaultAccount ?? '123456789012';
    this.defaultRegion = options.defaultRegion ?? 'us-east-1';
  }

  /**
   * An account seeded from a state file (already parsed, or raw JSON to validate).
   * @throws InvalidStateError naming the offending field.
   */
  static fromStateFile(state: unknown, options: InMemoryAccountOptions = {}): InMemoryAccount {
    return new InMemoryAccount(options).seed(parseStateFile(state));
  }

  /** Adds the functions and layer versions of a (validated) state file, exactly as written. */
  seed(state: StateFile): this {
    for (const entry of state.codeSigningConfigs) {
      this.lambda.putCodeSigningConfig(
        { account: entry.Account, region: entry.Region },
        { arn: entry.CodeSigningConfigArn, untrustedArtifactOnDeployment: entry.CodeSigningPolicies.UntrustedArtifactOnDeployment, signingProfileVersionArns: entry.AllowedPublishers?.SigningProfileVersionArns, description: entry.Description },
      );
    }
    for (const entry of state.functions) this.seedFunction(entry);
    for (const entry of state.layers) this.seedLayerVersion(entry);
    for (const entry of state.policies) this.iam.seedPolicy(entry.Arn, entry.DefaultVersionId, entry.Versions);
    for (const entry of state.roles) this.seedRole(entry);
    for (const entry of state.trails) this.seedTrail(entry);
    for (const entry of state.logGroups) {
      const { LogGroup } = entry;
      this.logs.createLogGroup(
        { account: entry.Account, region: entry.Region, logGroupName: LogGroup.logGroupName },
        { ...(LogGroup.retentionInDays === undefined ? {} : { retentionInDays: LogGroup.retentionInDays }), ...(LogGroup.creationTime === undefined ? {} : { creationTime: LogGroup.creationTime }) },
      );
    }
    for (const entry of state.eventRules) {
      const ref = { account: entry.Account, region: entry.Region, eventBusName: entry.EventBusName, ruleName: entry.Name };
      this.events.putRule(ref, { state: entry.State, ...(entry.EventPattern === undefined ? {} : { eventPattern: entry.EventPattern }), ...(entry.ScheduleExpression === undefined ? {} : { scheduleExpression: entry.ScheduleExpression }) });
      this.events.putTargets(ref, entry.Targets.map((t) => ({ id: t.Id, arn: t.Arn, ...(t.RoleArn === undefined ? {} : { roleArn: t.RoleArn }) })));
    }
    for (const entry of state.securityGroups) this.seedSecurityGroup(entry);
    seedApiGateway(this.apigateway, state.restApis, state.httpApis);
    return this;
  }

  private seedSecurityGroup(entry: StateSecurityGroup): void {
    const tags = Object.fromEntries(entry.Tags.map((t) => [t.Key, t.Value]));
    this.ec2.createSecurityGroup({ account: entry.Account, region: entry.Region, groupId: entry.GroupId, groupName: entry.GroupName, ...(entry.Description === undefined ? {} : { description: entry.Description }), ...(entry.VpcId === undefined ? {} : { vpcId: entry.VpcId }), tags }, false);
    const rules = entry.EgressRules ?? [DEFAULT_EGRESS];
    this.ec2.addEgress(
      entry.GroupId,
      rules.map((r) => ({ IpProtocol: r.IpProtocol, FromPort: r.FromPort, ToPort: r.ToPort, CidrIpv4: r.CidrIpv4, CidrIpv6: r.CidrIpv6, PrefixListId: r.PrefixListId, ReferencedGroupId: 'ReferencedGroupInfo' in r ? r.ReferencedGroupInfo?.GroupId : undefined, Description: r.Description })),
      rules.map((r) => ('SecurityGroupRuleId' in r ? r.SecurityGroupRuleId : undefined)),
    );
  }

  private seedTrail(entry: StateTrail): void {
    const { Trail } = entry;
    const ref: TrailRef = { kind: 'cloudtrail-trail', account: entry.Account, region: Trail.HomeRegion, trailName: Trail.Name };
    this.cloudtrail.createTrail(ref, {
      isLogging: entry.IsLogging,
      ...(Trail.IsOrganizationTrail === undefined ? {} : { isOrganizationTrail: Trail.IsOrganizationTrail }),
      ...(Trail.IsMultiRegionTrail === undefined ? {} : { isMultiRegionTrail: Trail.IsMultiRegionTrail }),
      ...(Trail.IncludeGlobalServiceEvents === undefined ? {} : { includeGlobalServiceEvents: Trail.IncludeGlobalServiceEvents }),
      ...(entry.EventSelectors === undefined ? {} : { eventSelectors: entry.EventSelectors }),
      ...(entry.AdvancedEventSelectors === undefined ? {} : { advancedEventSelectors: entry.AdvancedEventSelectors }),
    });
  }

  private seedRole(entry: StateRole): void {
    const { Role } = entry;
    this.iam.createRole(entry.Account, Role.RoleName, {
      path: Role.Path ?? '/',
      trust: Role.AssumeRolePolicyDocument,
      ...(Role.Description === undefined ? {} : { description: Role.Description }),
    });
    for (const [name, document] of Object.entries(entry.InlinePolicies)) this.iam.putRolePolicy(entry.Account, Role.RoleName, name, document);
    for (const arn of entry.AttachedPolicies) this.iam.attachRolePolicy(entry.Account, Role.RoleName, arn);
  }

  private seedFunction(entry: StateFunction): void {
    const key = { account: entry.Account, region: entry.Region, functionName: entry.Configuration.FunctionName };
    const ref: FunctionRef = { kind: 'lambda-function', ...key };
    this.lambda.createFunction(key, entry.Configuration, entry.Tags, { withDefaults: false });
    this.lambda.setPolicy(ref, entry.Policy);
    this.lambda.setUrlConfig(ref, entry.UrlConfig);
    this.lambda.setEventInvokeConfig(ref, entry.EventInvokeConfig);
    if (entry.ReservedConcurrentExecutions !== undefined) this.lambda.putFunctionConcurrency(key, entry.ReservedConcurrentExecutions);
    if (entry.RecursiveLoop !== undefined) this.lambda.putFunctionRecursionConfig(key, entry.RecursiveLoop);
    if (entry.CodeSigningConfigArn !== undefined) this.lambda.putFunctionCodeSigningConfig(key, entry.CodeSigningConfigArn);
    for (const mapping of entry.EventSourceMappings ?? []) this.lambda.addEventSourceMapping(key, { UUID: mapping.UUID, EventSourceArn: mapping.EventSourceArn, State: mapping.State });
    for (const [qualifier, state] of Object.entries(entry.Qualifiers ?? {})) {
      if (/^\d+$/.test(qualifier)) this.lambda.publishVersion(key, qualifier);
      else this.lambda.putAlias(key, qualifier, state.FunctionVersion);
      const qualified = { ...ref, qualifier };
      this.lambda.setPolicy(qualified, state.Policy);
      this.lambda.setUrlConfig(qualified, state.UrlConfig);
      this.lambda.setEventInvokeConfig(qualified, state.EventInvokeConfig);
    }
  }

  private seedLayerVersion(entry: StateLayerVersion): void {
    const ref = parseLayerVersion(entry.LayerVersionArn, undefined, entry.Account, entry.Region);
    if (ref === null) return;
    this.lambda.publishLayerVersion(ref, {}, ref.version);
    this.lambda.setLayerVersionPolicy(ref, entry.Policy);
  }

  /** The current state in the state file's shape (seeding from it gives the same state). */
  toStateFile(): StateFile {
    const functions = this.lambda.functionKeys().map((key): StateFunction => {
      const ref: FunctionRef = { kind: 'lambda-function', ...key };
      const configuration = this.lambda.getFunctionConfiguration(ref);
      const qualifiers = this.lambda.qualifiersOf(key);
      const reserved = this.lambda.getReservedConcurrency(key);
      const recursiveLoop = this.lambda.getRecursiveLoop(key);
      const codeSigningConfigArn = this.lambda.getFunctionCodeSigningConfigArn(key);
      const mappings = this.lambda.listEventSourceMappings(key).map((m) => ({ UUID: m.UUID, EventSourceArn: m.EventSourceArn, State: m.State }));
      return {
        Account: key.account,
        Region: key.region,
        Configuration: { ...configuration, FunctionName: key.functionName },
        Policy: this.lambda.policyDocument(ref),
        UrlConfig: this.lambda.urlConfig(ref),
        Tags: this.lambda.listTags(key),
        EventInvokeConfig: this.lambda.eventInvokeConfig(ref),
        ...(reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved }),
        ...(recursiveLoop === 'Terminate' ? {} : { RecursiveLoop: recursiveLoop }),
        ...(codeSigningConfigArn === undefined ? {} : { CodeSigningConfigArn: codeSigningConfigArn }),
        ...(mappings.length === 0 ? {} : { EventSourceMappings: mappings }),
        ...(qualifiers.length === 0
          ? {}
          : {
              Qualifiers: Object.fromEntries(
                qualifiers.map((qualifier) => {
                  const qualified = { ...ref, qualifier };
                  const version = this.lambda.getFunctionConfiguration(qualified).Version;
                  return [
                    qualifier,
                    {
                      ...(/^\d+$/.test(qualifier) || version === undefined ? {} : { FunctionVersion: version }),
                      Policy: this.lambda.policyDocument(qualified),
                      UrlConfig: this.lambda.urlConfig(qualified),
                      EventInvokeConfig: this.lambda.eventInvokeConfig(qualified),
                    },
                  ];
                }),
              ),
            }),
      };
    });
    const layers = this.lambda.layerVersionRefs().map(
      (ref): StateLayerVersion => ({ Account: ref.account, Region: ref.region, LayerVersionArn: layerVersionArn(ref), Policy: this.lambda.layerPolicyDocument(ref) }),
    );
    const roles = this.iam.allRoles().map(
      (role): StateRole => ({
        Account: role.account,
        Role: {
          RoleName: role.roleName,
          Path: role.path,
          Arn: this.iam.roleArn(role),
          ...(role.description === undefined ? {} : { Description: role.description }),
          AssumeRolePolicyDocument: JSON.parse(role.trust.text) as Record<string, unknown>,
        },
        InlinePolicies: Object.fromEntries([...role.inline.entries()].map(([name, document]) => [name, JSON.parse(document.text) as Record<string, unknown>])),
        AttachedPolicies: [...role.attached],
      }),
    );
    const policies = this.iam.customerPolicies().map(
      (policy): StatePolicy => ({
        Account: /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(policy.arn)?.[1] ?? this.defaultAccount,
        Arn: policy.arn,
        DefaultVersionId: policy.defaultVersionId,
        Versions: Object.fromEntries([...policy.versions.entries()].map(([id, v]) => [id, JSON.parse(v.document.text) as Record<string, unknown>])),
      }),
    );
    // Through the schema: the SDK's selector types are the same shapes, without index signatures.
    const trails = this.cloudtrail.allTrails().map((trail): StateTrail =>
      StateTrailSchema.parse({
        Account: trail.ref.account,
        Trail: {
          Name: trail.ref.trailName,
          HomeRegion: trail.ref.region,
          IsOrganizationTrail: trail.isOrganizationTrail,
          IsMultiRegionTrail: trail.isMultiRegionTrail,
          IncludeGlobalServiceEvents: trail.includeGlobalServiceEvents,
        },
        IsLogging: trail.isLogging,
        ...(trail.advancedEventSelectors === undefined ? { EventSelectors: trail.eventSelectors } : { AdvancedEventSelectors: trail.advancedEventSelectors }),
      }),
    );
    
    const eventRules = this.events.allRules().map(
      (rule): StateEventRule => ({
        Account: rule.account,
        Region: rule.region,
        EventBusName: rule.eventBusName,
        Name: rule.name,
        State: rule.state,
        ...(rule.eventPattern === undefined ? {} : { EventPattern: rule.eventPattern }),
        ...(rule.scheduleExpression === undefined ? {} : { ScheduleExpression: rule.scheduleExpression }),
        Targets: [...rule.targets.values()].map((t) => ({ Id: t.id, Arn: t.arn, ...(t.roleArn === undefined ? {} : { RoleArn: t.roleArn }) })),
      }),
    );
    const codeSigningConfigs = this.lambda.codeSigningConfigArns().map((arn) => {
      const config = this.lambda.getCodeSigningConfig(arn);
      const [, , , region = '', account = ''] = arn.split(':');
      return {
        Account: account,
        Region: region,
        CodeSigningConfigArn: arn,
        CodeSigningPolicies: { UntrustedArtifactOnDeployment: config.CodeSigningPolicies.UntrustedArtifactOnDeployment },
        AllowedPublishers: { SigningProfileVersionArns: [...config.AllowedPublishers.SigningProfileVersionArns] },
        ...(config.Description === undefined ? {} : { Description: config.Description }),
      };
    });
    const logGroups = this.logs.allLogGroups().map((group) => ({
      Account: group.account,
      Region: group.region,
      LogGroup: { logGroupName: group.logGroupName, creationTime: group.creationTime, ...(group.retentionInDays === null ? {} : { retentionInDays: group.retentionInDays }) },
    }));
    const securityGroups = this.ec2.allGroups().map(
      (group): StateSecurityGroup => ({
        Account: group.account,
        Region: group.region,
        GroupId: group.groupId,
        GroupName: group.groupName,
        ...(group.description === undefined ? {} : { Description: group.description }),
        ...(group.vpcId === undefined ? {} : { VpcId: group.vpcId }),
        Tags: Object.entries(group.tags).map(([Key, Value]) => ({ Key, Value })),
        EgressRules: [...group.rules.values()]
          .filter((r) => r.IsEgress === true)
          .map((r) => ({
            SecurityGroupRuleId: r.SecurityGroupRuleId,
            IpProtocol: r.IpProtocol ?? '-1',
            ...(r.FromPort === undefined ? {} : { FromPort: r.FromPort }),
            ...(r.ToPort === undefined ? {} : { ToPort: r.ToPort }),
            ...(r.CidrIpv4 === undefined ? {} : { CidrIpv4: r.CidrIpv4 }),
            ...(r.CidrIpv6 === undefined ? {} : { CidrIpv6: r.CidrIpv6 }),
            ...(r.PrefixListId === undefined ? {} : { PrefixListId: r.PrefixListId }),
            ...(r.ReferencedGroupInfo?.GroupId === undefined ? {} : { ReferencedGroupInfo: { GroupId: r.ReferencedGroupInfo.GroupId } }),
            ...(r.Description === undefined ? {} : { Description: r.Description }),
          })),
      }),
    );
    return { functions, layers, roles, policies, trails, eventRules, codeSigningConfigs, logGroups, ...apiGatewayState(this.apigateway), securityGroups };
  }

  /**
   * Applies a CloudTrail event as AWS did. Failed calls (`errorCode`), unknown events and events
   * about resources the account does not hold change nothing; the outcome says why.
   */
  applyEvent(event: CloudTrailEvent): ApplyOutcome {
    if (event.detail.eventSource === IAM_SOURCE) return applyIamEvent(this.iam, event);
    if (event.detail.eventSource === CLOUDTRAIL_SOURCE) {
      const held = this.cloudtrail.allTrails().length;
      this.cloudtrail.applyEvent(event);
      return { applied: true, eventName: event.detail.eventName, detail: `applied to the trail (${String(held)} trail(s) held before)` };
    }
    if (event.detail.eventSource === EVENTS_SOURCE) return applyEventsEvent(this.events, event);
    if (event.detail.eventSource === LOGS_SOURCE) return this.logs.applyEvent(event);
    if (event.detail.eventSource === API_GATEWAY_SOURCE) return applyApiGatewayEvent(this.apigateway, event);
    if (event.detail.eventSource === EC2_SOURCE) return applyEc2Event(this.ec2, event);
    return applyLambdaEvent(this.lambda, event);
  }

  /**
   * Creates the function (version, alias) or layer version an event is about, with a default
   * configuration, when the account does not hold it. Returns what it created.
   */
  ensureResourcesFor(event: CloudTrailEvent): ResourceRef[] {
    if (event.detail.eventSource === IAM_SOURCE) return ensureIamResources(this.iam, event);
    if (event.detail.eventSource === CLOUDTRAIL_SOURCE) return this.cloudtrail.ensureTrail(event);
    if (event.detail.eventSource === EVENTS_SOURCE) return ensureEventsResources(this.events, event);
    // A log group is no resource the rules judge (they judge its function): it is made, but not listed here.
    if (event.detail.eventSource === LOGS_SOURCE) {
      this.logs.ensureLogGroup(event);
      return [];
    }
    if (event.detail.eventSource === API_GATEWAY_SOURCE) return ensureApiGatewayResources(this.apigateway, event);
    if (event.detail.eventSource === EC2_SOURCE) return ensureEc2Resources(this.ec2, event);
    return ensureLambdaResources(this.lambda, event);
  }

  /** `ensureResourcesFor` then `applyEvent`: replays one event on its own. */
  replay(event: CloudTrailEvent): ReplayOutcome {
    const created = this.ensureResourcesFor(event);
    return { ...this.applyEvent(event), created };
  }

  /** A `StateReader` over this account's state, without the SDK. */
  reader(): StateReader {
    return withSecurityGroupReader(withApiReader(new InMemoryStateReader(this.lambda, this.iam, this.logs), inMemoryApiReader(this.apigateway)), inMemorySecurityGroupReader(this.ec2, this.lambda));
  }
}
