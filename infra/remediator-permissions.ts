/**
 * The member roles' permissions, generated from the code: the remediator's are the IAM actions each
 * remediation action declares plus those the state readers and the scan call; the audit role's are
 * exactly the scan's calls (`SCAN_PERMISSIONS`, reads only). No wildcard action, ever.
 */
import { LAMBDA_READ_PERMISSIONS } from '../functions/shared/aws/lambda-state-reader';
import { IAM_READ_PERMISSIONS } from '../functions/shared/aws/iam-state-reader';
import { allDeclaredPermissions } from '../functions/shared/remediation/actions';
import { SCAN_LIST_PERMISSIONS } from '../functions/shared/scan/scan-inventory';
import { SCAN_PERMISSIONS } from '../functions/shared/scan/scan-permissions';

/** The sorted union of every declared permission: exactly the remediator role's actions. */
export function remediatorActions(): string[] {
  return [...new Set([...allDeclaredPermissions(), ...LAMBDA_READ_PERMISSIONS, ...IAM_READ_PERMISSIONS, ...SCAN_LIST_PERMISSIONS])].sort();
}

/** The audit role's actions, sorted: what a scan calls (`warden scan`, the scheduled scan), and nothing else. */
export function auditorActions(): string[] {
  return [...SCAN_PERMISSIONS].sort();
}

/**
 * Remediator and audit role actions that support no resource-level permission (list calls): a statement naming
 * them needs `Resource: "*"`, or IAM denies them. A test checks this list against the IAM data.
 */
export const ACTIONS_WITHOUT_RESOURCE: readonly string[] = ['iam:GetAccountAuthorizationDetails', 'lambda:ListFunctions', 'lambda:ListLayerVersions', 'lambda:ListLayers'];

/** Actions grouped by service prefix (`lambda`, `iam`, …), for one policy statement per service. */
export function actionsByService(actions: readonly string[]): ReadonlyMap<string, readonly string[]> {
  const byService = new Map<string, string[]>();
  for (const action of actions) {
    const service = action.split(':')[0] ?? action;
    byService.set(service, [...(byService.get(service) ?? []), action]);
  }
  return byService;
}
