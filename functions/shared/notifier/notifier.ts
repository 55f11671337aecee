/**
 * The notifier's core: the only component that posts to Slack channels and updates messages. Each
 * Warden event is claimed in the state store before anything is sent (a duplicate delivery posts
 * nothing), each finding's message location is stored so decisions and later outcomes update it
 * and reply in its thread, floods from one principal become a digest, and new findings and alerts
 * also go to the SNS topic as plain text.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { WebClient } from '@slack/web-api';
import type { DecisionDetail } from '../contract/decision';
import type { WardenConfig } from '../config/config';
import { SEVERITIES, type Finding } from '../contract/finding';
import { WardenError } from '../errors';
import type { ExecutionOutcome } from '../contract/outcome';
import { silentTelemetry, type Telemetry } from '../observability';
import type { SlackMessage } from '../slack/block-kit';
import {
  alertMessage,
  alertText,
  decisionReply,
  digestMessage,
  findingMessage,
  findingSubject,
  findingText,
  outcomeReply,
  repeatReply,
  subject,
  updateReply,
  type DigestInput,
} from '../slack/warden-messages';
import type { NotifiedMessage, NotifierStateStore, SlackMessageRef } from '../store/state-store';
import { parseNotifierEvent, type NotifierEvent } from './notifier-events';
import { digestEntryOf, digestKeyOf, entryKeyOf, vulnerabilityOfFinding } from './vulnerability-digest';
import { digestClosedReply, digestEntryReply, functionDigestMessage } from '../slack/vulnerability-messages';
import type { Vulnerability } from '../event/inspector-finding';
import { channelFor } from './routing';
import { detectorKey, type DetectorFindingRef } from '../contract/detector-finding';
import type { Alert } from '../contract/warden-events';

/** Slack answered a call with an error or without the message's `ts`. */
export class SlackPostError extends WardenError {}

/** Another delivery is posting a function's vulnerability digest right now: this one is retried (and then updates it). */
export class DigestBusyError extends WardenError {}

/**
 * A verification follow-up (issue #16: the revert did not hold) arrived before the finding's own message was stored: the
 * responder publishes the finding's events first, but EventBridge does not keep their order. Thrown so the delivery is
 * retried (Lambda's asynchronous retries) once the message is there, and the follow-up lands in its thread.
 */
export class FollowUpBeforeMessageError extends WardenError {}

/** How long a delivery may take to post a function's digest before another may (seconds). */
export const DIGEST_POST_LEASE_SECONDS = 60;

/** The largest SNS message (256 KB), in bytes. */
export const SNS_MAX_BYTES = 256 * 1024;

export interface NotifierOptions {
  readonly config: WardenConfig;
  readonly store: NotifierStateStore;
  /** The Slack client, created on first use (the token is read then). */
  readonly slack: () => Promise<WebClient>;
  /** Where plain-text copies go; none in tests that do not look at SNS. */
  readonly sns?: { readonly client: SNSClient; readonly topicArn: string };
  readonly now?: () => Date;
  readonly telemetry?: Telemetry;
  /** How long a claim on a notification holds before a retry may take it over. Default 300 s. */
  readonly leaseSeconds?: number;
}

export type NotifyAction = 'posted' | 'digested' | 'updated' | 'replied' | 'skipped' | 'duplicate';

export interface NotifyResult {
  readonly kind: NotifierEvent['kind'];
  readonly action: NotifyAction;
  /** Why nothing was sent (`skipped`, `duplicate`). */
  readonly reason?: string;
  /** Where the message is (or was updated). */
  readonly message?: SlackMessageRef;
  readonly sns: boolean;
}

/** Cuts a text to at most `max` UTF-8 bytes, on a character boundary, with a marker. */
export function fitBytes(value: string, max: number): string {
  if (Buffer.byteLength(value, 'utf8') <= max) return value;
  const mark = '\n… (truncated)';
  let out = value.slice(0, max);
  while (Buffer.byteLength(out + mark, 'utf8') > max) out = out.slice(0, Math.floor(out.length * 0.95));
  return out + mark;
}

