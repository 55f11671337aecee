/**
 * What every member account runs (deployed by a service-managed StackSet in every configured
 * region, and as a plain stack in the management account): the forwarding rules whose patterns
 * come from the rule catalog, and — once per account, in the home region — the remediator role (the
 * responder's) and the read-only audit role (the scans').
 */
import { App, CfnCondition, CfnParameter, DefaultStackSynthesizer, Duration, Fn, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WardenConfig } from '../functions/shared/config/config';
import type { AnyRule } from '../rules/rule';
import { FORWARDING_RULE_PREFIX, forwarderRoleName, forwardingRuleName, HEARTBEAT_RULE_NAME } from '../functions/shared/self/member-resources';
import { WARDEN_SOURCE_IDENTITY } from '../functions/shared/self/own-sessions';
import { findingPatterns, forwardingPatterns, forwardingRuleChangesPattern, type FindingPattern, type ForwardingPattern } from './event-patterns';
import { suppressMemberFindings } from './nag-suppressions';
import { ownMemberRoleResources, protectedRoleResources } from '../functions/shared/self/protected-roles';
import { ACTIONS_WITHOUT_RESOURCE, actionsByService, auditorActions, EVENTS_RULE_WRITES, remediatorActions, remediatorWrites } from './remediator-permissions';


export interface MemberStackProps extends StackProps {
  readonly config: WardenConfig;
  readonly rules: readonly AnyRule[];
}

/** Lambda actions whose resource is a code-signing config (a test checks this against the IAM data). */
export const CODE_SIGNING_CONFIG_ACTIONS: readonly string[] = ['lambda:GetCodeSigningConfig', 'lambda:ListFunctionsByCodeSigningConfig', 'lambda:PutFunctionCodeSigningConfig', 'lambda:UpdateCodeSigningConfig'];
/** Lambda actions whose resource is an event-source mapping (a test checks this against the IAM data). */
export const EVENT_SOURCE_MAPPING_ACTIONS: readonly string[] = ['lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping'];

/** Resource ARNs per service: as narrow as the actions allow (list calls take `*`). */
function resourcesFor(service: string, actions: readonly string[] = []): string[] {
  const partition = '${AWS::Partition}';
  const account = '${AWS::AccountId}';
  switch (service) {
    case 'lambda':
      return [
        Fn.sub(`arn:${partition}:lambda:*:${account}:function:*`),
        Fn.sub(`arn:${partition}:lambda:*:${account}:layer:*`),
        // Only when a code-signing config's own API is granted (issue #17): its resource is the config, not a function.
        ...(actions.some((a) => CODE_SIGNING_CONFIG_ACTIONS.includes(a)) ? [Fn.sub(`arn:${partition}:lambda:*:${account}:code-signing-config:*`)] : []),
        // UpdateEventSourceMapping and GetEventSourceMapping (the isolation, the mapping actions, their Restores) act on the mapping's own ARN.
        ...(actions.some((a) => EVENT_SOURCE_MAPPING_ACTIONS.includes(a)) ? [Fn.sub(`arn:${partition}:lambda:*:${account}:event-source-mapping:*`)] : []),
      ];
    case 'iam':
      return [Fn.sub(`arn:${partition}:iam::${account}:role/*`), Fn.sub(`arn:${partition}:iam::${account}:policy/*`), Fn.sub(`arn:${partition}:iam::aws:policy/*`)];
    case 'cloudtrail':
      return [Fn.sub(`arn:${partition}:cloudtrail:*:${account}:trail/*`)];
    // API Gateway: one statement per action, see API_GATEWAY_RESOURCES (API ARNs carry no account; the role only ever acts in its own).
    case 'ec2':
      // The security group writes (issue #17 rule 5) act on the group; the Describe calls are list calls on "*".
      return [Fn.sub(`arn:${partition}:ec2:*:${account}:security-group/*`)];
    default:
      return ['*'];
  }
}

/**
 * API Gateway's IAM actions are HTTP verbs, so the resource is what bounds them (issue #17): GET on the APIs and
 * everything under them; PATCH only on REST methods and HTTP API routes (the route-auth change); POST only on the
 * deployments collections (the redeploy of a stage). No PUT, no DELETE.
 */
export const API_GATEWAY_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  'apigateway:GET': ['/restapis/*', '/apis/*'],
  'apigateway:PATCH': ['/restapis/*/resources/*/methods/*', '/apis/*/routes/*'],
  'apigateway:POST': ['/restapis/*/deployments', '/apis/*/deployments'],
};

/**
 * The audit role's GET also lists the APIs (`GetRestApis` is a GET on `/restapis`, `GetApis` on `/apis`: issue #17,
 * `scan.readApis`); the remediator reads only the APIs an event names and gets no listing.
 */
