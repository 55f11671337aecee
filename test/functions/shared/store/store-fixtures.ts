/** The finding and outcome the state store's tests store and read back (one copy for every store test file). */
import type { Finding } from '../../../../functions/shared/contract/finding';
import type { ExecutionOutcome } from '../../../../functions/shared/contract/outcome';
import { FUNCTION_ARN } from '../../../fixtures/accounts';

export const NOW = new Date('2025-03-14T09:30:00Z');
export const later = (seconds: number): Date => new Date(NOW.getTime() + seconds * 1000);

export const FINDING: Finding = {
  id: 'wf-0123456789abcdef0123',
  ruleId: 'function-public-access',
  title: 'Function policy allows anyone to invoke',
  severity: 'critical',
  mode: 'approve',
  resource: FUNCTION_ARN,
  account: '111122223333',
  region: 'us-east-1',
  summary: 'public',
  rationale: 'why',
  details: {},
  remediation: { action: 'remove-function-permission', params: { functionName: FUNCTION_ARN, statementId: 'open' }, description: 'removes it' },
};

/** A whole outcome of `FINDING` for event `e-1` (the store parses what it reads back: a partial one would be refused). */
export function outcomeOf(fields: Partial<ExecutionOutcome> = {}): ExecutionOutcome {
  return {
    findingId: FINDING.id,
    eventId: 'e-1',
    ruleId: FINDING.ruleId,
    resource: FINDING.resource,
    account: FINDING.account,
    region: FINDING.region,
    mode: FINDING.mode,
    effectiveMode: FINDING.mode,
    status: 'remediated',
    dryRun: false,
    plan: { action: 'remove-function-permission', call: 'lambda:RemovePermission', description: 'removes it' },
    detail: 'removed',
    verified: true,
    at: NOW.toISOString(),
    ...fields,
  };
}