function sameOutcome(a: ExecutionOutcome, b: ExecutionOutcome): boolean {
  // A verification follow-up (issue #16) may keep its revert's status, and in a fast account even its time.
  return a.at === b.at && a.status === b.status && a.verification === b.verification;
}

/**
 * @example
 * const notifier = new Notifier({ config, store, slack: () => createSlackClient({ secrets, tokenSecretArn }), sns: { client: sns, topicArn } });
 * const result = await notifier.handle(eventBridgeEvent);
 */
export class Notifier {
  private readonly now: () => Date;
  private readonly telemetry: Telemetry;

  constructor(private readonly options: NotifierOptions) {
    this.now = options.now ?? (() => new Date());
    this.telemetry = options.telemetry ?? silentTelemetry;
  }

  /**
   * Handles one EventBridge event. Throws (after giving its claim back) when Slack, SNS or the
   * store fail, so the delivery is retried.
   * @throws InvalidEventError for input that is not a Warden event (nothing is sent).
   */
  async handle(input: unknown): Promise<NotifyResult> {
    const event = parseNotifierEvent(input);
    switch (event.kind) {
      case 'finding':
        return this.onFinding(event.finding, event.outcome);
      case 'remediation':
        return this.onRemediation(event.outcome);
      case 'decision':
        return this.onDecision(event.decision);
      case 'alert':
        return this.onAlert(event.alert);
    }
  }

  /** Runs `send` once per `key` across deliveries: claimed first, completed after, released on error. */
  private async once(kind: NotifierEvent['kind'], key: string, send: () => Promise<NotifyResult>): Promise<NotifyResult> {
    const claim = await this.options.store.claimNotification({ key, now: this.now(), leaseSeconds: this.options.leaseSeconds ?? 300 });
    if (!claim.claimed) {
      this.telemetry.info('notification already sent or being sent', { kind, key, status: claim.status });
      return { kind, action: 'duplicate', reason: `already ${claim.status === 'done' ? 'sent' : 'being sent'} by another delivery`, sns: false };
    }
    try {
      const result = await send();
      await this.options.store.completeNotification({ key, owner: claim.owner, now: this.now() });
      return result;
    } catch (e: unknown) {
      await this.options.store.releaseNotification({ key, owner: claim.owner });
      throw e;
    }
  }

  private async onFinding(finding: Finding, outcome: ExecutionOutcome): Promise<NotifyResult> {
    if (outcome.status === 'duplicate') return { kind: 'finding', action: 'skipped', reason: 'a duplicate delivery of the responder reports nothing', sns: false };
    const vulnerability = vulnerabilityOfFinding(finding);
    if (vulnerability !== null) return this.onVulnerability(finding, outcome, vulnerability);
    if (outcome.status === 'pending-approval' && outcome.approval?.openedBy !== undefined) return this.onRepeat(finding, outcome, outcome.approval.id);
    // A detector finding already posted (an update by its service): its thread takes it, no new message.
    const earlier = finding.detector === undefined ? null : await this.options.store.getDetectorMessage(detectorKey(finding.detector), finding.id);
    if (earlier !== null && earlier.eventId !== outcome.eventId) return this.onUpdate(finding, outcome, earlier);
    return this.once('finding', `finding#${finding.id}#${outcome.eventId}`, async () => {
      // A retry after a failed SNS publish finds the message already posted: it is not posted twice.
      let stored = await this.options.store.getNotifiedMessage(finding.id, outcome.eventId);
      let action: NotifyAction = stored === null ? 'skipped' : 'posted';
      const channel = channelFor(this.options.config.slack, { account: finding.account, severity: finding.severity });
      if (stored === null && channel !== null) {
        const { ref, digested } = await this.postFinding(channel, finding, outcome);
        stored = {
          findingId: finding.id,
          eventId: outcome.eventId,
          message: ref,
          finding,
          outcome,
          recordIds: [outcome.approval?.id, outcome.restore?.id].filter((id): id is string => id !== undefined),
          postedAt: this.now().toISOString(),
        };
        await this.options.store.putNotifiedMessage(stored);
        if (finding.detector !== undefined) await this.options.store.setDetectorMessage({ key: detectorKey(finding.detector), findingId: finding.id, eventId: outcome.eventId, now: this.now() });
        action = digested ? 'digested' : 'posted';
      }
      const sns = await this.publish(findingSubject(finding, outcome), findingText(finding, outcome));
      this.telemetry.info('finding notified', { findingId: finding.id, eventId: outcome.eventId, ruleId: finding.ruleId, action, channel });
      return {
        kind: 'finding',
        action,
        ...(stored === null ? { reason: 'no Slack channel is configured for this finding' } : { message: stored.message }),
        sns,
      };
    });
  }

