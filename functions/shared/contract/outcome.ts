/** What the executor did with a finding: the record stored, logged and put on the bus as "Warden Remediation". */
import type { ActionName, Mode } from './finding';
import type { IntegrityFailure } from './integrity-failure';
import type { DetectorFindingRef } from './detector-finding';

export type ExecutionStatus =
  /** mode alert: reported only. */
  | 'alerted'
  /** mode approve (or auto with the circuit breaker open): a pending approval was created, or one is open for the finding already (`approval.openedBy`). */
  | 'pending-approval'
  /** global dry-run: nothing changed; `plan.call` says what would have been done. */
  | 'dry-run'
  /** self-protection, config allow-list or `warden:exempt` tag. */
  | 'exempt'
  | 'remediated'
  /** the state changed since the event: nothing was done. */
  | 'already-compliant'
  | 'failed'
  /** the account is outside the organization, or a stored plan writes what the bot may not (`blocked`): no call was made. */
  | 'refused'
  /** the fix needs a change the bot does not make (`blocked`: IAM writes off, a protected role): the finding says the call to make by hand; no plan is stored or offered. */
  | 'manual'
  /** the same event's finding is being or was handled by another delivery: nothing done, nothing emitted. */
  | 'duplicate'
  /** the detector finding it was raised from was archived or resolved by its service: its open approval is closed, nothing is done (issue #18). */
  | 'closed';

export interface ExecutionOutcome {
  readonly findingId: string;
  readonly eventId: string;
  readonly ruleId: string;
  readonly resource: string;
  readonly account: string;
  readonly region: string;
  /** The mode the finding asked for (config precedence applied). */
  readonly mode: Mode;
  /** The mode acted upon (`approve` when the circuit breaker is open). */
  readonly effectiveMode: Mode;
  readonly status: ExecutionStatus;
  readonly dryRun: boolean;
  readonly plan: { readonly action: ActionName; readonly call: string; readonly description: string } | null;
  /** One sentence for people. */
  readonly detail: string;
  readonly verified?: boolean;
  /** The AWS error of a failed action: name and message only. */
  readonly error?: { readonly name: string; readonly message: string };
  /** The pending record; `openedBy` (the event that opened it) when it was open already and this event asked nothing new. */
  readonly approval?: { readonly id: string; readonly expiresAt: string; readonly openedBy?: string };
  /** After an automatic revert: the record behind the Slack "Restore" button (puts the change back, exempts 30 days). */
  readonly restore?: { readonly id: string; readonly expiresAt: string };
  readonly exemption?: { readonly kind: string; readonly reason: string };
  /** Why the bot does not run the plan itself (`manual`, `refused`). */
  readonly blocked?: { readonly kind: 'iam-writes-off' | 'administrative-role' | 'own-role'; readonly reason: string };
  /** Stored items that failed their integrity check while this finding was handled (each raises a critical alert). */
  readonly integrityFailures?: readonly IntegrityFailure[];
  /** The circuit breaker that held an automatic remediation back: which counter (an account, a principal, or all), its limit and window. */
  readonly circuitBreaker?: {
    readonly justTripped: boolean;
    readonly scope: BreakerScope;
    /** The account id, the principal's ARN, or `global`. */
    readonly key: string;
    readonly limit: number;
    readonly windowMinutes: number;
    readonly windowStart: string;
  };
  readonly at: string;
  /** `closed`: the detector finding (as of its closing) whose Slack thread is told. */
  readonly detector?: DetectorFindingRef;
}

/** What a circuit breaker counts: one account's automatic remediations, one principal's reverted changes, or all. */
export type BreakerScope = 'account' | 'principal' | 'global';

/** `in account 111122223333`, `of changes by arn:…`, `in the organization`. */
export function breakerScopeText(breaker: Pick<NonNullable<ExecutionOutcome['circuitBreaker']>, 'scope' | 'key'>): string {
  switch (breaker.scope) {
    case 'account':
      return `in account ${breaker.key}`;
    case 'principal':
      return `of changes by ${breaker.key}`;
    case 'global':
      return 'in the organization';
  }
}

/** True when an API call was attempted against the account. */
export function actionAttempted(outcome: ExecutionOutcome): boolean {
  return outcome.status === 'remediated' || outcome.status === 'already-compliant' || outcome.status === 'failed';
}
