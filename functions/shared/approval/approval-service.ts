/**
 * What a click decides: approver check → the record read from the state store → one conditional
 * write (pending → decided, before expiry) → the exemption "Reject and exempt" writes → a "Warden Decision"
 * event on the bus (the responder runs the plan, the notifier updates the message) and an audit log
 * line. Nothing here touches a member account: Slack gets its answer in well under 3 seconds.
 */
import { quarantineCall } from '../remediation/quarantine-call';
import type { Telemetry } from '../observability';
import { decisionEvent, type EventSink } from '../bus/warden-events';
import { exemptionFields, type Integrity } from '../store/integrity';
import type { ApprovalStateStore } from '../store/state-store';
import type { ApprovalDecision, ApprovalRecord } from '../contract/approval-record';
import { ApproverCheckError, type ApproverCheck } from './approvers';
import { BUTTON_ACTIONS, DECISION_EXEMPTION_DAYS, type ButtonAction, type DecisionDetail, type DecisionKind } from '../contract/decision';
import { planForDecision } from './decision-plans';
import type { Interaction } from './interaction';

/** The decision each button asks for. */
export const DECISION_OF: Readonly<Record<ButtonAction, ApprovalDecision>> = {
  [BUTTON_ACTIONS.approve]: 'approved',
  [BUTTON_ACTIONS.quarantine]: 'quarantined',
  [BUTTON_ACTIONS.reject]: 'rejected',
  [BUTTON_ACTIONS.rejectAndExempt]: 'rejected-and-exempted',
  [BUTTON_ACTIONS.restore]: 'restored',
};

export type ClickOutcome = 'decided' | 'not-allowed' | 'approver-check-failed' | 'not-found' | 'not-offered' | 'already-decided' | 'expired';

/** What a click did, and the ephemeral reply (if any) for the clicking user. */
export interface ClickResult {
  readonly outcome: ClickOutcome;
  readonly decision?: DecisionKind;
  /** Text for the user only (posted to `response_url`); null when the message update says it all. */
  readonly reply: string | null;
}

export interface ApprovalServiceOptions {
  readonly store: ApprovalStateStore;
  /** Holds the exemption integrity key only: signs the exemptions "Reject and exempt" writes. */
  readonly integrity: Integrity;
  readonly approvers: ApproverCheck;
  readonly sink: EventSink;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
}

/** True when the record offers this decision (Restore only on restore records, Quarantine only on functions). */
export function decisionOffered(record: ApprovalRecord, decision: ApprovalDecision): boolean {
  if (decision === 'rejected' || decision === 'rejected-and-exempted') return record.kind !== 'restore';
  return planForDecision(record, decision) !== null;
}

/**
 * The plan as the Decision event carries it. The call is rendered only for a quarantine (a plan made
 * now, from the finding); a stored plan's call is not taken from the record's text, which this
 * function cannot verify: the responder's outcome shows the call of the plan it verified and ran.
 */
function described(record: ApprovalRecord, decision: DecisionKind): DecisionDetail['plan'] {
  const plan = planForDecision(record, decision);
  if (plan === null) return null;
  return decision === 'quarantined' ? { action: plan.action, call: quarantineCall(record.finding.resource), description: plan.description } : { action: plan.action, description: plan.description };
}

/**
 * @example
 * const service = new ApprovalService({ store, approvers, sink, telemetry });
 * const result = await service.click(parseInteraction(body));
 * if (result.reply !== null) await replies.ephemeral(interaction.responseUrl, result.reply);
 */
export class ApprovalService {
  private readonly now: () => Date;