  /**
   * An Inspector finding (issue #18): one digest message per function and deployed code, not one per
   * CVE. The first finding posts it; a later one (or Inspector's update of one) updates it in place and
   * replies in its thread. Two deliveries never both post it: one takes the post, the other is retried.
   */
  private async onVulnerability(finding: Finding, outcome: ExecutionOutcome, v: Vulnerability): Promise<NotifyResult> {
    return this.once('finding', `finding#${finding.id}#${outcome.eventId}`, async () => {
      // A retry after a failed SNS publish finds the digest already updated: Slack is not touched twice.
      let stored = await this.options.store.getNotifiedMessage(finding.id, outcome.eventId);
      let action: NotifyAction = stored === null ? 'skipped' : 'posted';
      const channel = channelFor(this.options.config.slack, { account: finding.account, severity: finding.severity });
      if (stored === null && channel !== null) {
        const store = this.options.store;
        const digestKey = digestKeyOf(finding, v);
        const entry = digestEntryOf(v);
        const what = { resource: finding.resource, codeSha256: v.codeSha256 };
        const { digest, addition } = await store.addToFunctionDigest({ digestKey, channel, entryKey: entryKeyOf(v.findingArn), entry, now: this.now() });
        let ts = digest.ts;
        if (ts === undefined) {
          const owner = await store.claimFunctionDigestPost({ digestKey, channel, now: this.now(), leaseSeconds: DIGEST_POST_LEASE_SECONDS });
          if (owner === null) throw new DigestBusyError(`the Inspector digest of ${finding.resource} is being posted by another delivery: this one is retried`);
          ts = await this.post(channel, functionDigestMessage({ ...what, digest }));
          const recorded = await store.setFunctionDigestMessage({ digestKey, channel, owner, ts });
          // Findings added while it was being posted are shown at once.
          const size = (d: typeof digest): number => Object.keys(d.entries).length + d.overflow;
          if (recorded !== null && size(recorded) !== size(digest)) await this.update({ channel, ts }, functionDigestMessage({ ...what, digest: recorded }));
          action = 'posted';
        } else {
          await this.update({ channel, ts }, functionDigestMessage({ ...what, digest }));
          await this.post(channel, digestEntryReply(entry, addition === 'replaced', finding.detector?.reopenedAfter !== undefined), ts);
          action = 'digested';
        }
        stored = { findingId: finding.id, eventId: outcome.eventId, message: { channel, ts, threadTs: ts }, finding, outcome, recordIds: [], postedAt: this.now().toISOString() };
        await store.putNotifiedMessage(stored);
        // Where Inspector's closing of this finding finds its digest (the first version recorded only).
        if (finding.detector !== undefined) await store.setDetectorMessage({ key: detectorKey(finding.detector), findingId: finding.id, eventId: outcome.eventId, now: this.now() });
      }
      const sns = await this.publish(findingSubject(finding, outcome), findingText(finding, outcome));
      this.telemetry.info('Inspector finding notified in its function digest', { findingId: finding.id, eventId: outcome.eventId, action, channel });
      return { kind: 'finding', action, ...(stored === null ? { reason: 'no Slack channel is configured for this finding' } : { message: stored.message }), sns };
    });
  }

