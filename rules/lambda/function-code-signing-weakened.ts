/** A function's code signing was weakened: its code-signing config removed, or the config it uses switched to Warn. */
import { normalizeEventName } from '../../functions/shared/event/event-names';
import { functionArn } from '../../functions/shared/state/resources';
import type { FunctionSnapshot } from '../../functions/shared/state/resources';
import { compliant, defineRule, nonCompliant, notApplicable, type RuleContext } from '../rule';
import type { RemediationPlan } from '../../functions/shared/contract/finding';

/** How many other functions sharing a config the summary names before it counts the rest. */
const NAMED_SHARERS = 5;

/** The config the last-known-good baseline saw the function use, when it enforced signing then. */
function enforcingBaseline(state: FunctionSnapshot): string | null {
  const saved = state.lastKnownGood?.codeSigning?.value;
  return saved !== undefined && saved !== null && saved.untrustedArtifactOnDeployment === 'Enforce' ? saved.configArn : null;
}

function attachBack(functionName: string, previous: string, judged: string): RemediationPlan {
  return {
    action: 'restore-function-code-signing-config',
    params: { functionName, codeSigningConfigArn: previous, judgedConfigArn: judged },
    description: `lambda:PutFunctionCodeSigningConfig attaches the last-known-good config ${previous} (checked to exist and enforce first): only future deployments of this function are affected. Restore puts ${judged === 'none' ? 'no config' : judged} back.`,
  };
}

/** The other functions using a config, for the summary (none known: empty). */
function sharers(state: FunctionSnapshot, arn: string): { readonly others: readonly string[]; readonly text: string } {
  const others = (state.codeSigning?.functionArns ?? []).filter((f) => f !== arn && !f.startsWith(`${arn}:`));
  if (others.length === 0) return { others, text: 'no other function uses it' };
  const named = others.slice(0, NAMED_SHARERS).join(', ');
  return { others, text: `${String(others.length)} other function(s) use it too and would enforce as well: ${named}${others.length > NAMED_SHARERS ? ` and ${String(others.length - NAMED_SHARERS)} more` : ''}` };
}

/** The `UntrustedArtifactOnDeployment` an `UpdateCodeSigningConfig` request sets, if it sets one. */
function requestedPolicy(context: RuleContext): unknown {
  const policies = context.event?.requestParameters.codeSigningPolicies;
  return typeof policies === 'object' && policies !== null ? (policies as Record<string, unknown>).untrustedArtifactOnDeployment : undefined;
}

export const functionCodeSigningWeakened = defineRule({
  id: 'function-code-signing-weakened',
  title: 'Code signing weakened: config removed from a function, or switched to Warn',
  severity: 'high',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: 'lambda.amazonaws.com', eventNames: ['DeleteFunctionCodeSigningConfig', 'PutFunctionCodeSigningConfig', 'UpdateCodeSigningConfig'] }],
  reads: ['codeSigning'],
  rationale:
    'Code signing is what stops unsigned or tampered code from being deployed. Without the config, or with Warn, Lambda accepts any package: the next deployment can run code nobody signed.',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-codesigning.html', 'https://docs.aws.amazon.com/lambda/latest/api/API_UpdateCodeSigningConfig.html'],
  falsePositives: [
    'A first code-signing config attached in Warn mode while signing is rolled out (Warn is still more than nothing): acknowledge the alert.',
    'A config switched to Warn on purpose for a migration: exempt the function with the warden:exempt tag for the time it takes.',
  ],
  remediationAction: 'restore-function-code-signing-config',
  alternativeActions: ['set-code-signing-config-enforce'],
  evaluate(state, context) {
    const event = context.event;
    if (state.codeSigning === undefined) return notApplicable('code-signing config not read');
    const previous = enforcingBaseline(state);
    // Without an event (a scan, or an approval judged again) a removed config is a regression only from an enforcing
    // baseline (a function that never had one is no change); a config that warns is reported either way (scan.readCodeSigning),
    // with nothing to restore unless a baseline saw it enforce, so an approved restore still finds what it was asked about.
    if (event === undefined && previous === null && state.codeSigning === null) return notApplicable('no code-signing config, and no baseline that saw one enforcing');
    const name = event === undefined ? undefined : normalizeEventName(event.eventName);
    const arn = functionArn({ ...state.ref, qualifier: undefined });
    const who = event === undefined ? (previous === null ? 'A scan found that' : 'someone (found on a re-read)') : (event.actor.arn ?? event.actor.type);
    const via = event === undefined ? (previous === null ? 'no last-known-good baseline to compare with' : 'no longer matching the last-known-good baseline') : event.eventName;
    const noBaseline = 'No last-known-good baseline shows this function enforcing code signing, so nothing is offered to restore.';
    if (state.codeSigning === null) {
      if (name !== undefined && name !== 'DeleteFunctionCodeSigningConfig') return compliant;
      return nonCompliant([
        {
          key: 'code-signing-removed',
          summary: `${who} removed the code-signing config of ${arn} (${via}): Lambda no longer checks that deployed code is signed. ${previous === null ? noBaseline : `It used ${previous} (Enforce) before.`}`,
          details: { principal: who, change: 'removed', ...(previous === null ? {} : { previousConfigArn: previous }) },
          remediation: previous === null ? null : attachBack(arn, previous, 'none'),
        },
      ]);
    }
    if (state.codeSigning.untrustedArtifactOnDeployment !== 'Warn') return compliant;
    // An update that did not set Warn (a description, the publishers) did not weaken the config.
    if (name === 'UpdateCodeSigningConfig' && requestedPolicy(context) !== 'Warn') return compliant;
    const config = state.codeSigning.codeSigningConfigArn;
    const unseen = event === undefined && previous === null;
    const how = unseen ? `${arn} uses code-signing config ${config}, which only warns,` : name === 'UpdateCodeSigningConfig' || name === undefined ? `switched code-signing config ${config} to Warn` : `attached code-signing config ${config}, which only warns,`;
    const shared = sharers(state, arn);
    // The baseline's config is another one: attach it again. The same config: set it back to Enforce (for every function using it, named).
    let remediation: RemediationPlan | null = null;
    let restore = noBaseline;
    if (previous !== null && previous !== config) {
      remediation = attachBack(arn, previous, config);
      restore = `It used ${previous} (Enforce) before.`;
    } else if (previous === config) {
      remediation = {
        action: 'set-code-signing-config-enforce',
        params: { codeSigningConfigArn: config },
        description: `lambda:UpdateCodeSigningConfig sets ${config} back to Enforce, as the last-known-good baseline saw it: future deployments only, of this function and of every function using the config (${shared.text}). Restore sets it back to Warn.`,
      };
      restore = `The config enforced before; ${shared.text}.`;
    }
    return nonCompliant([
      {
        key: `code-signing-warn:${config}`,
        summary: `${who} ${how} (${via}): ${arn} now accepts unsigned or untrusted code on deployment (UntrustedArtifactOnDeployment Warn). ${restore}`,
        details: { principal: who, change: 'warn', codeSigningConfigArn: config, ...(state.codeSigning.functionArns === undefined ? {} : { sharedWith: shared.others }), ...(previous === null ? {} : { previousConfigArn: previous }) },
        remediation,
      },
    ]);
  },
});
