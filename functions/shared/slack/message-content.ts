/**
 * What a finding's message says, independent of its form: the same content is rendered as Block Kit
 * (`block-kit.ts`) for Slack and as plain text (`plain-text.ts`) for SNS and `warden simulate`.
 * Findings and outcomes carry no secret value (variable names and detector kinds only).
 */
import { DECISION_EXEMPTION_DAYS, type DecisionDetail } from '../contract/decision';
import type { Finding } from '../contract/finding';
import type { ExecutionOutcome } from '../contract/outcome';
import { cloudTrailEventUrl, guardDutyFindingUrl, resourceConsoleUrl } from './console-links';
import { RuntimeThreatSchema } from '../event/guardduty-finding';
import { VulnerabilitySchema } from '../event/inspector-finding';

/** A run of text: a link, inline code, a Slack user mention, or plain words. */
export type Inline =
  | { readonly kind: 'text'; readonly text: string; readonly bold?: boolean }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly url: string }
  | { readonly kind: 'user'; readonly userId: string; readonly name?: string };
export type Line = readonly Inline[];

export interface ContentSection {
  readonly label: string;
  readonly lines: readonly Line[];
  /** Structured facts shown as a JSON block (fitted to the limits, always valid JSON). */
  readonly json?: unknown;
}

export interface MessageContent {
  /** One line: severity and title. */
  readonly header: string;
  /** The notification text (Slack's `text`, the SNS subject). */
  readonly summary: string;
  readonly fields: readonly { readonly label: string; readonly line: Line }[];
  readonly sections: readonly ContentSection[];
  readonly footer: Line;
}

export const text = (t: string, bold = false): Inline => (bold ? { kind: 'text', text: t, bold } : { kind: 'text', text: t });
export const code = (t: string): Inline => ({ kind: 'code', text: t });
export const link = (t: string, url: string | null): Inline => (url === null ? { kind: 'text', text: t } : { kind: 'link', text: t, url });

const SEVERITY_MARK = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵' } as const;

/** `2025-03-14 09:30:12 UTC` (or the input when it is not a date). */
export function formatTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The account, with its name when the configuration knows one. */
function accountLine(account: string, names: Readonly<Record<string, string>>): Line {
  const name = names[account];
  return name === undefined ? [code(account)] : [code(account), text(` (${name})`)];
}

function whoSection(finding: Finding): ContentSection {
  const actor = finding.actor;
  // A detector finding names no actor: it names the detector, its finding and when it last saw the activity.
  const threat = RuntimeThreatSchema.safeParse(finding.details.threat);
  if (actor === undefined && threat.success) {
    const { findingId: id, findingType, updatedAt } = threat.data;
    return {
      label: 'Who',
      lines: [
        [text('Reported by GuardDuty: '), code(findingType), text(' · finding '), code(id)],
        [text(`Updated ${formatTime(updatedAt)} · `), link('GuardDuty finding', guardDutyFindingUrl(id, finding.region))],
      ],
    };
  }
  const vulnerability = VulnerabilitySchema.safeParse(finding.details.vulnerability);
  if (actor === undefined && vulnerability.success) {
    const { findingArn, findingType, updatedAt, codeSha256 } = vulnerability.data;
    return {
      label: 'Who',
      lines: [
        [text('Reported by Amazon Inspector: '), code(findingType), text(' · finding '), code(findingArn)],
        [text(`Updated ${formatTime(updatedAt)} · deployed code `), code(codeSha256)],
      ],
    };
  }
  if (actor === undefined) return { label: 'Who', lines: [[text('Found by a scan of existing resources: no event, no actor.')]] };
  const lines: Line[] = [[text(`${actor.type} `), code(actor.arn ?? '(no ARN)')]];
  if (actor.sessionIssuerArn !== undefined && actor.sessionIssuerArn !== actor.arn) lines.push([text('Role: '), code(actor.sessionIssuerArn)]);
  const origin: Inline[] = [];
  if (actor.sourceIPAddress !== undefined) origin.push(text('from '), code(actor.sourceIPAddress));
  if (actor.userAgent !== undefined) origin.push(text(origin.length > 0 ? ' with ' : 'with '), code(actor.userAgent));
  if (origin.length > 0) lines.push(origin);
  const when: Inline[] = [];
  if (finding.eventName !== undefined) when.push(code(finding.eventName));
  if (finding.eventTime !== undefined) when.push(text(`${when.length > 0 ? ' at ' : 'At '}${formatTime(finding.eventTime)}`));
  if (finding.eventId !== undefined) when.push(text(when.length > 0 ? ' · ' : ''), link('CloudTrail event', cloudTrailEventUrl(finding.eventId, finding.region)));
  if (when.length > 0) lines.push(when);
  return { label: 'Who', lines };
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Scalars (and lists of scalars) as lines; everything structured as one JSON block. */
function whatSection(finding: Finding): ContentSection {
  const lines: Line[] = [[text(finding.summary)]];
  const structured: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(finding.details)) {
    // An empty list or string says nothing: no bare "organizations: " line.
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    if (isScalar(value)) lines.push([text(`${key}: `), code(String(value))]);
    else if (Array.isArray(value) && value.every(isScalar)) lines.push([text(`${key}: `), ...value.flatMap((v, i) => (i === 0 ? [code(String(v))] : [text(', '), code(String(v))]))]);
    else structured[key] = value;
  }
  return Object.keys(structured).length === 0 ? { label: 'What changed', lines } : { label: 'What changed', lines, json: structured };
}