  /** A finding raised again while its approval is open: one thread reply under that approval's message, no new message, no SNS copy. */
  private async onRepeat(finding: Finding, outcome: ExecutionOutcome, recordId: string): Promise<NotifyResult> {
    return this.once('finding', `finding#${finding.id}#${outcome.eventId}`, async () => {
      const open = await this.options.store.getNotifiedMessageByRecord(recordId);
      if (open?.findingId !== finding.id) return { kind: 'finding', action: 'skipped', reason: 'the open approval of this finding has no message to reply under', sns: false };
      await this.post(open.message.channel, repeatReply(finding, outcome), open.message.threadTs);
      this.telemetry.info('finding raised again while its approval is open', { findingId: finding.id, eventId: outcome.eventId, recordId });
      return { kind: 'finding', action: 'replied', message: open.message, sns: false };
    });
  }

  /**
   * A detector finding updated by its service, already posted: a new question (an approval or restore to
   * click) gets its own message with its buttons in the first message's thread; anything else one reply
   * there. No new top-level message, no SNS copy.
   */
  private async onUpdate(finding: Finding, outcome: ExecutionOutcome, earlier: NotifiedMessage): Promise<NotifyResult> {
    return this.once('finding', `finding#${finding.id}#${outcome.eventId}`, async () => {
      const { channel, threadTs } = earlier.message;
      const recordIds = [outcome.approval?.id, outcome.restore?.id].filter((id): id is string => id !== undefined);
      if (recordIds.length > 0) {
        const ts = await this.post(channel, findingMessage(finding, outcome), threadTs);
        const message = { channel, ts, threadTs };
        await this.options.store.putNotifiedMessage({ findingId: finding.id, eventId: outcome.eventId, message, finding, outcome, recordIds, postedAt: this.now().toISOString() });
        return { kind: 'finding', action: 'replied', message, sns: false };
      }
      await this.post(channel, updateReply(finding, outcome), threadTs);
      this.telemetry.info('detector finding updated', { findingId: finding.id, eventId: outcome.eventId });
      return { kind: 'finding', action: 'replied', message: earlier.message, sns: false };
    });
  }

  /** A detector finding archived or resolved by its service: its first message loses its buttons and its thread says so. */
  private async onClosed(outcome: ExecutionOutcome, detector: DetectorFindingRef): Promise<NotifyResult> {
    return this.once('remediation', `closed#${outcome.findingId}#${outcome.eventId}`, async () => {
      const stored = await this.options.store.getDetectorMessage(detectorKey(detector), outcome.findingId);
      if (stored === null) return { kind: 'remediation', action: 'skipped', reason: 'no message of this finding to follow up', sns: false };
      const vulnerability = vulnerabilityOfFinding(stored.finding);
      if (vulnerability !== null) return this.onVulnerabilityClosed(stored, vulnerability, detector);
      const updated = (await this.options.store.updateNotifiedMessage({ findingId: stored.findingId, eventId: stored.eventId, latest: outcome, now: this.now() })) ?? stored;
      await this.followUp(updated, outcomeReply(outcome));
      return { kind: 'remediation', action: 'updated', message: updated.message, sns: false };
    });
  }

  /**
   * An Inspector finding closed or suppressed (issue #18): its entry leaves the function's digest, the
   * digest is updated in place (saying so once it is empty) and its thread says which finding left. A
   * finding the digest no longer holds (a duplicate delivery, or one only counted) changes nothing.
   */
  private async onVulnerabilityClosed(stored: NotifiedMessage, v: Vulnerability, detector: DetectorFindingRef): Promise<NotifyResult> {
    const { channel, ts } = stored.message;
    const digest = await this.options.store.removeFromFunctionDigest({ digestKey: digestKeyOf(stored.finding, v), channel, entryKey: entryKeyOf(v.findingArn), now: this.now() });
    if (digest === null) return { kind: 'remediation', action: 'skipped', reason: "the function's digest no longer holds this finding", sns: false };
    const root = digest.ts ?? ts;
    await this.update({ channel, ts: root }, functionDigestMessage({ resource: stored.finding.resource, codeSha256: v.codeSha256, digest }));
    await this.post(channel, digestClosedReply(digestEntryOf(v), detector.state === 'suppressed' ? 'suppressed' : 'closed', detector.updatedAt, digest), root);
    this.telemetry.info('Inspector finding left its function digest', { findingId: stored.findingId, state: detector.state, open: Object.keys(digest.entries).length + digest.overflow });
    return { kind: 'remediation', action: 'updated', message: { channel, ts: root, threadTs: root }, sns: false };
  }