export const API_GATEWAY_LIST_RESOURCES: readonly string[] = ['/restapis', '/apis'];

/** One API Gateway statement per action, on {@link API_GATEWAY_RESOURCES} (the GET statement keeps the Sid it always had). */
function apiGatewayStatements(actions: readonly string[], options: { readonly listApis?: boolean } = {}): Record<string, unknown>[] {
  return actions.map((action) => {
    const scoped = API_GATEWAY_RESOURCES[action];
    const paths = scoped === undefined || action !== 'apigateway:GET' || options.listApis !== true ? scoped : [...API_GATEWAY_LIST_RESOURCES, ...scoped];
    if (paths === undefined) throw new Error(`no resource scope for ${action}: add it to API_GATEWAY_RESOURCES`);
    return {
      Sid: action === 'apigateway:GET' ? 'Wardenapigateway' : `Wardenapigateway${action.slice('apigateway:'.length)}`,
      Effect: 'Allow',
      Action: [action],
      Resource: paths.map((path) => Fn.sub(`arn:\${AWS::Partition}:apigateway:*::${path}`)),
    };
  });
}

/** One statement per service, scoped by {@link resourcesFor}, and the list calls (no resource-level permission) on `*`. */
function policyStatements(actions: readonly string[], options: { readonly listApis?: boolean } = {}): Record<string, unknown>[] {
  const unscoped = actions.filter((a) => ACTIONS_WITHOUT_RESOURCE.includes(a));
  return [
    ...[...actionsByService(actions.filter((a) => !ACTIONS_WITHOUT_RESOURCE.includes(a))).entries()].flatMap(([service, serviceActions]) =>
      service === 'apigateway'
        ? apiGatewayStatements(serviceActions, options)
        : [{ Sid: `Warden${service.replace(/[^A-Za-z0-9]/g, '')}`, Effect: 'Allow', Action: [...serviceActions], Resource: resourcesFor(service, serviceActions) }],
    ),
    // List calls support no resource-level permission: scoped to function or role ARNs, IAM would deny them.
    ...(unscoped.length === 0 ? [] : [{ Sid: 'WardenListCalls', Effect: 'Allow', Action: unscoped, Resource: '*' }]),
  ];
}

