/**
 * The contract between the Slack message (notifier), the approval endpoint and the responder:
 * the buttons' action ids, which choices a pending record offers, and the "Warden Decision" event
 * the approval endpoint puts on the bus. Buttons carry only an opaque record id; the plan is always
 * read from the state store.
 */
import type { Finding } from './finding';

/** `action_id` of each button. The button's `value` is the record id (approval or restore id), nothing else. */
export const BUTTON_ACTIONS = {
  approve: 'warden:approve',
  quarantine: 'warden:quarantine',
  reject: 'warden:reject',
  rejectAndExempt: 'warden:reject-exempt',
  restore: 'warden:restore',
} as const;
export type ButtonAction = (typeof BUTTON_ACTIONS)[keyof typeof BUTTON_ACTIONS];

/** What an approver chose, or what happened to a pending record without one (`expired`). */
export type DecisionKind = 'approved' | 'quarantined' | 'rejected' | 'rejected-and-exempted' | 'restored' | 'expired';

/** How long "Reject and exempt" and "Restore" exempt the resource from the rule. */
export const DECISION_EXEMPTION_DAYS = 30;

/** Quarantine (reserved concurrency 0) is offered only where the resource is a Lambda function. */
export function quarantineOffered(finding: Pick<Finding, 'resource'>): boolean {
  return /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:]+$/.test(finding.resource);
}

/** Detail of a "Warden Decision" event (see `decisionEvent` in responder/warden-events). */
export interface DecisionDetail {
  /** The approval or restore record the decision was taken on. */
  readonly recordId: string;
  readonly findingId: string;
  readonly eventId: string;
  readonly ruleId: string;
  readonly resource: string;
  readonly account: string;
  readonly region: string;
  readonly decision: DecisionKind;
  /** Slack user id (and name when known) of the approver; absent for `expired`. */
  readonly by?: { readonly userId: string; readonly userName?: string };
  readonly at: string;
  /**
   * The plan that the decision asks the responder to run (`approved`, `quarantined`, `restored`); null
   * otherwise. `call` only when rendered from a plan made at the click (a quarantine): a stored plan's
   * call is shown by the responder's outcome, rendered from the plan it verified and ran, never from
   * text the approval endpoint cannot verify.
   */
  readonly plan: { readonly action: string; readonly call?: string; readonly description: string } | null;
  /** Set when the decision exempts the resource from the rule. */
  readonly exemptUntil?: string;
  /** Where the original Slack message is, when the approval endpoint knows it (the notifier also keeps it). */
  readonly message?: { readonly channel: string; readonly ts: string };
}
