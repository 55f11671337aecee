/** A layer published by an account outside the organization (and outside the allow-list) is attached to a function. */
import { isAllowListedAccount, isOrganizationAccount, type WardenConfig } from '../../functions/shared/config/config';
import { layersOf } from '../../functions/shared/state/function-configuration';
import { accountOfArn, changeOrigin, CONFIGURATION_TRIGGER } from './configuration-events';
import { functionArn } from '../../functions/shared/state/resources';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

function isForeign(config: WardenConfig, functionAccount: string, layer: string): boolean {
  const account = accountOfArn(layer);
  if (account === null) return true;
  return !(
    account === functionAccount ||
    isOrganizationAccount(config, account) ||
    isAllowListedAccount(config, account) ||
    config.layerAllowList.accounts.includes(account)
  );
}

export const functionLayerOutsideOrg = defineRule({
  id: 'function-layer-outside-org',
  title: 'Function uses a layer from an account outside the organization',
  severity: 'high',
  defaultMode: 'approve',
  resourceType: 'lambda-function',
  triggers: [CONFIGURATION_TRIGGER],
  reads: ['configuration'],
  rationale:
    "A layer's code runs inside the function with its role and sees its secrets and events; a layer from an unknown account is a known way to keep access to an account.",
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html',
    'https://attack.mitre.org/techniques/T1525/',
    'https://docs.aws.amazon.com/lambda/latest/dg/permissions-layers.html',
  ],
  falsePositives: [
    'AWS-published layers (Lambda Insights, Powertools, the Parameters and Secrets extension) and vendor layers (Datadog, New Relic) live in their publishers\' accounts: add those accounts to layerAllowList.accounts.',
  ],
  remediationAction: 'restore-function-layers',
  evaluate(state, context) {
    if (state.configuration === undefined) return notApplicable('configuration not read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    const current = layersOf(state.configuration);
    const foreign = current.filter((arn) => isForeign(context.config, state.ref.account, arn));
    if (foreign.length === 0) return compliant;
    const baseline = state.lastKnownGood?.layers?.value;
    const useBaseline = baseline !== undefined && !baseline.some((arn) => isForeign(context.config, state.ref.account, arn));
    const target = useBaseline ? baseline : current.filter((arn) => !foreign.includes(arn));
    const source = useBaseline
      ? `restores the last-known-good layers (${target.length === 0 ? 'none' : target.join(', ')})`
      : `removes the foreign layer(s) and keeps the others (no last-known-good layers saved)`;
    return nonCompliant([
      {
        key: `layers:${[...foreign].sort().join(',')}`,
        summary: `${state.arn} uses layer(s) ${foreign.join(', ')} from account(s) outside the organization and the allow-list, ${changeOrigin(context)}.`,
        details: { foreignLayers: foreign, layers: current, restoreFrom: useBaseline ? 'last-known-good' : 'current-without-foreign' },
        remediation: {
          action: 'restore-function-layers',
          params: { functionName: functionArn({ ...state.ref, qualifier: undefined }), layers: target.join(','), foreignLayers: foreign.join(',') },
          description: `lambda:UpdateFunctionConfiguration ${source}. To undo, set the layers back with UpdateFunctionConfiguration.`,
        },
      },
    ]);
  },
});