/**
 * The headline of a revert: verified; did not hold; or (issue #16) published while its verifying read ran — then a
 * follow-up in the thread says so only if the change did not hold.
 */
function remediatedText(outcome: ExecutionOutcome): string {
  if (outcome.verification === 'running') return 'Reverted; verifying (a reply in this thread follows only if the change did not hold).';
  return outcome.verified === false ? 'Reverted, but the change did not hold on re-reading.' : 'Reverted (verified).';
}

/** What the bot did or proposes, with the exact API call. */
export function actionLines(finding: Finding, outcome: ExecutionOutcome): Line[] {
  const call = outcome.plan?.call ?? null;
  const callLine = (prefix: string): Line => (call === null ? [text('The rule plans no automatic change.')] : [text(prefix), code(call)]);
  const lines: Line[] = [];
  switch (outcome.status) {
    case 'alerted':
      lines.push([text('Alert only: nothing was changed.', true)], call === null ? callLine('') : callLine('The fix, if you apply it: '));
      break;
    case 'pending-approval':
      lines.push([text('Waiting for an approver', true), text(outcome.approval === undefined ? '.' : ` (expires ${formatTime(outcome.approval.expiresAt)}).`)], callLine('On approval the bot runs: '));
      break;
    case 'dry-run':
      lines.push(
        [text('Dry-run: nothing was changed.', true), text(outcome.mode === 'auto' ? ' Outside dry-run the bot would revert at once.' : outcome.mode === 'approve' ? ' Outside dry-run the bot would ask an approver.' : '')],
        callLine('It would run: '),
      );
      break;
    case 'exempt':
      lines.push([text('Exempt: nothing was changed', true), text(outcome.exemption === undefined ? '.' : ` (${outcome.exemption.kind}: ${outcome.exemption.reason}).`)], callLine('The fix would be: '));
      break;
    case 'remediated':
      lines.push([text(remediatedText(outcome), true)], callLine('The bot ran: '));
      if (outcome.restore !== undefined) {
        lines.push([text(`Restore puts the change back and exempts the resource from this rule for ${String(DECISION_EXEMPTION_DAYS)} days (offered until ${formatTime(outcome.restore.expiresAt)}).`)]);
      }
      break;
    case 'already-compliant':
      lines.push([text('Nothing to do: the resource was already compliant when the bot looked.', true)], callLine('Planned: '));
      break;
    case 'failed':
      lines.push([text('The fix failed.', true), text(outcome.error === undefined ? '' : ` ${outcome.error.name}: ${outcome.error.message}`)], callLine('Attempted: '));
      break;
    case 'refused':
    case 'duplicate':
      lines.push([text('Nothing was done.', true)], callLine('The fix would be: '));
      break;
    case 'closed':
      lines.push([text('Closed by the service that reported it: nothing was done.', true)], callLine('The fix would have been: '));
      break;
    case 'manual':
      lines.push([text('The bot does not make this change: a person has to.', true)], callLine('To fix it by hand, run: '), [text(outcome.blocked?.reason ?? outcome.detail)]);
      break;
  }
  if (outcome.circuitBreaker !== undefined) {
    lines.push([text(`Circuit breaker open: more than ${String(outcome.circuitBreaker.limit)} automatic remediations within ${String(outcome.circuitBreaker.windowMinutes)} minutes, so this waits for an approver.`)]);
  }
  // The outcome's sentence repeats the call for dry-run, alerts and pending approvals; elsewhere it says what happened.
  if (outcome.status !== 'dry-run' && outcome.status !== 'alerted' && outcome.status !== 'pending-approval' && outcome.status !== 'manual') lines.push([text(outcome.detail)]);
  if (finding.remediation !== null) lines.push([text(finding.remediation.description)]);
  return lines;
}

function userInline(by: DecisionDetail['by']): Inline {
  return by === undefined ? text('nobody') : by.userName === undefined ? { kind: 'user', userId: by.userId } : { kind: 'user', userId: by.userId, name: by.userName };
}