  /** Posts a finding on its own, or (past the digest threshold) in the thread of its principal's digest. */
  private async postFinding(channel: string, finding: Finding, outcome: ExecutionOutcome): Promise<{ ref: SlackMessageRef; digested: boolean }> {
    const message = findingMessage(finding, outcome);
    const principal = finding.actor?.sessionIssuerArn ?? finding.actor?.arn;
    const { maxFindings, windowSeconds } = this.options.config.slack.digest;
    if (principal !== undefined) {
      const windowMs = windowSeconds * 1000;
      const windowStart = new Date(Math.floor(this.now().getTime() / windowMs) * windowMs);
      const window = await this.options.store.addToDigest({ principal, channel, windowStart, windowSeconds, ruleId: finding.ruleId, resource: finding.resource });
      if (window.count > maxFindings) {
        const digest: DigestInput = { principal, count: window.count, rules: window.rules, resources: window.resources, windowStart, windowSeconds, postedAlone: maxFindings };
        let root: string | null = null;
        if (window.count === maxFindings + 1) {
          root = await this.post(channel, digestMessage(digest));
          await this.options.store.setDigestMessage({ principal, channel, windowStart, ts: root });
        } else if (window.ts !== undefined) {
          await this.update({ channel, ts: window.ts }, digestMessage(digest));
          root = window.ts;
        }
        // Without a digest message yet (a concurrent delivery is still posting it), the finding is posted on its own.
        if (root !== null) {
          const ts = await this.post(channel, message, root);
          return { ref: { channel, ts, threadTs: root }, digested: true };
        }
      }
    }
    const ts = await this.post(channel, message);
    return { ref: { channel, ts, threadTs: ts }, digested: false };
  }

  private async onRemediation(outcome: ExecutionOutcome): Promise<NotifyResult> {
    if (outcome.status === 'duplicate') return { kind: 'remediation', action: 'skipped', reason: 'a duplicate delivery of the responder reports nothing', sns: false };
    if (outcome.status === 'closed' && outcome.detector !== undefined) return this.onClosed(outcome, outcome.detector);
    const stored = await this.options.store.getNotifiedMessage(outcome.findingId, outcome.eventId);
    if (stored === null && outcome.verification === 'failed' && this.mayHaveMessage(outcome.account)) {
      throw new FollowUpBeforeMessageError(`the verification follow-up of finding ${outcome.findingId} came before the finding's message: retried`);
    }
    // The responder emits an outcome with its finding too: that one is shown by the finding's message.
    if (stored === null) return { kind: 'remediation', action: 'skipped', reason: "no message of this finding to follow up (the finding's own event reports this outcome)", sns: false };
    if (sameOutcome(stored.outcome, outcome)) return { kind: 'remediation', action: 'skipped', reason: "the finding's message shows this outcome already", message: stored.message, sns: false };
    const verification = outcome.verification === 'failed' ? '#verification-failed' : '';
    return this.once('remediation', `remediation#${outcome.findingId}#${outcome.eventId}#${outcome.at}#${outcome.status}${verification}`, async () => {
      const updated = (await this.options.store.updateNotifiedMessage({ findingId: outcome.findingId, eventId: outcome.eventId, latest: outcome, now: this.now() })) ?? stored;
      await this.followUp(updated, outcomeReply(outcome));
      return { kind: 'remediation', action: 'updated', message: updated.message, sns: false };
    });
  }

  /** Whether a finding of `account` gets a Slack message at some severity (else no follow-up can ever find one). */
  private mayHaveMessage(account: string): boolean {
    return SEVERITIES.some((severity) => channelFor(this.options.config.slack, { account, severity }) !== null);
  }