  constructor(private readonly options: ApprovalServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async click(interaction: Interaction): Promise<ClickResult> {
    const { telemetry, store } = this.options;
    const decision = DECISION_OF[interaction.action];
    const attempt = { userId: interaction.userId, action: interaction.action, recordId: interaction.recordId };
    try {
      if (!(await this.options.approvers.isAllowed(interaction.userId))) {
        telemetry.warn('decision refused: not an approver', attempt);
        return { outcome: 'not-allowed', reply: 'You are not one of the approvers for Lambda Warden: nothing was changed.' };
      }
    } catch (e: unknown) {
      if (!(e instanceof ApproverCheckError)) throw e;
      telemetry.error('decision refused: approver membership unknown', { ...attempt, error: e.message });
      return { outcome: 'approver-check-failed', reply: 'Slack could not confirm that you are an approver: nothing was changed. Try again in a minute.' };
    }

    const record = await store.getApproval(interaction.recordId);
    if (record === null) {
      telemetry.warn('decision refused: unknown record', attempt);
      return { outcome: 'not-found', reply: 'This request is unknown to Lambda Warden: nothing was changed.' };
    }
    const now = this.now();
    if (record.status === 'pending' && Date.parse(record.expiresAt) <= now.getTime()) return this.expire(record, interaction, now);
    if (!decisionOffered(record, decision)) {
      telemetry.warn('decision refused: not offered on this record', { ...attempt, decision });
      return { outcome: 'not-offered', reply: 'This choice is not offered for this request: nothing was changed.' };
    }

    const result = await store.decideApproval({ id: record.id, decision, by: interaction.userId, now });
    if (!result.ok) {
      if (result.reason === 'expired' && result.record !== null) return this.expire(result.record, interaction, now);
      const current = result.record;
      if (current === null) return { outcome: 'not-found', reply: 'This request is unknown to Lambda Warden: nothing was changed.' };
      telemetry.info('decision refused: already decided', { ...attempt, status: current.status, decidedBy: current.decidedBy });
      const who = current.decidedBy === undefined ? '' : ` by <@${current.decidedBy}>`;
      const when = current.decidedAt === undefined ? '' : ` at ${current.decidedAt}`;
      return { outcome: 'already-decided', reply: `Already ${current.status}${who}${when}: nothing more was done.` };
    }

    const decided = result.record;
    let exemptUntil: string | undefined;
    let exemptionWritten = false;
    try {
      if (decision === 'rejected-and-exempted' || decision === 'restored') {
        exemptUntil = new Date(now.getTime() + DECISION_EXEMPTION_DAYS * 86_400_000).toISOString();
      }
      // Reject and exempt takes effect now; a Restore's exemption is written by the responder that
      // runs it (same end: 30 days after the click) and kept only if the restore ran.
      if (decision === 'rejected-and-exempted' && exemptUntil !== undefined) {
        const { resource, ruleId } = record.finding;
        exemptionWritten = true; // set before the write: a failed write may still have landed
        const exemption = { resource, ruleId, until: exemptUntil, by: interaction.userId, recordId: record.id, decision, createdAt: now.toISOString() };
        await store.putExemption({ ...exemption, tag: await this.options.integrity.sign('exemption', exemptionFields(exemption)) });
      }
      const by = { userId: interaction.userId, ...(interaction.userName === undefined ? {} : { userName: interaction.userName }) };
      const detail = this.detail(decided, decision, { by, message: interaction.message }, now, exemptUntil);
      await this.options.sink.publish([decisionEvent(detail)]);
      telemetry.info('decision', { ...detail });
    } catch (e: unknown) {
      // Nobody would run or announce it: take back the exemption this click wrote (only if it is still
      // this record's) and put the record back to pending so the click can be retried.
      const reason = (err: unknown): string => (err instanceof Error ? err.message : 'unknown error');
      let exemptionRemoved: boolean | undefined;
      if (exemptionWritten) {
        const { resource, ruleId } = record.finding;
        exemptionRemoved = await store.deleteExemption({ resource, ruleId, recordId: record.id, now: this.now() }).catch((err: unknown) => {
          telemetry.error('exemption of an unannounced decision not removed', { ...attempt, decision, resource, ruleId, error: reason(err) });
          return false;
        });
      }
      const undone = await store
        .undoDecision({ id: record.id, decision, by: interaction.userId, decidedAt: decided.decidedAt ?? now.toISOString() })
        .catch((err: unknown) => {
          telemetry.error('decision not put back to pending', { ...attempt, decision, error: reason(err) });
          return false;
        });
      telemetry.error('decision not announced', {
        ...attempt,
        decision,
        undone,
        ...(exemptionRemoved === undefined ? {} : { exemptionRemoved }),
        error: reason(e),
      });
      throw e;
    }
    return { outcome: 'decided', decision, reply: null };
  }

  /** pending → expired (once), a Decision event `expired` so the message says so; nothing runs. */
  private async expire(record: ApprovalRecord, interaction: Interaction, now: Date): Promise<ClickResult> {
    const expired = await this.options.store.expireApproval({ id: record.id, now });
    if (expired) {
      const detail = this.detail(record, 'expired', { by: undefined, message: interaction.message }, now, undefined);
      await this.options.sink.publish([decisionEvent(detail)]);
      this.options.telemetry.info('decision', { ...detail, clickedBy: interaction.userId });
    }
    return { outcome: 'expired', decision: 'expired', reply: `This request expired at ${record.expiresAt}: nothing was executed.` };
  }

  private detail(
    record: ApprovalRecord,
    decision: DecisionKind,
    context: { readonly by: DecisionDetail['by']; readonly message: Interaction['message'] },
    now: Date,
    exemptUntil: string | undefined,
  ): DecisionDetail {
    return {
      recordId: record.id,
      findingId: record.findingId,
      eventId: record.eventId,
      ruleId: record.finding.ruleId,
      resource: record.finding.resource,
      account: record.finding.account,
      region: record.finding.region,
      decision,
      ...(context.by === undefined ? {} : { by: context.by }),
      at: now.toISOString(),
      plan: described(record, decision),
      ...(exemptUntil === undefined ? {} : { exemptUntil }),
      ...(context.message === undefined ? {} : { message: context.message }),
    };
  }
}
