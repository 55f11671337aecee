/**
 * Which plan a decision runs, always from the stored record (never from a button or an event):
 * Approve runs the record's plan, Quarantine sets the function's reserved concurrency to 0,
 * Restore runs the restore record's inverse plan; rejections and expiries run nothing.
 */
import type { RemediationPlan } from '../contract/finding';
import type { ApprovalRecord } from '../contract/approval-record';
import { quarantineOffered, type DecisionKind } from '../contract/decision';

/** The quarantine plan for a finding on a Lambda function; null for any other resource. */
export function quarantinePlan(finding: ApprovalRecord['finding']): RemediationPlan | null {
  if (!quarantineOffered(finding)) return null;
  return {
    action: 'quarantine-function',
    params: { functionName: finding.resource },
    description: 'lambda:PutFunctionConcurrency sets reserved concurrency to 0: every invocation is throttled, nothing else changes. lambda:DeleteFunctionConcurrency lifts it.',
  };
}

/** The plan a decision on `record` runs, or null when it runs none (or the record does not offer it). */
export function planForDecision(record: ApprovalRecord, decision: DecisionKind): RemediationPlan | null {
  const restore = record.kind === 'restore';
  switch (decision) {
    case 'approved':
      return restore ? null : record.plan;
    case 'quarantined':
      return restore ? null : quarantinePlan(record.finding);
    case 'restored':
      return restore ? record.plan : null;
    case 'rejected':
    case 'rejected-and-exempted':
    case 'expired':
      return null;
  }
}