  private async onDecision(decision: DecisionDetail): Promise<NotifyResult> {
    return this.once('decision', `decision#${decision.recordId}#${decision.decision}`, async () => {
      const stored = (await this.options.store.getNotifiedMessage(decision.findingId, decision.eventId)) ?? (await this.options.store.getNotifiedMessageByRecord(decision.recordId));
      if (stored === null) {
        // The approval endpoint knows where the click came from: reply there, though the original cannot be re-rendered.
        if (decision.message === undefined) return { kind: 'decision', action: 'skipped', reason: 'no message of this finding is known', sns: false };
        const ref = { channel: decision.message.channel, ts: decision.message.ts, threadTs: decision.message.ts };
        await this.post(ref.channel, decisionReply(decision), ref.threadTs);
        return { kind: 'decision', action: 'updated', message: ref, sns: false };
      }
      const updated = (await this.options.store.updateNotifiedMessage({ findingId: stored.findingId, eventId: stored.eventId, decision, now: this.now() })) ?? stored;
      await this.followUp(updated, decisionReply(decision));
      this.telemetry.info('decision notified', { recordId: decision.recordId, decision: decision.decision, findingId: decision.findingId });
      return { kind: 'decision', action: 'updated', message: updated.message, sns: false };
    });
  }

  private async onAlert(alert: Alert): Promise<NotifyResult> {
    const key = `alert#${alert.kind}#${alert.windowStart ?? ''}#${alert.triggeredBy?.findingId ?? ''}${alert.account === undefined && alert.silentSince === undefined ? '' : `#${alert.account ?? ''}#${alert.region ?? ''}#${alert.silentSince ?? ''}`}`;
    return this.once('alert', key, async () => {
      const channel = channelFor(this.options.config.slack, { severity: alert.severity, ...(alert.account === undefined ? {} : { account: alert.account }) });
      let message: SlackMessageRef | undefined;
      if (channel !== null) {
        const ts = await this.post(channel, alertMessage(alert));
        message = { channel, ts, threadTs: ts };
      }
      const sns = await this.publish(subject(`[Warden] ${alert.severity.toUpperCase()} alert: ${alert.kind}`), alertText(alert));
      return { kind: 'alert', action: message === undefined ? 'skipped' : 'posted', ...(message === undefined ? { reason: 'no Slack channel is configured for alerts' } : { message }), sns };
    });
  }

  /** Updates the original message (buttons replaced once decided) and replies in its thread. */
  private async followUp(stored: NotifiedMessage, reply: SlackMessage): Promise<void> {
    const original = findingMessage(stored.finding, stored.outcome, {
      ...(stored.decision === undefined ? {} : { decision: stored.decision }),
      ...(stored.latest === undefined ? {} : { latest: stored.latest }),
    });
    await this.update(stored.message, original);
    await this.post(stored.message.channel, reply, stored.message.threadTs);
  }

  private async post(channel: string, message: SlackMessage, threadTs?: string): Promise<string> {
    const slack = await this.options.slack();
    const out = await slack.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false, ...(threadTs === undefined ? {} : { thread_ts: threadTs }) });
    if (!out.ok || typeof out.ts !== 'string') throw new SlackPostError(`chat.postMessage to ${channel} failed: ${out.error ?? 'no ts in the answer'}`);
    return out.ts;
  }

  private async update(ref: { channel: string; ts: string }, message: SlackMessage): Promise<void> {
    const slack = await this.options.slack();
    const out = await slack.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks });
    if (!out.ok) throw new SlackPostError(`chat.update of ${ref.ts} in ${ref.channel} failed: ${out.error ?? 'unknown error'}`);
  }

  private async publish(subjectLine: string, message: string): Promise<boolean> {
    if (this.options.sns === undefined) return false;
    await this.options.sns.client.send(new PublishCommand({ TopicArn: this.options.sns.topicArn, Subject: subjectLine, Message: fitBytes(message, SNS_MAX_BYTES) }));
    return true;
  }
}
