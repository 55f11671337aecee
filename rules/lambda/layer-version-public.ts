/** A layer version policy lets every AWS account, or another organization, download the layer. */
import { allowedActions, callerRestriction, principalsOf, statementsOf } from '../../functions/shared/policy/resource-policy';
import { layerArn } from '../../functions/shared/state/resources';
import { compliant, defineRule, nonCompliant, type RuleFinding } from '../rule';
import { attribution, statementLabel } from './function-policy';

export const layerVersionPublic = defineRule({
  id: 'layer-version-public',
  title: 'Layer version can be downloaded by any AWS account',
  severity: 'high',
  defaultMode: 'auto',
  resourceType: 'lambda-layer-version',
  triggers: [{ eventSource: 'lambda.amazonaws.com', eventNames: ['AddLayerVersionPermission'] }],
  reads: [],
  rationale:
    'Any AWS account, or one outside our organization, can download this layer’s code: internal libraries, configuration and any credentials baked into it leak.',
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/permissions-layer-cross-account.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_AddLayerVersionPermission.html',
  ],
  falsePositives: [
    'A layer published on purpose for the public: exempt it. Set organization.id in the configuration, or every organization-restricted grant is reported.',
  ],
  remediationAction: 'remove-layer-version-permission',
  evaluate(state, context) {
    if (state.policy === null) return compliant;
    const ourOrg = context.config.organization.id;
    const findings: RuleFinding[] = [];
    for (const statement of statementsOf(state.policy)) {
      if (allowedActions(statement, ['lambda:GetLayerVersion']).length === 0 || !principalsOf(statement).anyone) continue;
      const orgIds = callerRestriction(statement)?.orgIds ?? [];
      const foreign = orgIds.filter((o) => o !== ourOrg);
      if (orgIds.length > 0 && foreign.length === 0) continue;
      const whom = orgIds.length === 0 ? 'every AWS account' : `organization ${foreign.join(', ')}, not ours`;
      const sid = statement.Sid;
      findings.push({
        key: sid ?? JSON.stringify(statement),
        summary: `${statementLabel(statement)} on layer ${state.arn} lets ${whom} download it (lambda:GetLayerVersion); ${attribution(context, sid)}.`,
        details: { statement, organizations: foreign },
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