export class MemberStack extends Stack {
  constructor(scope: Construct, id: string, props: MemberStackProps) {
    // Member accounts are not CDK-bootstrapped: no bootstrap version parameter (an SSM lookup that would fail there).
    super(scope, id, { synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }), ...props });
    const { config, rules } = props;
    const busArn = new CfnParameter(this, 'WardenEventBusArn', { type: 'String', description: 'ARN of the central Warden event bus' });
    const responderRoleArn = new CfnParameter(this, 'ResponderRoleArn', { type: 'String', description: 'ARN of the responder function role in the security account' });
    const scannerRoleArn = new CfnParameter(this, 'ScannerRoleArn', { type: 'String', description: 'ARN of the scheduled scanner function role in the security account (trusted by the audit role only)' });
    const functionArns = new CfnParameter(this, 'WardenFunctionArns', {
      type: 'CommaDelimitedList',
      description: 'ARNs of the Lambda Warden functions in the security account: the remediator may never change them (they matter where the security account is a member too)',
    });
    const centralRoleArns = new CfnParameter(this, 'WardenRoleArns', {
      type: 'CommaDelimitedList',
      description: 'ARNs of the Lambda Warden roles in the security account: the remediator may never write them (they matter where the security account is a member too)',
    });
    const inOrganization = config.organization.id === undefined ? {} : { Condition: { StringEquals: { 'aws:PrincipalOrgID': config.organization.id } } };

    const isHomeRegion = new CfnCondition(this, 'IsHomeRegion', { expression: Fn.conditionEquals(Stack.of(this).region, config.deployment.homeRegion) });
    const isUsEast1 = new CfnCondition(this, 'IsUsEast1', { expression: Fn.conditionEquals(Stack.of(this).region, 'us-east-1') });
    Validations.of(this).acknowledge({
      id: 'CloudFormation-Validate::W9053',
      reason: 'Two conditions by meaning (the remediator role lives in the home region; IAM events arrive in us-east-1): they coincide when the home region is us-east-1.',
    });

    // Only this account's own forwarding rules may use it (no confused deputy through another account's rule).
    const forwarder = new iam.Role(this, 'ForwarderRole', {
      roleName: forwarderRoleName(this.region),
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': this.account },
        ArnLike: { 'aws:SourceArn': `arn:${this.partition}:events:${this.region}:${this.account}:rule/${FORWARDING_RULE_PREFIX}*` },
      }),
      description: 'Lets EventBridge forward CloudTrail events to the central Warden bus',
    });
    forwarder.addToPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [busArn.valueAsString] }));

    // Events the central bus did not accept (throttling, a policy mistake) wait here for 14 days.
    const undelivered = new sqs.Queue(this, 'Undelivered', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });

    /** The one path to the central bus: the forwarder role, the dead-letter queue, a retry policy per rule. */
    const toWardenBus = (retryPolicy: events.CfnRule.RetryPolicyProperty): events.CfnRule.TargetProperty => ({
      id: 'WardenBus',
      arn: busArn.valueAsString,
      roleArn: forwarder.roleArn,
      deadLetterConfig: { arn: undelivered.queueArn },
      retryPolicy,
    });
    const addRules = (patterns: readonly (ForwardingPattern | FindingPattern)[], condition?: CfnCondition): void => {
      for (const pattern of patterns) {
        const service = pattern.source[0]?.replace(/^aws\./, '') ?? 'unknown';
        const rule = new events.CfnRule(this, `Forward-${service}`, {
          name: forwardingRuleName(service),
          description: `Lambda Warden: forward ${service} changes the rule catalog watches`,
          eventPattern: pattern,
          state: 'ENABLED',
          targets: [toWardenBus({ maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 })],
        });
        if (condition !== undefined) rule.cfnOptions.condition = condition;
      }
    };
    // One statement for every forwarding rule (the IAM one exists in us-east-1 only, so no reference to it).
    undelivered.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [undelivered.queueArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: { 'aws:SourceArn': Fn.sub('arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/' + FORWARDING_RULE_PREFIX + '*') },
        },
      }),
    );
    addRules(forwardingPatterns(rules, { global: false }));
    addRules(forwardingPatterns(rules, { global: true }), isUsEast1);
    // Detector findings (GuardDuty, Inspector, IAM Access Analyzer) about the catalog's resources, in every region.
    addRules(findingPatterns(rules));

    // Silence is a signal: every region sends its scheduled event to the central bus along the same path
    // (target, forwarder role, dead-letter queue); the central check reports an account × region gone quiet.
    // It also forwards changes to the forwarding rules themselves (a rule may have a schedule and a pattern):
    // disabling the EventBridge forwarding rule first is then still reported, by this rule, and disabling
    // this one is reported by that one and silences the heartbeat.
    const watchRules = forwardingRuleChangesPattern(rules);
    new events.CfnRule(this, 'Heartbeat', {
      name: HEARTBEAT_RULE_NAME,
      description: `Lambda Warden: heartbeat of this account and region, every ${String(config.heartbeat.rateMinutes)} minutes`,
      scheduleExpression: `rate(${String(config.heartbeat.rateMinutes)} ${config.heartbeat.rateMinutes === 1 ? 'minute' : 'minutes'})`,
      ...(watchRules === null ? {} : { eventPattern: watchRules }),
      state: 'ENABLED',
      // A heartbeat older than the silence limit proves nothing: not retried past it.
      targets: [toWardenBus({ maximumRetryAttempts: 10, maximumEventAgeInSeconds: Math.max(60, config.heartbeat.silenceMinutes * 60) })],
    });

    const remediator = new iam.CfnRole(this, 'RemediatorRole', {
      roleName: config.remediatorRoleName,
      description: 'Lambda Warden remediator: permissions generated from the declared remediation actions',
      maxSessionDuration: 3600,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        // The responder reads and reverts; scans read through the audit role below. Every session must carry the
        // bot's source identity (it cannot be changed later in the session): CloudTrail shows it on each call.
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: [responderRoleArn.valueAsString] },
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
            Condition: { StringEquals: { ...inOrganization.Condition?.StringEquals, 'sts:SourceIdentity': WARDEN_SOURCE_IDENTITY } },
          },
        ],
      },
      policies: [
        {
          policyName: 'WardenRemediation',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [
              ...policyStatements(remediatorActions(config.remediation)),
              ...remediatorDenies(config, Stack.of(this), { busArn: busArn.valueAsString, functionArns: functionArns.valueAsList, roleArns: centralRoleArns.valueAsList }),
            ],
          },
        },
      ],
    });
    remediator.cfnOptions.condition = isHomeRegion;

    const auditor = new iam.CfnRole(this, 'AuditorRole', {
      roleName: config.auditRoleName,
      description: 'Lambda Warden audit: the read-only calls of a scan (warden scan, the scheduled scan), generated from the scan code',
      maxSessionDuration: 3600,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        // The scheduled scanner, and the operators' roles that run `warden scan` (deployment.auditorPrincipals).
        Statement: [{ Effect: 'Allow', Principal: { AWS: [scannerRoleArn.valueAsString, ...config.deployment.auditorPrincipals] }, Action: 'sts:AssumeRole', ...inOrganization }],
      },
      policies: [{ policyName: 'WardenAudit', policyDocument: { Version: '2012-10-17', Statement: policyStatements(auditorActions(), { listApis: true }) } }],
    });
    auditor.cfnOptions.condition = isHomeRegion;
  }
}

