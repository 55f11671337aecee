/**
 * What `warden scan` prints: a table grouped by severity with counts, `--json` (findings in
 * `simulate --json`'s shape), and SARIF 2.1.0 for code-scanning tools; `--plan` adds the
 * remediation each finding would get. Findings carry no secret value, so neither does the output.
 */
import { SEVERITIES, type Finding, type Severity } from '../functions/shared/contract/finding';
import { describePlan } from '../functions/shared/remediation/actions';
import type { ScanReport } from '../functions/shared/scan/scanner';
import type { AnyRule } from '../rules/rule';
import { toJsonFinding } from './simulate';

/** What a mode would do with a finding's plan, as `simulate` says it. */
export function planText(finding: Finding): string {
  const plan = finding.remediation;
  if (plan === null) return `Plan (${finding.mode}): alert only, no automatic change`;
  const verb = { auto: 'would revert at once:', approve: 'would ask an approver in Slack, then', alert: 'would alert only; the fix would be' }[finding.mode];
  return `Plan (${finding.mode}): ${verb} ${describePlan(plan.action, plan.params)}`;
}

function countLine(report: ScanReport): string {
  const functions = report.accounts.reduce((n, a) => n + a.functions, 0);
  const layers = report.accounts.reduce((n, a) => n + a.layerVersions, 0);
  const roles = report.accounts.reduce((n, a) => n + a.roles, 0);
  const rules = report.accounts.reduce((n, a) => n + a.securityGroupRules, 0);
  const apis = report.accounts.reduce((n, a) => n + a.apis, 0);
  const targets = report.accounts.reduce((n, a) => n + a.regions.length, 0);
  return (
    `Scanned ${String(report.accounts.length)} account(s), ${String(targets)} account × region: ${String(functions)} functions, ` +
    `${String(layers)} layer versions, ${String(roles)} execution roles, ${String(rules)} open egress rules of VPC functions' groups` +
    `${report.notJudged.some((u) => u.key === 'readApis') ? '' : `, ${String(apis)} APIs`} (${String(report.calls.total)} API calls, ${String(report.calls.throttled)} throttled)`
  );
}

/** One line per rule the scan did not judge: why, and the `scan.*` key that turns a costly read on. */
export function notJudgedLines(report: Pick<ScanReport, 'notJudged'>): string[] {
  if (report.notJudged.length === 0) return [];
  return [
    '',
    `NOT JUDGED (OR IN PART) BY THIS SCAN (${String(report.notJudged.length)} rule(s))`,
    ...report.notJudged.map((u) => `  ${u.ruleId}: ${u.key === undefined ? u.reason : `${u.partial === true ? 'judged in part; ' : ''}set scan.${u.key}: true in the configuration to judge it${u.partial === true ? ' fully' : ''} (${u.reason})`}`),
  ];
}

/** At most this many errors of one kind are listed one per line; more are said once with their count. */
const ERRORS_LISTED_ALONE = 3;