/** The line that replaces the buttons once a decision is taken ("Approved by @x at t — running …"). */
export function decisionLine(decision: DecisionDetail): Line {
  const at = formatTime(decision.at);
  const call = decision.plan?.call;
  // A stored plan's call is shown by the outcome line (rendered from the plan the responder verified and ran).
  const running = (verb: string): Inline[] => (call === undefined ? [text(` — ${verb} the stored plan once it passes its checks; the outcome follows`)] : [text(` — ${verb} `), code(call)]);
  const until = decision.exemptUntil === undefined ? [] : [text(`; exempt from this rule until ${formatTime(decision.exemptUntil)}`)];
  switch (decision.decision) {
    case 'approved':
      return [text('✅ Approved by ', true), userInline(decision.by), text(` at ${at}`), ...running('running')];
    case 'quarantined':
      return [text('🧊 Quarantine approved by ', true), userInline(decision.by), text(` at ${at}`), ...running('running')];
    case 'rejected':
      return [text('✋ Rejected by ', true), userInline(decision.by), text(` at ${at} — the change is kept; nothing was executed`)];
    case 'rejected-and-exempted':
      return [text('✋ Rejected and exempted by ', true), userInline(decision.by), text(` at ${at} — the change is kept; nothing was executed`), ...until];
    case 'restored':
      return [text('↩️ Restore approved by ', true), userInline(decision.by), text(` at ${at}`), ...running('running'), ...until];
    case 'expired':
      return [text(`⌛ Expired at ${at} — nothing was executed`, true)];
  }
}

/** One line for an outcome reported after the message was posted (the approved plan's result). */
export function outcomeLine(outcome: ExecutionOutcome): Line {
  const call = outcome.plan === null ? [] : [text(': '), code(outcome.plan.call)];
  const at = ` at ${formatTime(outcome.at)}`;
  switch (outcome.status) {
    case 'remediated':
      if (outcome.verification === 'running') return [text('✅ Done; verifying', true), text(at), ...call];
      return [text(outcome.verified === false ? '⚠️ Ran, but the change did not hold on re-reading' : '✅ Done (verified)', true), text(at), ...call];
    case 'failed':
      if (outcome.verification === 'failed') {
        return [text('⚠️ Changed, but the verifying read failed: not confirmed', true), text(`${at}${outcome.error === undefined ? '' : ` — ${outcome.error.name}: ${outcome.error.message}`}`), ...call];
      }
      return [text('❌ Failed', true), text(`${at}${outcome.error === undefined ? '' : ` — ${outcome.error.name}: ${outcome.error.message}`}`), ...call];
    case 'already-compliant':
      return [text('✅ Nothing to do: already compliant', true), text(at), ...call];
    case 'dry-run':
      return [text('Dry-run: nothing was changed', true), text(at), ...call];
    case 'closed':
      return [text('🔒 Closed', true), text(`${at}: ${outcome.detail}`)];
    case 'alerted':
    case 'pending-approval':
    case 'exempt':
    case 'refused':
    case 'manual':
    case 'duplicate':
      return [text(`${outcome.status}${at}: ${outcome.detail}`)];
  }
}

/** The content of a finding's message: facts, who, what, why, what the bot did, and any follow-ups. */
export function findingContent(
  finding: Finding,
  outcome: ExecutionOutcome,
  options: { /** Account names by id, when known (the configuration has none today). */ readonly accountNames?: Readonly<Record<string, string>>; readonly decision?: DecisionDetail; readonly latest?: ExecutionOutcome } = {},
): MessageContent {
  const names = options.accountNames ?? {};
  const resourceUrl = resourceConsoleUrl(finding.resource);
  const mode = outcome.effectiveMode === outcome.mode ? outcome.mode : `${outcome.mode} → ${outcome.effectiveMode}`;
  const status: Line[] = [];
  if (options.decision !== undefined) status.push(decisionLine(options.decision));
  if (options.latest !== undefined) status.push(outcomeLine(options.latest));
  return {
    header: `${SEVERITY_MARK[finding.severity]} ${finding.severity.toUpperCase()} · ${finding.title}`,
    summary: `${finding.severity.toUpperCase()} ${finding.title}${outcome.dryRun ? ' (dry-run)' : ''}: ${finding.summary}`,
    fields: [
      { label: 'Account', line: accountLine(finding.account, names) },
      { label: 'Region', line: [code(finding.region)] },
      { label: 'Rule', line: [code(finding.ruleId)] },
      { label: 'Mode', line: [text(`${mode}${outcome.dryRun ? ' (dry-run)' : ''}`)] },
    ],
    sections: [
      { label: 'Resource', lines: [[resourceUrl === null ? code(finding.resource) : link(finding.resource, resourceUrl)]] },
      whoSection(finding),
      whatSection(finding),
      { label: 'Why it is dangerous', lines: [[text(finding.rationale)]] },
      { label: outcome.dryRun ? 'What the bot would do' : 'What the bot did', lines: actionLines(finding, outcome) },
      ...(status.length > 0 ? [{ label: 'Since then', lines: status }] : []),
    ],
    footer: [text(`finding ${finding.id}${finding.eventId === undefined ? '' : ` · event ${finding.eventId}`}`)],
  };
}
