/**
 * The contract between the Slack message (notifier), the approval endpoint and the responder:
 * the buttons' action ids, which choices a pending record offers, and the "Warden Decision" event
 * the approval endpoint puts on the bus. Buttons carry only an opaque record id; the plan is always
 * read from the state store.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { FINDING_SCOPE_FIELDS, IsoTimeSchema, type Finding } from './finding';

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
export const DECISION_KINDS = ['approved', 'quarantined', 'rejected', 'rejected-and-exempted', 'restored', 'expired'] as const;
export const DecisionKindSchema = lazySchema(() => z.enum(DECISION_KINDS));
export type DecisionKind = z.infer<typeof DecisionKindSchema>;

/** How long "Reject and exempt" and "Restore" exempt the resource from the rule. */
export const DECISION_EXEMPTION_DAYS = 30;

/** Quarantine (reserved concurrency 0) is offered only where the resource is a Lambda function. */
export function quarantineOffered(finding: Pick<Finding, 'resource'>): boolean {
  return /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:]+$/.test(finding.resource);
}

/**
 * Detail of a "Warden Decision" event (see `decisionEvent` in bus/warden-events), validated with this
 * schema by both its readers (the responder's decision runner and the notifier).
 * - `recordId`: the approval or restore record the decision was taken on.
 * - `by`: Slack user id (and name when known) of the approver; absent for `expired`.
 * - `plan`: the plan that the decision asks the responder to run (`approved`, `quarantined`,
 *   `restored`); null otherwise. `call` only when rendered from a plan made at the click (a
 *   quarantine): a stored plan's call is shown by the responder's outcome, rendered from the plan it
 *   verified and ran, never from text the approval endpoint cannot verify.
 * - `exemptUntil`: set when the decision exempts the resource from the rule.
 * - `message`: where the original Slack message is, when the approval endpoint knows it (the notifier also keeps it).
 */
export const DecisionDetailSchema = lazySchema(() => z
  .object({
    recordId: z.string().regex(/^w[ar]-[0-9a-f]{24}$/, 'must be an approval or restore record id'),
    ...FINDING_SCOPE_FIELDS,
    decision: DecisionKindSchema,
    by: z.object({ userId: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id'), userName: z.string().optional() }).readonly().optional(),
    at: z.iso.datetime(),
    plan: z.object({ action: z.string().min(1), call: z.string().optional(), description: z.string() }).readonly().nullable(),
    exemptUntil: IsoTimeSchema.optional(),
    message: z.object({ channel: z.string().min(1), ts: z.string().min(1) }).readonly().optional(),
  })
  .readonly());
export type DecisionDetail = z.infer<typeof DecisionDetailSchema>;
