/**
 * The scheduled scan of one account × region (one item of the daily fan-out): scan, then report
 * each finding not reported by an earlier scan as a "Warden Finding" event (status `alerted`),
 * through the same bus, notifier, Slack and SNS path as the event-driven findings. Never remediates.
 */
import * as z from 'zod';
import type { WardenConfig } from '../config/config';
import type { Finding } from '../contract/finding';
import type { ExecutionOutcome } from '../contract/outcome';
import { silentTelemetry, type Telemetry } from '../observability';
import { describePlan } from '../remediation/actions';
import { findingEvent, type EventSink } from '../bus/warden-events';
import type { ScannerStateStore } from '../store/state-store';
import type { ScanError, Scanner } from './scanner';

/**
 * The event id under which scans claim findings in the state store: a finding is reported by the
 * scheduled scan once (until its record expires), whatever the event path reported.
 */
export const SCHEDULED_SCAN_EVENT_ID = 'scheduled-scan';

/** One item of the fan-out. */
export const ScanItemSchema = z.strictObject({
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as "eu-west-1"'),
});
export type ScanItem = z.infer<typeof ScanItemSchema>;

export interface ScheduledScanResult {
  readonly account: string;
  readonly region: string;
  readonly status: 'scanned' | 'partial' | 'unreachable';
  readonly functions: number;
  readonly findings: number;
  /** Findings reported now (new). */
  readonly reported: number;
  /** Findings an earlier scan reported already. */
  readonly alreadyReported: number;
  readonly exempt: number;
  readonly errors: readonly ScanError[];
  /** Rules this scan did not judge (or judged in part), as `<rule-id> (scan.<key> off)` or `<rule-id> (never by scans)`: logged with the summary. */
  readonly notJudged: readonly string[];
}

export interface ScheduledScanOptions {
  readonly scanner: Scanner;
  readonly store: ScannerStateStore;
  readonly sink: EventSink;
  readonly config: WardenConfig;
  readonly telemetry?: Telemetry;
  readonly now?: () => Date;
}

/** The outcome a scan finding is reported with: alerted, nothing done, with what the mode would do. */
export function scanOutcome(finding: Finding, config: WardenConfig, now: Date): ExecutionOutcome {
  const plan = finding.remediation;
  return {
    findingId: finding.id,
    eventId: SCHEDULED_SCAN_EVENT_ID,
    ruleId: finding.ruleId,
    resource: finding.resource,
    account: finding.account,
    region: finding.region,
    mode: finding.mode,
    effectiveMode: 'alert',
    status: 'alerted',
    dryRun: config.dryRun,
    plan: plan === null ? null : { action: plan.action, call: describePlan(plan.action, plan.params), description: plan.description },
    detail:
      'Found by the scheduled scan of existing resources: reported only, the scan changes nothing. ' +
      (plan === null ? 'No automatic fix exists for this rule.' : `With mode ${finding.mode}, a change event on this resource would get the plan above.`),
    at: now.toISOString(),
  };
}

/**
 * @example
 * const result = await runScheduledScan({ account: '111122223333', region: 'eu-west-1' }, { scanner, store, sink, config });
 */
export async function runScheduledScan(input: unknown, options: ScheduledScanOptions): Promise<ScheduledScanResult> {
  const item = ScanItemSchema.parse(input);
  const now = options.now ?? (() => new Date());
  const telemetry = options.telemetry ?? silentTelemetry;
  const report = await options.scanner.scan([{ account: item.account, regions: [item.region] }]);
  let reported = 0;
  let alreadyReported = 0;
  for (const finding of report.findings) {
    const claim = await options.store.claimFinding({ finding, eventId: SCHEDULED_SCAN_EVENT_ID, now: now(), leaseSeconds: 900 });
    if (!claim.claimed) {
      alreadyReported += 1;
      continue;
    }
    const outcome = scanOutcome(finding, options.config, now());
    try {
      await options.sink.publish([findingEvent(finding, outcome)]);
      await options.store.completeFinding({ findingId: finding.id, eventId: SCHEDULED_SCAN_EVENT_ID, owner: claim.owner, outcome, now: now() });
    } catch (e: unknown) {
      await options.store.releaseFinding({ findingId: finding.id, eventId: SCHEDULED_SCAN_EVENT_ID, owner: claim.owner });
      throw e;
    }
    reported += 1;
    telemetry.count('Findings');
    telemetry.info('scan finding reported', { findingId: finding.id, ruleId: finding.ruleId, severity: finding.severity, resource: finding.resource });
  }
  for (const error of report.errors) telemetry.warn('scan could not read', { ...error });
  const account = report.accounts[0];
  return {
    account: item.account,
    region: item.region,
    status: account?.status ?? 'unreachable',
    functions: account?.functions ?? 0,
    findings: report.findings.length,
    reported,
    alreadyReported,
    exempt: report.exempt.length,
    errors: report.errors,
    notJudged: report.notJudged.map((u) => `${u.ruleId} (${u.key === undefined ? 'never by scans' : `scan.${u.key} off${u.partial === true ? ', judged in part' : ''}`})`),
  };
}