/**
 * The remediator's explicit Denies, in IAM itself, so they hold even if the code were bypassed (the
 * executor refuses the same plans before any call, from the same lists):
 * - its IAM writes on the bot's own roles and policies (the stack prefix; the remediator, audit and
 *   forwarder roles) and on the organization's administrative roles (`remediation.protectedRoles`);
 * - its Lambda writes on the bot's own functions in the security account (parameter `WardenFunctionArns`);
 * - every EventBridge rule write on the forwarding rules and on the rules of the Warden bus.
 * With `remediation.iamWrites: false` the role holds no IAM write, and no IAM Deny is needed.
 */
export function remediatorDenies(config: WardenConfig, stack: Stack, central: { readonly busArn: string; readonly functionArns: string[]; readonly roleArns: string[] }): Record<string, unknown>[] {
  const iamWrites = remediatorWrites('iam', config.remediation);
  const iam = iamWrites.length === 0 ? [] : [neverChangeOwnRoles(config, stack, central.roleArns), neverChangeAdministrativeRoles(config, stack)];
  const busRules = Fn.join('', [Fn.select(0, Fn.split(':event-bus/', central.busArn)), ':rule/', Fn.select(1, Fn.split(':event-bus/', central.busArn)), '/*']);
  return [
    ...iam,
    {
      Sid: 'NeverChangeWardenFunctions',
      Effect: 'Deny',
      Action: remediatorWrites('lambda', config.remediation),
      // Each function and every version or alias of it (`<arn>:<qualifier>`), as one list.
      Resource: Fn.split(',', Fn.join('', [Fn.join(',', central.functionArns), ',', Fn.join(':*,', central.functionArns), ':*'])),
    },
    {
      Sid: 'NeverChangeWardenForwardingRules',
      Effect: 'Deny',
      Action: [...EVENTS_RULE_WRITES],
      Resource: [`arn:${stack.partition}:events:*:${stack.account}:rule/${FORWARDING_RULE_PREFIX}*`, busRules],
    },
  ];
}

/**
 * The remediator's IAM writes on the bot's own roles, exactly: the remediator, audit and forwarder roles
 * the member template creates, and the central stack's roles in the security account (parameter
 * `WardenRoleArns`). Never by name: a member account's `WardenPayments-role` is an ordinary role. So
 * whoever holds the remediator session can never widen the bot's own permissions or trust.
 */
export function neverChangeOwnRoles(config: WardenConfig, stack: Stack, centralRoleArns: string[]): Record<string, unknown> {
  const iamArn = (resource: string): string => `arn:${stack.partition}:iam::${stack.account}:${resource}`;
  const own = ownMemberRoleResources(config);
  return {
    Sid: 'NeverChangeWardenRoles',
    Effect: 'Deny',
    Action: remediatorWrites('iam', config.remediation),
    Resource: Fn.split(',', Fn.join(',', [iamArn(own.remediator), iamArn(own.auditor), iamArn(own.forwarder), Fn.join(',', centralRoleArns)])),
  };
}

/** The remediator's IAM writes on the organization's administrative roles (`remediation.protectedRoles`). */
export function neverChangeAdministrativeRoles(config: WardenConfig, stack: Stack): Record<string, unknown> {
  return {
    Sid: 'NeverChangeAdministrativeRoles',
    Effect: 'Deny',
    Action: remediatorWrites('iam', config.remediation),
    Resource: config.remediation.protectedRoles.flatMap(protectedRoleResources).map((resource) => `arn:${stack.partition}:iam::${stack.account}:${resource}`),
  };
}

/**
 * The member template as JSON, synthesized on its own (it holds no asset) in a directory of its
 * own, so it never lands in the caller's `cdk.out`: the StackSet's template body.
 */
export function memberTemplate(config: WardenConfig, rules: readonly AnyRule[]): string {
  const outdir = mkdtempSync(join(tmpdir(), 'warden-member-'));
  try {
    const app = new App({ outdir });
    const stack = new MemberStack(app, 'WardenMember', { config, rules });
    suppressMemberFindings(stack);
    return JSON.stringify(app.synth().getStackArtifact(stack.artifactId).template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
