/**
 * The member roles' permissions, generated from the code: the remediator's are the IAM actions each
 * remediation action declares plus those the state readers and the scan call; the audit role's are
 * exactly the scan's calls (`SCAN_PERMISSIONS`, reads only). No wildcard action, ever.
 */
import { LAMBDA_LOG_GROUP_READ_PERMISSIONS, LAMBDA_READ_PERMISSIONS, LAMBDA_SETTINGS_READ_PERMISSIONS, LAMBDA_THREAT_READ_PERMISSIONS } from '../functions/shared/aws/lambda-state-reader';
import { LOGS_READ_PERMISSIONS } from '../functions/shared/aws/logs-state-reader';
import { IAM_READ_PERMISSIONS } from '../functions/shared/aws/iam-state-reader';
import { API_GATEWAY_READ_PERMISSIONS } from '../functions/shared/aws/api-gateway-state-reader';
import { EC2_READ_PERMISSIONS } from '../functions/shared/aws/ec2-state-reader';
import { allDeclaredPermissions } from '../functions/shared/remediation/actions';
import { isIamWrite } from '../functions/shared/remediation/iam-writes';
import { SCAN_LIST_PERMISSIONS } from '../functions/shared/scan/scan-inventory';
import { SCAN_PERMISSIONS } from '../functions/shared/scan/scan-permissions';

/**
 * The sorted union of every declared permission: exactly the remediator role's actions. With
 * `iamWrites: false` (`remediation.iamWrites`) every IAM write is left out; the IAM reads stay.
 */
export function remediatorActions(options: { readonly iamWrites?: boolean } = {}): string[] {
  const all = [...new Set([...allDeclaredPermissions(), ...LAMBDA_READ_PERMISSIONS, ...LAMBDA_SETTINGS_READ_PERMISSIONS, ...LAMBDA_THREAT_READ_PERMISSIONS, ...LAMBDA_LOG_GROUP_READ_PERMISSIONS, ...LOGS_READ_PERMISSIONS, ...IAM_READ_PERMISSIONS, ...API_GATEWAY_READ_PERMISSIONS, ...EC2_READ_PERMISSIONS, ...SCAN_LIST_PERMISSIONS])].sort();
  return options.iamWrites === false ? all.filter((action) => !isIamWrite(action)) : all;
}

/** The remediator's own actions that change something in a service (`iam:`, `lambda:` …): what its Denies name. */
export function remediatorWrites(service: string, options: { readonly iamWrites?: boolean } = {}): string[] {
  return remediatorActions(options).filter((action) => action.startsWith(`${service}:`) && !/^[a-z0-9-]+:(Get|List|Describe)/.test(action));
}

/**
 * The EventBridge actions that change a rule (its pattern, state, targets or tags): every `events:` action
 * of access level Write or Tagging on a rule (a test checks this list against the IAM data). The remediator
 * holds none of them; its Deny on the bot's forwarding rules keeps it so whatever is added later.
 */
export const EVENTS_RULE_WRITES: readonly string[] = [
  'events:DeleteRule',
  'events:DisableRule',
  'events:EnableRule',
  'events:PutRule',
  'events:PutTargets',
  'events:RemoveTargets',
  'events:TagResource',
  'events:UntagResource',
];

/** The audit role's actions, sorted: what a scan calls (`warden scan`, the scheduled scan), and nothing else. */
export function auditorActions(): string[] {
  return [...SCAN_PERMISSIONS].sort();
}

/**
 * Remediator and audit role actions that support no resource-level permission (list calls): a statement naming
 * them needs `Resource: "*"`, or IAM denies them. A test checks this list against the IAM data.
 */
export const ACTIONS_WITHOUT_RESOURCE: readonly string[] = ['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'iam:GetAccountAuthorizationDetails', 'lambda:ListEventSourceMappings', 'lambda:ListFunctions', 'lambda:ListLayerVersions', 'lambda:ListLayers', 'logs:DescribeLogGroups'];

/** Actions grouped by service prefix (`lambda`, `iam`, …), for one policy statement per service. */
export function actionsByService(actions: readonly string[]): ReadonlyMap<string, readonly string[]> {
  const byService = new Map<string, string[]>();
  for (const action of actions) {
    const service = action.split(':')[0] ?? action;
    byService.set(service, [...(byService.get(service) ?? []), action]);
  }
  return byService;
}
