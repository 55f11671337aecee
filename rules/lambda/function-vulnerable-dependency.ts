/** Amazon Inspector found a vulnerable dependency (or a code weakness) in the code a function runs now. */
import { INSPECTOR_EVENT_SOURCE, INSPECTOR_FINDING_DETAIL_TYPE, type Vulnerability } from '../../functions/shared/event/inspector-finding';
import { functionArn } from '../../functions/shared/state/resources';
import { defineRule, nonCompliant, notApplicable } from '../rule';

/** One line naming what Inspector found: package, installed and fixed version, CVE and scores; or the detector and file. */
export function vulnerabilityLine(v: Vulnerability): string {
  if (v.detector !== undefined) return `${v.detector.name} in ${v.detector.filePath}`;
  const scores = [v.cvss === undefined ? null : `CVSS ${String(v.cvss.baseScore)}`, v.inspectorScore === undefined ? null : `Inspector score ${String(v.inspectorScore)}`].filter((s) => s !== null);
  const packages = v.packages.map((p) => `${p.name} ${p.installedVersion} (${p.fixedInVersion === undefined ? 'no fixed version yet' : `fixed in ${p.fixedInVersion}`})`);
  const more = v.morePackages === undefined ? '' : ` and ${String(v.morePackages)} more package(s)`;
  return `${v.vulnerabilityId ?? v.findingType} in ${packages.join(', ') || 'a package'}${more}${scores.length === 0 ? '' : `, ${scores.join(', ')}`}`;
}

export const functionVulnerableDependency = defineRule({
  id: 'function-vulnerable-dependency',
  title: 'Inspector reports a vulnerable dependency or code weakness in a function',
  // The finding's own severity replaces this one (Inspector: CRITICAL, HIGH, MEDIUM, LOW/INFORMATIONAL; UNTRIAGED by score).
  severity: 'medium',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: INSPECTOR_EVENT_SOURCE, detailType: INSPECTOR_FINDING_DETAIL_TYPE, eventNames: [INSPECTOR_FINDING_DETAIL_TYPE] }],
  reads: ['configuration'],
  rationale:
    'The code the function runs now ships a package with a known vulnerability (or code Inspector flags): anyone who can reach the function may exploit it with the function\'s role. Upgrading to the fixed version and redeploying closes it; the bot changes nothing.',
  references: [
    'https://docs.aws.amazon.com/inspector/latest/user/scanning-lambda.html',
    'https://docs.aws.amazon.com/inspector/latest/user/findings-types.html',
    'https://docs.aws.amazon.com/inspector/latest/user/findings-understanding-severity.html',
    'https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html',
  ],
  falsePositives: [
    'A vulnerable code path the function never calls: suppress the finding in Inspector (a suppression rule) or exempt the function with the warden:exempt tag.',
    'Findings about code no longer deployed (another CodeSha256 or a deleted version) are closed, not reported.',
  ],
  remediationAction: null,
  evaluate(state, context) {
    const v = context.vulnerability;
    if (v === undefined) return notApplicable('judged only on an Inspector finding');
    if (state.configuration === undefined) return notApplicable('function state not read');
    if (state.configuration === null) {
      return notApplicable(state.ref.qualifier === undefined ? 'the function no longer exists: the finding is closed' : `version ${state.ref.qualifier} is no longer deployed: the finding is closed`);
    }
    if (v.status !== 'ACTIVE') return notApplicable(`Inspector reports the finding ${v.status}: nothing is open`);
    if (v.findingType !== 'PACKAGE_VULNERABILITY' && v.findingType !== 'CODE_VULNERABILITY') return notApplicable(`finding type ${v.findingType} is not judged here`);
    const deployed = state.configuration.CodeSha256;
    if (deployed !== undefined && deployed !== '' && deployed !== v.codeSha256) {
      return notApplicable('the code the finding is about (its CodeSha256) is no longer deployed: the finding is closed');
    }
    const unqualified = functionArn({ ...state.ref, qualifier: undefined });
    const version = state.ref.qualifier === undefined ? '' : ` (version ${state.ref.qualifier})`;
    const what = v.detector === undefined ? 'a vulnerable dependency' : 'a code weakness';
    return nonCompliant([
      {
        key: v.findingArn,
        summary: `Inspector reports ${what} in ${unqualified}${version}: ${vulnerabilityLine(v)} (${v.inspectorSeverity}).`,
        details: { vulnerability: v },
        remediation: null,
        severityOverride: v.severity,
      },
    ]);
  },
});
