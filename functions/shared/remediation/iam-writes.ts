/**
 * Which remediation permissions and plans write IAM (trust and role policies, attachments, policy
 * versions): what `remediation.iamWrites: false` takes out of the remediator role and turns into
 * instructions for a person.
 */
import type { RemediationPlan } from '../contract/finding';
import { ACTIONS } from './actions';

/** True for an IAM action that changes something (every `iam:` action but `Get*` and `List*`). */
export function isIamWrite(action: string): boolean {
  return action.startsWith('iam:') && !/^iam:(Get|List)/.test(action);
}

/** True when running the plan needs an IAM write (its action declares one). */
export function planNeedsIamWrite(plan: Pick<RemediationPlan, 'action'>): boolean {
  return ACTIONS[plan.action].permissions.some(isIamWrite);
}
