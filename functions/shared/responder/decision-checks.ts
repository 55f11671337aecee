/**
 * What a decided plan must satisfy before it runs, beyond its record's integrity tag: it targets
 * exactly its finding's resource (same account and region), and the resource reference to re-judge.
 * Pure: no AWS call.
 */
import type { RemediationPlan, Finding } from '../contract/finding';
import {
  layerVersionArn,
  parseFunctionName,
  parseLayerVersion,
  parseRoleName,
  parseSecurityGroupRule,
  parseTrailName,
  type ResourceKind,
  type ResourceRef,
  parseApiArn,
} from '../state/resources';

const EVENT_RULE_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):rule\/(?:([.\-_A-Za-z0-9]+)\/)?([.\-_A-Za-z0-9]+)$/;
const POLICY_ARN_ACCOUNT = /^arn:aws[a-z-]*:iam::(\d{12}):policy\//;

/** The reference of a finding's resource (of the rule's kind), or null when its ARN is not one. */
export function findingRef(kind: ResourceKind, finding: Pick<Finding, 'resource' | 'account' | 'region'>): ResourceRef | null {
  const { resource, account, region } = finding;
  let ref: ResourceRef | null;
  switch (kind) {
    case 'lambda-function':
      ref = resource.startsWith('arn:') ? parseFunctionName(resource, account, region) : null;
      break;
    case 'lambda-layer-version':
      ref = resource.startsWith('arn:') ? parseLayerVersion(resource, undefined, account, region) : null;
      break;
    case 'cloudtrail-trail':
      // An organization trail lives in its home account and region, which the ARN names.
      return resource.startsWith('arn:') ? parseTrailName(resource, account, region) : null;
    case 'iam-role':
      ref = resource.startsWith('arn:') ? parseRoleName(resource, account, region) : null;
      return ref !== null && ref.account === account ? ref : null;
    case 'events-rule': {
      const m = EVENT_RULE_ARN.exec(resource);
      ref = m === null ? null : { kind: 'events-rule', region: m[1] ?? '', account: m[2] ?? '', eventBusName: m[3] ?? 'default', ruleName: m[4] ?? '' };
      break;
    }
    case 'apigateway-api': {
      // An API's ARN names no account: the finding's is the one it was judged in.
      const api = parseApiArn(resource, account);
      ref = api === null || api.stageName !== undefined ? null : api.ref;
      break;
    }
    case 'ec2-security-group-rule':
      ref = resource.startsWith('arn:') ? parseSecurityGroupRule(resource, account, region) : null;
      break;
  }
  return ref !== null && ref.account === account && ref.region === region ? ref : null;
}

function text(params: RemediationPlan['params'], key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' ? value : undefined;
}

function sameFunction(plan: RemediationPlan, finding: Finding): boolean {
  const target = findingRef('lambda-function', finding);
  const name = text(plan.params, 'functionName');
  if (target?.kind !== 'lambda-function' || name === undefined || !name.startsWith('arn:')) return false;
  const planned = parseFunctionName(name, finding.account, finding.region, text(plan.params, 'qualifier'));
  return (
    planned !== null &&
    planned.account === target.account &&
    planned.region === target.region &&
    planned.functionName === target.functionName &&
    (planned.qualifier ?? null) === (target.qualifier ?? null)
  );
}

function sameRole(plan: RemediationPlan, finding: Finding): boolean {
  const target = findingRef('iam-role', finding);
  const name = text(plan.params, 'roleName');
  return target?.kind === 'iam-role' && name !== undefined && name === target.roleName;
}

function sameLayerVersion(plan: RemediationPlan, finding: Finding): boolean {
  const name = text(plan.params, 'layerName');
  const version = plan.params.versionNumber;
  if (name === undefined || typeof version !== 'number') return false;
  const planned = parseLayerVersion(name, version, finding.account, finding.region);
  return planned !== null && planned.account === finding.account && planned.region === finding.region && layerVersionArn(planned) === finding.resource;
}

/**
 * True when the plan acts on exactly the finding's resource: the function, layer version, role or
 * trail its parameters name is the finding's, in the finding's account and region. A managed policy
 * version (`set-default-policy-version`) must be a customer managed policy of the finding's account.
 */
export function targetsFindingResource(plan: RemediationPlan, finding: Finding): boolean {
  switch (plan.action) {
    case 'remove-function-permission':
    case 'add-function-permission':
    case 'set-function-url-auth-iam':
    case 'set-function-url-auth-none':
    case 'remove-function-env-variables':
    case 'restore-function-layers':
    case 'quarantine-function':
    case 'set-function-recursion-terminate':
    case 'remove-function-destination':
    case 'remove-function-dead-letter-queue':
    case 'isolate-function':
    case 'lift-function-isolation':
    case 'disable-event-source-mapping':
    case 'enable-event-source-mapping':
    case 'remove-event-source-mapping-destination':
      return sameFunction(plan, finding);
    case 'remove-layer-version-permission':
    case 'add-layer-version-permission':
      return sameLayerVersion(plan, finding);
    case 'delete-role-policy':
    case 'restore-role-policy':
    case 'detach-role-policy':
    case 'restore-trust-policy':
      return sameRole(plan, finding);
    case 'set-default-policy-version': {
      const policy = text(plan.params, 'policyArn');
      return findingRef('iam-role', finding) !== null && policy !== undefined && POLICY_ARN_ACCOUNT.exec(policy)?.[1] === finding.account;
    }
    case 'start-trail-logging':
      return text(plan.params, 'trailArn') === finding.resource;
    case 'revoke-security-group-egress': {
      const target = findingRef('ec2-security-group-rule', finding);
      return target?.kind === 'ec2-security-group-rule' && text(plan.params, 'securityGroupRuleId') === target.ruleId && text(plan.params, 'groupId') === finding.details.groupId;
    }
    case 'authorize-security-group-egress':
      // The revoked rule is gone (a restore gets a new id): its group, from the signed finding.
      return findingRef('ec2-security-group-rule', finding) !== null && text(plan.params, 'groupId') === finding.details.groupId;
    case 'set-api-route-auth-iam':
    case 'set-api-route-auth-none':
      return findingRef('apigateway-api', finding) !== null && text(plan.params, 'api') === finding.resource;
    case 'restore-function-code-signing-config':
    case 'reattach-function-code-signing-config':
      return sameFunction(plan, finding);
    case 'set-code-signing-config-enforce':
    case 'set-code-signing-config-warn': {
      // The config the finding judged, in the finding's account and region (it may be shared by other functions).
      const config = text(plan.params, 'codeSigningConfigArn');
      const place = config === undefined ? null : /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):code-signing-config:/.exec(config);
      return findingRef('lambda-function', finding) !== null && place?.[1] === finding.region && place[2] === finding.account && finding.details.codeSigningConfigArn === config;
    }
  }
}

/** The plan's action and parameters (not its description): what two plans must share to be the same change. */
export function planChange(plan: RemediationPlan): { readonly action: string; readonly params: RemediationPlan['params'] } {
  return { action: plan.action, params: plan.params };
}
