/**
 * A baseline is restored only if it passes the rules it is restored for. Before a finding offers a
 * plan that writes content back (a trust policy, an inline policy, a policy version, layers), the
 * state the plan would leave is judged with the same pure rules. A plan whose result still fails
 * (what it was meant to fix is still there, or something new is) is not offered: the finding falls
 * back to the plan its rule makes without a baseline, for an approver, or to an alert. Pure.
 */
import type { AnyRule, RuleFinding, RuleResult } from '../../../rules/rule';
import type { RemediationPlan } from '../contract/finding';
import { InvalidPolicyError, parseIamPolicyDocument, type IamPolicyDocument } from '../policy/iam-policy';
import type { ResourceSnapshot } from '../state/resources';
import { canonicalJson } from './baseline-integrity';

/** Runs one rule on a snapshot (null when the rule is for another resource type). */
export type EvaluateRule = (rule: AnyRule, snapshot: ResourceSnapshot) => RuleResult | null;

/** The rules' findings on one snapshot, as the engine holds them. */
export type RuleFindings = readonly (readonly [AnyRule, readonly RuleFinding[]])[];

/** The actions that write content (rather than remove something): their result is judged before they are offered. */
export const CONTENT_WRITING_ACTIONS: ReadonlySet<RemediationPlan['action']> = new Set([
  'restore-trust-policy',
  'restore-role-policy',
  'set-default-policy-version',
  'restore-function-layers',
  'restore-function-code-signing-config',
]);

