/**
 * Every message the notifier posts, in both forms (Block Kit and plain text): a finding's message
 * (with its buttons until a decision is taken), the thread replies after a decision or a later
 * outcome, a principal's digest, and the circuit-breaker alert.
 */
import type { DecisionDetail } from '../contract/decision';
import type { Finding } from '../contract/finding';
import type { ExecutionOutcome } from '../contract/outcome';
import { DETECTOR_NAMES } from '../contract/detector-finding';
import type { Alert } from '../contract/warden-events';
import { contentBlocks, findingButtons, simpleMessage, type SlackMessage } from './block-kit';
import { code, decisionLine, findingContent, formatTime, outcomeLine, text, type Line, type MessageContent } from './message-content';
import { contentText, plainLine } from './plain-text';

export interface FindingMessageOptions {
  readonly accountNames?: Readonly<Record<string, string>>;
  /** The decision taken on the message's approval or restore record: replaces the buttons. */
  readonly decision?: DecisionDetail;
  /** The latest outcome reported since (for example the approved plan's result). */
  readonly latest?: ExecutionOutcome;
}

function content(finding: Finding, outcome: ExecutionOutcome, options: FindingMessageOptions): MessageContent {
  return findingContent(finding, outcome, {
    ...(options.accountNames === undefined ? {} : { accountNames: options.accountNames }),
    ...(options.decision === undefined ? {} : { decision: options.decision }),
    ...(options.latest === undefined ? {} : { latest: options.latest }),
  });
}

/** True while the message's buttons may still decide something: no decision recorded, the finding not closed by its detector. */
function buttonsStand(options: FindingMessageOptions): boolean {
  return options.decision === undefined && options.latest?.status !== 'closed';
}

/** A finding's Slack message; its buttons stay until a decision is recorded (or its detector closes the finding). */
export function findingMessage(finding: Finding, outcome: ExecutionOutcome, options: FindingMessageOptions = {}): SlackMessage {
  const buttons = buttonsStand(options) ? findingButtons(finding, outcome) : null;
  return contentBlocks(content(finding, outcome, options), buttons);
}

/** The same message as plain text (SNS, `warden simulate`), with the buttons it offers named. */
export function findingText(finding: Finding, outcome: ExecutionOutcome, options: FindingMessageOptions & { readonly indent?: string } = {}): string {
  const body = contentText(content(finding, outcome, options), options.indent ?? '');
  const buttons = buttonsStand(options) ? findingButtons(finding, outcome) : null;
  if (buttons === null) return body;
  const labels = buttons.elements.map((b) => (b.type === 'button' ? `[${b.text.text}]` : '')).join(' ');
  return `${body}\n${options.indent ?? ''}Buttons: ${labels}`;
}

/** SNS takes a subject of printable ASCII shorter than 100 characters, and rejects the whole publish otherwise. */
export const SNS_SUBJECT_MAX = 99;

/** The SNS subject of a finding (see `subject`). */
export function findingSubject(finding: Finding, outcome: ExecutionOutcome): string {
  return subject(`[Warden] ${finding.severity.toUpperCase()} ${finding.title}${outcome.dryRun ? ' (dry-run)' : ''}`);
}

/** Printable ASCII only, at most `SNS_SUBJECT_MAX` characters; a cut ends in an ASCII "..." (never "…"). */
export function subject(value: string): string {
  const ascii = value.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '').replace(/ {2,}/g, ' ').trim();
  return ascii.length <= SNS_SUBJECT_MAX ? ascii : `${ascii.slice(0, SNS_SUBJECT_MAX - 3).trimEnd()}...`;
}

/** The thread reply after a decision. */
export function decisionReply(decision: DecisionDetail): SlackMessage {
  const line = decisionLine(decision);
  const lines: Line[] = [line];
  if (decision.plan !== null && decision.decision !== 'rejected' && decision.decision !== 'rejected-and-exempted' && decision.decision !== 'expired') {
    lines.push([text(decision.plan.description)]);
  }
  return simpleMessage('Decision', lines, plainLine(line));
}

/**
 * The thread reply when a later event raises a finding whose approval is still open: who did what
 * when, and that the question above stands (no new record, no new buttons).
 */
export function repeatReply(finding: Finding, outcome: ExecutionOutcome): SlackMessage {
  if (finding.detector !== undefined) {
    const line = updatedLine(finding);
    const waiting = `Still waiting for an approver on this thread's message${outcome.approval === undefined ? '' : ` (expires ${formatTime(outcome.approval.expiresAt)})`}: not asked again.`;
    return simpleMessage('Updated', [line, [text(finding.summary)], [text(waiting)]], plainLine(line));
  }
  const line: Line = [text('🔁 Raised again', true), ...(finding.eventName === undefined ? [] : [text(' by '), code(finding.eventName)]), ...(finding.eventTime === undefined ? [] : [text(` at ${formatTime(finding.eventTime)}`)])];
  const lines: Line[] = [line];
  const who = finding.actor?.sessionIssuerArn ?? finding.actor?.arn;
  if (who !== undefined) lines.push([text('Who: '), code(who)]);
  lines.push([text(`Still waiting for an approver on this thread's message${outcome.approval === undefined ? '' : ` (expires ${formatTime(outcome.approval.expiresAt)})`}: not asked again.`)]);
  return simpleMessage('Raised again', lines, plainLine(line));
}

