/**
 * The lifecycle of findings from AWS's detectors (issue #18), on the responder's side: every Warden
 * finding raised from a detector finding is linked to it (with the approval an event of it opened), and
 * when the service archives or resolves the finding its pending approvals are closed — each verified
 * first: an approval record of that very Warden finding, opened for that very detector finding, intact —
 * and each linked finding's Slack thread is told ("Warden Remediation", status `closed`). Nothing here
 * changes an account: closing only ever takes a question away.
 */
import type { Finding } from '../contract/finding';
import { afterClosing, DETECTOR_NAMES, DetectorClosingSchema, detectorEventId, detectorKey, DetectorLinkSchema, latestClosing, type DetectorClosing, type DetectorFindingRef, type DetectorLink } from '../contract/detector-finding';
import type { ExecutionOutcome } from '../contract/outcome';
import type { IntegrityFailure } from '../contract/integrity-failure';
import type { Telemetry } from '../observability';
import { recordFields, type Integrity } from '../store/integrity';
import type { ResponderStateStore } from '../store/state-store';
import { integrityAlertEvent, remediationEvent } from '../bus/warden-events';
import { type WardenEvent } from '../contract/warden-events';

/** The store methods the lifecycle uses (the responder's: its role owns `DETECTOR#` and the decision records). */
export type DetectorLifecycleStore = Pick<ResponderStateStore, 'linkDetectorFinding' | 'getDetectorLinks' | 'getApproval' | 'closeApproval'>;

export interface DetectorLifecycleOptions {
  readonly store: DetectorLifecycleStore;
  /** Verifies the approval records before they are closed (the executor's: it signed them). */
  readonly integrity: Integrity;
  readonly telemetry: Telemetry;
  readonly now: () => Date;
  readonly dryRun: boolean;
}

/** An active version after a recorded closing (see `afterClosing`): judged again, or a stale one not judged. */
export type Reopening = { readonly verdict: 'again' | 'stale'; readonly closing: DetectorClosing };

/** What closing a detector finding did. */
export interface ClosedDetectorFinding {
  /** The approval records closed now. */
  readonly closed: readonly string[];
  /** The events to publish: one `closed` outcome per linked finding (and integrity alerts). */
  readonly events: readonly WardenEvent[];
}

export class DetectorLifecycle {
  constructor(private readonly options: DetectorLifecycleOptions) {}

  /** Links a finding raised from a detector finding (before its events are published: a failure retries the delivery). */
  async link(finding: Finding, outcome: ExecutionOutcome): Promise<void> {
    if (finding.detector === undefined || outcome.status === 'duplicate') return;
    const opened = outcome.status === 'pending-approval' && outcome.approval !== undefined && outcome.approval.openedBy === undefined ? outcome.approval.id : undefined;
    const link: DetectorLink = {
      findingId: finding.id,
      ruleId: finding.ruleId,
      resource: finding.resource,
      account: finding.account,
      region: finding.region,
      mode: finding.mode,
      ...(opened === undefined ? {} : { recordId: opened }),
    };
    await this.options.store.linkDetectorFinding({ key: detectorKey(finding.detector), link: JSON.stringify(link), now: this.options.now() });
  }

