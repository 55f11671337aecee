/** A layer version policy lets every AWS account, another organization or an account outside ours download the layer. */
import { isAllowListedAccount, isOrganizationAccount } from '../../functions/shared/config/config';
import { allowedActions, callerRestriction, principalsOf, statementsOf } from '../../functions/shared/policy/resource-policy';
import { layerArn } from '../../functions/shared/state/resources';
import { compliant, defineRule, nonCompliant, type RuleFinding } from '../rule';
import { ACCESS_ANALYZER_TRIGGER, attribution, statementLabel } from './function-policy';

export const layerVersionPublic = defineRule({
  id: 'layer-version-public',
  title: 'Layer version can be downloaded by any AWS account or one outside the organization',
  severity: 'high',
  defaultMode: 'auto',
  resourceType: 'lambda-layer-version',
  triggers: [{ eventSource: 'lambda.amazonaws.com', eventNames: ['AddLayerVersionPermission'] }, ACCESS_ANALYZER_TRIGGER],
  reads: [],
  rationale:
    'Any AWS account, or one outside our organization, can download this layer’s code: internal libraries, configuration and any credentials baked into it leak.',
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_AddLayerVersionPermission.html',
  ],
  falsePositives: [
    'A layer published on purpose for the public: exempt it. Set organization.id in the configuration, or every organization-restricted grant is reported.',
    'A layer shared with one partner account: add the account to allowList.accounts (grants to one account outside the organization are asked for approval, not reverted at once). Without organization.accounts every other account counts as outside.',
  ],
  remediationAction: 'remove-layer-version-permission',
  evaluate(state, context) {
    if (state.policy === null) return compliant;
    const { config } = context;
    const ourOrg = config.organization.id;
    // The same allow-list semantics as function-cross-account-principal.
    const ours = (account: string): boolean => account === state.ref.account || isOrganizationAccount(config, account) || isAllowListedAccount(config, account);
    const findings: RuleFinding[] = [];
    for (const statement of statementsOf(state.policy)) {
      if (allowedActions(statement, ['lambda:GetLayerVersion']).length === 0) continue;
      const principals = principalsOf(statement);
      const accounts = principals.accounts.filter((a) => !ours(a));
      let whom: string;
      let foreign: string[] = [];
      if (principals.anyone) {
        const orgIds = callerRestriction(statement)?.orgIds ?? [];
        foreign = orgIds.filter((o) => o !== ourOrg);
        if (orgIds.length > 0 && foreign.length === 0) continue;
        whom = orgIds.length === 0 ? 'every AWS account' : `organization ${foreign.join(', ')}, not ours`;
      } else if (accounts.length > 0) {
        whom = `account ${accounts.join(', ')}, outside the organization and the allow-list,`;
      } else continue;
      const sid = statement.Sid;
      findings.push({
        key: sid ?? JSON.stringify(statement),
        summary: `${statementLabel(statement)} on layer ${state.arn} lets ${whom} download it (lambda:GetLayerVersion); ${attribution(context, sid)}.`,
        details: { statement, organizations: foreign, ...(principals.anyone ? {} : { accounts }) },
        // A grant to named accounts may be a partnership nobody listed yet: ask, as for functions.
        ...(principals.anyone ? {} : { modeOverride: 'approve' as const }),
        remediation:
          sid === undefined || sid === ''
            ? null
            : {
                action: 'remove-layer-version-permission',
                params: {
                  layerName: layerArn(state.ref),
                  versionNumber: state.ref.version,
                  statementId: sid,
                  ...(state.policyRevisionId === undefined ? {} : { revisionId: state.policyRevisionId }),
                },
                description: `lambda:RemoveLayerVersionPermission removes statement "${sid}" only. Re-add it with lambda:AddLayerVersionPermission if it was intended.`,
              },
      });
    }
    return nonCompliant(findings);
  },
});