/** One line per error; the same failure in many accounts (same stage, same message but for the account id) is one line. */
function errorLines(errors: ScanReport['errors']): string[] {
  const groups = new Map<string, ScanReport['errors'][number][]>();
  for (const e of errors) {
    const key = `${e.stage}|${e.region ?? ''}|${e.resource ?? ''}|${e.message.replaceAll(e.account, '<account>')}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const describe = (e: ScanReport['errors'][number], where: string, message: string): string =>
    `  ! ${where}: ${e.stage === 'credentials' ? 'unreachable' : `${e.stage} failed`}${e.resource === undefined ? '' : ` (${e.resource})`}: ${message}`;
  return [...groups.values()].flatMap((group) => {
    const [first] = group;
    if (first === undefined) return [];
    if (group.length <= ERRORS_LISTED_ALONE) return group.map((e) => describe(e, [e.account, e.region].filter((x) => x !== null).join(' '), e.message));
    const shown = group.slice(0, ERRORS_LISTED_ALONE).map((e) => e.account).join(', ');
    const where = `${String(group.length)} accounts (${shown} and ${String(group.length - ERRORS_LISTED_ALONE)} more)${first.region === null ? '' : ` ${first.region}`}`;
    return [describe(first, where, first.message.replaceAll(first.account, '<account>'))];
  });
}

/** The table for people: unreachable accounts first, then findings by severity with counts. */
export function renderScanText(report: ScanReport, options: { readonly plan: boolean }): string {
  const lines = [countLine(report), ...errorLines(report.errors)];
  const bySeverity = new Map<Severity, Finding[]>(SEVERITIES.map((s) => [s, []]));
  for (const f of report.findings) bySeverity.get(f.severity)?.push(f);
  for (const severity of SEVERITIES) {
    const found = bySeverity.get(severity) ?? [];
    if (found.length === 0) continue;
    lines.push('', `${severity.toUpperCase()} (${String(found.length)})`);
    for (const f of found) {
      lines.push(`  ${f.ruleId}  ${f.resource}`, `    ${f.summary}`);
      if (options.plan) lines.push(`    ${planText(f)}`);
    }
  }
  if (report.exempt.length > 0) {
    lines.push('', `EXEMPT (${String(report.exempt.length)})`);
    for (const { finding, exemption } of report.exempt) lines.push(`  ${finding.ruleId}  ${finding.resource}  (${exemption.reason})`);
  }
  lines.push(...notJudgedLines(report));
  const counts = SEVERITIES.map((s) => `${String(bySeverity.get(s)?.length ?? 0)} ${s}`).join(', ');
  lines.push('', `Findings: ${counts}; ${String(report.exempt.length)} exempt${report.errors.length > 0 ? `; ${String(report.errors.length)} error(s): the scan is incomplete` : ''}`);
  return lines.join('\n');
}

/** `--json`: one document; each finding exactly as `simulate --json` prints it (plus `plan` with `--plan`). */
export function scanJson(report: ScanReport, options: { readonly plan: boolean }): Record<string, unknown> {
  const finding = (f: Finding): Record<string, unknown> => ({ ...toJsonFinding(f), ...(options.plan ? { plan: planText(f) } : {}) });
  return {
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    accounts: report.accounts,
    errors: report.errors,
    findings: report.findings.map(finding),
    exempt: report.exempt.map((e) => ({ ...finding(e.finding), exemption: e.exemption })),
    calls: report.calls,
    notJudged: report.notJudged,
  };
}

const SARIF_LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
/** GitHub code scanning's `security-severity` (0–10) per severity. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

/** SARIF 2.1.0: the whole catalog as the driver's rules, one result per finding located at its resource ARN. */
export function scanSarif(report: ScanReport, rules: readonly AnyRule[], version: string): Record<string, unknown> {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'lambda-warden',
            version,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              ...(r.references[0] === undefined ? {} : { helpUri: r.references[0] }),
              help: { text: `${r.rationale}\nKnown false positives: ${r.falsePositives.join(' ') || 'none'}` },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
              properties: { severity: r.severity, 'security-severity': SECURITY_SEVERITY[r.severity], tags: ['security', r.resourceType] },
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.ruleId,
          ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.summary },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: f.resource } },
              logicalLocations: [{ fullyQualifiedName: f.resource, kind: 'resource' }],
            },
          ],
          partialFingerprints: { wardenFindingId: f.id },
          properties: { account: f.account, region: f.region, mode: f.mode, severity: f.severity },
        })),
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            toolExecutionNotifications: [
              ...report.errors.map((e) => ({
                level: 'error',
                message: { text: `${e.account}${e.region === null ? '' : ` ${e.region}`}: ${e.stage} failed: ${e.message}` },
              })),
              // Rules this scan did not judge: said, never skipped silently.
              ...report.notJudged.map((u) => ({
                level: 'note',
                associatedRule: { id: u.ruleId, ...(index.has(u.ruleId) ? { index: index.get(u.ruleId) } : {}) },
                message: { text: `${u.ruleId} ${u.partial === true ? 'judged in part' : 'not judged'}: ${u.key === undefined ? u.reason : `scan.${u.key} is off (${u.reason})`}` },
              })),
            ],
          },
        ],
      },
    ],
  };
}