  /**
   * Closes the pending approvals a detector finding opened and tells each linked finding's thread. A
   * duplicate delivery closes nothing more and repeats the same outcomes (same `eventId` and `at`: the
   * notifier sends them once).
   */
  async close(detector: DetectorFindingRef): Promise<ClosedDetectorFinding> {
    const { store, telemetry } = this.options;
    // Recorded first: a later active version is then told from a stale one (a failure retries the delivery).
    const closing: DetectorClosing = { state: detector.state === 'active' ? 'closed' : detector.state, updatedAt: detector.updatedAt, ...(detector.count === undefined ? {} : { count: detector.count }) };
    await store.linkDetectorFinding({ key: detectorKey(detector), link: JSON.stringify({ closing }), now: this.options.now() });
    const { links } = await this.read(detector);
    const closed: string[] = [];
    const failures: { readonly failure: IntegrityFailure; readonly link: DetectorLink }[] = [];
    for (const link of links) {
      if (link.recordId === undefined) continue;
      const verdict = await this.closable(link, link.recordId, detector);
      if (verdict === 'closable' && (await store.closeApproval({ id: link.recordId, now: this.options.now() }))) closed.push(link.recordId);
      else if (typeof verdict === 'object') failures.push({ failure: verdict, link });
    }
    const service = DETECTOR_NAMES[detector.service];
    const eventId = detectorEventId(detector);
    const byFinding = new Map<string, DetectorLink>();
    for (const link of links) if (!byFinding.has(link.findingId)) byFinding.set(link.findingId, link);
    const events: WardenEvent[] = [];
    for (const link of byFinding.values()) {
      const mine = links.filter((l) => l.findingId === link.findingId && l.recordId !== undefined && closed.includes(l.recordId)).map((l) => l.recordId ?? '');
      const what =
        detector.service === 'inspector'
          ? "it leaves the function's digest"
          : mine.length === 0
            ? 'no approval of it was pending'
            : `its pending approval ${mine.join(', ')} is closed (an Approve click now changes nothing)`;
      const outcome: ExecutionOutcome = {
        findingId: link.findingId,
        eventId,
        ruleId: link.ruleId,
        resource: link.resource,
        account: link.account,
        region: link.region,
        mode: link.mode,
        effectiveMode: link.mode,
        status: 'closed',
        dryRun: this.options.dryRun,
        plan: null,
        detail: `${service} marked finding ${detector.findingId} ${detector.state} (updated ${detector.updatedAt}): ${what}; nothing was done.`,
        at: detector.updatedAt,
        detector,
      };
      events.push(remediationEvent(outcome));
    }
    for (const { failure, link } of failures) events.push(integrityAlertEvent(failure, link));
    telemetry.info('detector finding closed', { detector: detectorKey(detector), state: detector.state, findings: byFinding.size, closed });
    return { closed, events };
  }

  /**
   * For an active version of a detector finding: null when the service never closed it (as far as the
   * responder saw), else whether this version comes after the latest closing (`again`) or before it (`stale`).
   */
  async reopening(detector: DetectorFindingRef): Promise<Reopening | null> {
    const { closings } = await this.read(detector);
    const closing = latestClosing(closings);
    return closing === null ? null : { verdict: afterClosing(detector, closing), closing };
  }

  /** The links and recorded closings of a detector finding, each validated (stored state is untrusted input). */
  private async read(detector: DetectorFindingRef): Promise<{ links: DetectorLink[]; closings: DetectorClosing[] }> {
    const links: DetectorLink[] = [];
    const closings: DetectorClosing[] = [];
    for (const raw of await this.options.store.getDetectorLinks(detectorKey(detector))) {
      const json = safeJson(raw);
      const link = DetectorLinkSchema.safeParse(json);
      const closing = link.success ? null : DetectorClosingSchema.safeParse(json);
      if (link.success) links.push(link.data);
      else if (closing?.success === true) closings.push(closing.data.closing);
      else this.options.telemetry.warn('unreadable detector finding link ignored', { detector: detectorKey(detector) });
    }
    return { links, closings };
  }

  /** Whether a linked record may be closed: `closable`, an integrity failure (alerted), or `skip` (gone, decided, another finding's). */
  private async closable(link: DetectorLink, id: string, detector: DetectorFindingRef): Promise<'closable' | 'skip' | IntegrityFailure> {
    const record = await this.options.store.getApproval(id);
    if (record?.status !== 'pending' || (record.kind ?? 'approval') !== 'approval' || record.findingId !== link.findingId) return 'skip';
    const from = record.finding.detector;
    if (from === undefined || detectorKey(from) !== detectorKey(detector)) return 'skip';
    const verdict = await this.options.integrity.verify('record', recordFields(record), record.tag);
    return verdict.ok ? 'closable' : { family: 'record', itemId: record.id, check: verdict.check };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