function document(text: unknown): IamPolicyDocument | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return parseIamPolicyDocument(text);
  } catch (e: unknown) {
    if (e instanceof InvalidPolicyError || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/**
 * The snapshot as it would be after the plan ran; `unknown` when the plan writes content this
 * snapshot cannot show (a policy version whose document the baseline does not hold), null when the
 * plan writes no content.
 */
export function stateAfter(snapshot: ResourceSnapshot, plan: RemediationPlan): ResourceSnapshot | 'unknown' | null {
  if (!CONTENT_WRITING_ACTIONS.has(plan.action)) return null;
  const p = plan.params;
  if (snapshot.kind === 'iam-role' && snapshot.role !== undefined && snapshot.role !== null) {
    if (plan.action === 'restore-trust-policy') {
      const trust = document(p.policyDocument);
      return trust === undefined ? 'unknown' : { ...snapshot, role: { ...snapshot.role, AssumeRolePolicyDocument: trust } };
    }
    if (plan.action === 'restore-role-policy') {
      const inline = document(p.policyDocument);
      if (inline === undefined || typeof p.policyName !== 'string') return 'unknown';
      return { ...snapshot, inlinePolicies: { ...(snapshot.inlinePolicies ?? {}), [p.policyName]: inline } };
    }
    if (plan.action === 'set-default-policy-version') {
      const saved = snapshot.lastKnownGood?.attachedPolicies?.value.find((a) => a.arn === p.policyArn && a.defaultVersionId === p.versionId);
      const savedDocument = saved?.document;
      const attached = snapshot.attachedPolicies ?? [];
      if (saved === undefined || savedDocument === undefined || !attached.some((a) => a.arn === p.policyArn)) return 'unknown';
      return { ...snapshot, attachedPolicies: attached.map((a) => (a.arn === p.policyArn ? { ...a, defaultVersionId: saved.defaultVersionId, document: savedDocument } : a)) };
    }
    return 'unknown';
  }
  if (snapshot.kind === 'lambda-function' && plan.action === 'restore-function-layers' && snapshot.configuration !== undefined && snapshot.configuration !== null) {
    const layers = typeof p.layers === 'string' && p.layers !== '' ? p.layers.split(',') : [];
    return { ...snapshot, configuration: { ...snapshot.configuration, Layers: layers.map((Arn) => ({ Arn })) } };
  }
  if (snapshot.kind === 'lambda-function' && plan.action === 'restore-function-code-signing-config' && snapshot.codeSigning !== undefined) {
    // The config as the baseline saw it: the action checks it still enforces before attaching it.
    const saved = snapshot.lastKnownGood?.codeSigning?.value;
    if (saved === undefined || saved === null || saved.configArn !== p.codeSigningConfigArn) return 'unknown';
    return { ...snapshot, codeSigning: { codeSigningConfigArn: saved.configArn, untrustedArtifactOnDeployment: saved.untrustedArtifactOnDeployment } };
  }
  return 'unknown';
}

/** The snapshot as if no baseline were saved. */
function withoutBaseline(snapshot: ResourceSnapshot): ResourceSnapshot {
  switch (snapshot.kind) {
    case 'lambda-function':
    case 'iam-role':
      return { ...snapshot, lastKnownGood: null };
    case 'lambda-layer-version':
    case 'cloudtrail-trail':
    case 'events-rule':
    case 'apigateway-api':
    case 'ec2-security-group-rule':
      return snapshot;
  }
}

const id = (ruleId: string, key: string): string => `${ruleId}\u0000${key}`;
const samePlan = (a: RemediationPlan | null, b: RemediationPlan): boolean => a !== null && a.action === b.action && canonicalJson(a.params) === canonicalJson(b.params);

/**
 * Why the plan's result fails the rules (empty when it passes): any finding the plan was meant to
 * fix (the findings planning exactly it) still there or no longer judgeable, or any new finding.
 */
export function restoreProblems(snapshot: ResourceSnapshot, plan: RemediationPlan, results: RuleFindings, evaluate: EvaluateRule): string[] {
  const after = stateAfter(snapshot, plan);
  if (after === null) return [];
  if (after === 'unknown') return ['the content it would put back is not known to the saved baseline, so it cannot be judged'];
  const fixes = new Set(results.flatMap(([rule, found]) => found.filter((f) => samePlan(f.remediation, plan)).map((f) => id(rule.id, f.key))));
  const before = new Set(results.flatMap(([rule, found]) => found.map((f) => id(rule.id, f.key))));
  const problems: string[] = [];
  for (const [rule, found] of results) {
    const result = evaluate(rule, after);
    if (result === null) continue;
    if (result.status === 'not-applicable') {
      if (found.some((f) => fixes.has(id(rule.id, f.key)))) problems.push(`${rule.id} could not judge the restored state (${result.reason})`);
      continue;
    }
    if (result.status === 'compliant') continue;
    for (const f of result.findings) if (fixes.has(id(rule.id, f.key)) || !before.has(id(rule.id, f.key))) problems.push(`${rule.id}: ${f.summary}`);
  }
  return problems;
}

/** What the engine offers instead of a plan that fails its own rules. */
function fallback(
  rule: AnyRule,
  finding: RuleFinding,
  refused: RemediationPlan,
  snapshot: ResourceSnapshot,
  results: RuleFindings,
  evaluate: EvaluateRule,
  problems: readonly string[],
): RuleFinding {
  // The rule's plan without any baseline (remove the offending part), when it differs and passes.
  const again = evaluate(rule, withoutBaseline(snapshot));
  const alternative = again?.status === 'non-compliant' ? again.findings.find((f) => f.key === finding.key) : undefined;
  const plan = alternative?.remediation ?? null;
  const usable = plan !== null && !samePlan(plan, refused) && restoreProblems(snapshot, plan, results, evaluate).length === 0 ? plan : null;
  const why = `Warden did not offer to ${refused.action === 'restore-function-layers' ? 'set the layers' : 'restore the saved state'} (${refused.action}): the result would itself fail the rules — ${problems.join('; ')}.`;
  const next = usable === null ? ' No safe automatic fix exists: fix the resource by hand, and check who wrote the saved baseline.' : ' An approver is asked to run the plan below instead.';
  return {
    ...finding,
    summary: `${finding.summary} ${why}${next}`,
    details: { ...finding.details, refusedRestore: { action: refused.action, problems } },
    remediation: usable,
    ...(usable !== null && alternative?.modeOverride !== undefined ? { modeOverride: alternative.modeOverride } : {}),
    maxMode: usable === null ? 'alert' : 'approve',
  };
}

/**
 * The findings with every plan that writes content judged first: a plan whose result fails the
 * rules is replaced (see {@link fallback}); everything else is returned as it was.
 *
 * @example
 * const results = rules.map((rule) => [rule, findingsOf(rule, snapshot)] as const);
 * const judged = judgeRestores(snapshot, results, (rule, s) => resultOf(rule, s, context));
 */
export function judgeRestores(snapshot: ResourceSnapshot, results: RuleFindings, evaluate: EvaluateRule): RuleFindings {
  if (!results.some(([, found]) => found.some((f) => f.remediation !== null && CONTENT_WRITING_ACTIONS.has(f.remediation.action)))) return results;
  const verdicts = new Map<string, readonly string[]>();
  const problemsOf = (plan: RemediationPlan): readonly string[] => {
    const key = canonicalJson(plan);
    let problems = verdicts.get(key);
    if (problems === undefined) {
      problems = restoreProblems(snapshot, plan, results, evaluate);
      verdicts.set(key, problems);
    }
    return problems;
  };
  return results.map(([rule, found]) => [
    rule,
    found.map((finding) => {
      const plan = finding.remediation;
      if (plan === null || !CONTENT_WRITING_ACTIONS.has(plan.action)) return finding;
      const problems = problemsOf(plan);
      return problems.length === 0 ? finding : fallback(rule, finding, plan, snapshot, results, evaluate, problems);
    }),
  ]);
}
