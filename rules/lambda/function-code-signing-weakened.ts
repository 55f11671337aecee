/** A function's code signing was weakened: its code-signing config removed, or the config it uses switched to Warn. */
import { normalizeEventName } from '../../functions/shared/event/event-names';
import { functionArn } from '../../functions/shared/state/resources';
import { compliant, defineRule, nonCompliant, notApplicable, type RuleContext } from '../rule';

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
  remediationAction: null,
  evaluate(state, context) {
    const event = context.event;
    if (event === undefined) return notApplicable('only changes are judged');
    if (state.codeSigning === undefined) return notApplicable('code-signing config not read');
    const name = normalizeEventName(event.eventName);
    const arn = functionArn({ ...state.ref, qualifier: undefined });
    const who = event.actor.arn ?? event.actor.type;
    if (state.codeSigning === null) {
      if (name !== 'DeleteFunctionCodeSigningConfig') return compliant;
      return nonCompliant([
        {
          key: 'code-signing-removed',
          summary: `${who} removed the code-signing config of ${arn} (${event.eventName}): Lambda no longer checks that deployed code is signed.`,
          details: { principal: who, change: 'removed' },
          remediation: null,
        },
      ]);
    }
    if (state.codeSigning.untrustedArtifactOnDeployment !== 'Warn') return compliant;
    // An update that did not set Warn (a description, the publishers) did not weaken the config.
    if (name === 'UpdateCodeSigningConfig' && requestedPolicy(context) !== 'Warn') return compliant;
    const config = state.codeSigning.codeSigningConfigArn;
    const how = name === 'UpdateCodeSigningConfig' ? `switched code-signing config ${config} to Warn` : `attached code-signing config ${config}, which only warns,`;
    return nonCompliant([
      {
        key: `code-signing-warn:${config}`,
        summary: `${who} ${how} (${event.eventName}): ${arn} now accepts unsigned or untrusted code on deployment (UntrustedArtifactOnDeployment Warn).`,
        details: { principal: who, change: 'warn', codeSigningConfigArn: config },
        remediation: null,
      },
    ]);
  },
});