/** "🔄 Updated by GuardDuty at t (seen n times)": a detector finding's later version. */
function updatedLine(finding: Finding): Line {
  const d = finding.detector;
  if (d === undefined) return [text('🔄 Updated', true)];
  if (d.reopenedAfter !== undefined) return [text(`↩️ Reopened by ${DETECTOR_NAMES[d.service]}`, true), text(` at ${formatTime(d.updatedAt)}, after it was closed (updated ${formatTime(d.reopenedAfter)}): judged again`), ...(d.count === undefined ? [] : [text(` (seen ${String(d.count)} times)`)])];
  return [text(`🔄 Updated by ${DETECTOR_NAMES[d.service]}`, true), text(` at ${formatTime(d.updatedAt)}`), ...(d.count === undefined ? [] : [text(` (seen ${String(d.count)} times)`)])];
}

/**
 * The thread reply when a detector updates a finding already posted (same finding id, later `updatedAt`)
 * and no question of it is open: what it says now and what the bot did, under the first message.
 */
export function updateReply(finding: Finding, outcome: ExecutionOutcome): SlackMessage {
  const line = updatedLine(finding);
  return simpleMessage('Updated', [line, [text(finding.summary)], [text(outcome.detail)]], plainLine(line));
}

/** The thread reply after a later outcome (the approved plan ran, or failed). */
export function outcomeReply(outcome: ExecutionOutcome): SlackMessage {
  const line = outcomeLine(outcome);
  return simpleMessage('Result', [line, [text(outcome.detail)]], plainLine(line));
}

export interface DigestInput {
  readonly principal: string;
  readonly count: number;
  readonly rules: readonly string[];
  readonly resources: readonly string[];
  readonly windowStart: Date;
  readonly windowSeconds: number;
  /** How many findings of the window were posted on their own before the digest started. */
  readonly postedAlone: number;
}

/** Rules and resources listed by name in a digest; the rest are counted. */
const DIGEST_LISTED = 10;

function listed(values: readonly string[]): Line {
  const shown = values.slice(0, DIGEST_LISTED);
  const more = values.length - shown.length;
  return [...shown.flatMap((v, i) => (i === 0 ? [code(v)] : [text(', '), code(v)])), ...(more > 0 ? [text(` and ${String(more)} more`)] : [])];
}

function digestLines(d: DigestInput): { title: string; lines: Line[] } {
  const end = new Date(d.windowStart.getTime() + d.windowSeconds * 1000).toISOString();
  return {
    title: `Digest: ${String(d.count)} findings by one principal within ${String(d.windowSeconds)} s`,
    lines: [
      [text('Principal: '), code(d.principal)],
      [text(`Window: ${formatTime(d.windowStart.toISOString())} – ${formatTime(end)}`)],
      [text(`Rules (${String(d.rules.length)}): `), ...listed(d.rules)],
      [text(`Resources (${String(d.resources.length)}): `), ...listed(d.resources)],
      [text(`The first ${String(d.postedAlone)} were posted on their own; every later finding of this window is in this message's thread, with its buttons.`)],
    ],
  };
}

/** The digest message (posted once per principal, channel and window, then updated). */
export function digestMessage(d: DigestInput): SlackMessage {
  const { title, lines } = digestLines(d);
  return simpleMessage(title, lines, `${title}: ${d.principal}`);
}

export function digestText(d: DigestInput): string {
  const { title, lines } = digestLines(d);
  return [title, ...lines.map((l) => `  ${plainLine(l)}`)].join('\n');
}

/** What a "Warden Alert" event carries (the circuit breaker, a silent or resumed heartbeat). */

function alertLines(a: Alert): { title: string; lines: Line[] } {
  const lines: Line[] = [[text(a.summary)]];
  if (a.windowStart !== undefined) lines.push([text(`Window started ${formatTime(a.windowStart)}.`)]);
  if (a.triggeredBy !== undefined) lines.push([text('Triggered by '), code(a.triggeredBy.ruleId), text(' on '), code(a.triggeredBy.resource), text(` (finding ${a.triggeredBy.findingId})`)]);
  return { title: `🚨 ${a.severity.toUpperCase()} · Warden alert: ${a.kind}`, lines };
}

export function alertMessage(a: Alert): SlackMessage {
  const { title, lines } = alertLines(a);
  return simpleMessage(title, lines, `${title}: ${a.summary}`);
}

export function alertText(a: Alert): string {
  const { title, lines } = alertLines(a);
  return [title, ...lines.map((l) => `  ${plainLine(l)}`)].join('\n');
}
