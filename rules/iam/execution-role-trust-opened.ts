import { documentDigest, roleNotApplicableReason } from '../../functions/shared/iam/execution-role';
import type { IamPolicyDocument, IamStatement } from '../../functions/shared/policy/iam-policy';
import { analyzeTrustPolicy, type TrustFinding } from '../../functions/shared/policy/iam-trust-policy';
import type { RoleSnapshot } from '../../functions/shared/state/resources';
import { defineRule, nonCompliant, notApplicable, type RuleFinding } from '../rule';
import type { RemediationPlan } from '../../functions/shared/contract/finding';

/** The trust policy of a Lambda execution role that nothing else may assume. */
export const LAMBDA_ONLY_TRUST_POLICY: IamPolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
};

const TYPE_OF: Readonly<Record<TrustFinding['kind'], string>> = { anyone: 'AWS', 'external-account': 'AWS', service: 'Service', federated: 'Federated' };

/** The trust policy without the principals the findings name (statements left without a principal are dropped). */
export function withoutPrincipals(document: IamPolicyDocument, findings: readonly TrustFinding[]): IamPolicyDocument {
  const statements = document.Statement.flatMap((statement, index): IamStatement[] => {
    const here = findings.filter((f) => f.statement.statement === index);
    if (here.length === 0) return [statement];
    if (statement.NotPrincipal !== undefined) return [];
    const principal = Object.fromEntries(
      Object.entries(statement.Principal ?? {})
        .map(([type, values]) => [type, values.filter((v) => !here.some((f) => TYPE_OF[f.kind] === type && f.principal === v))] as const)
        .filter(([, values]) => values.length > 0),
    );
    return Object.keys(principal).length === 0 ? [] : [{ ...statement, Principal: principal }];
  });
  return statements.length === 0 ? LAMBDA_ONLY_TRUST_POLICY : { ...document, Statement: statements };
}

function planFor(state: RoleSnapshot, trust: IamPolicyDocument, findings: readonly TrustFinding[]): { plan: RemediationPlan; restoresBaseline: boolean } {
  const roleName = state.role?.RoleName ?? state.ref.roleName;
  const digest = documentDigest(trust);
  const previous = state.lastKnownGood?.trustPolicy;
  if (previous !== undefined && documentDigest(previous.value) !== digest) {
    return {
      restoresBaseline: true,
      plan: {
        action: 'restore-trust-policy',
        params: { roleName, policyDocument: JSON.stringify(previous.value), documentDigest: digest },
        description: `Puts the trust policy of ${roleName} back to its last-known-good document (captured ${previous.capturedAt}); the replaced document is in the event to re-apply it.`,
      },
    };
  }
  return {
    restoresBaseline: false,
    plan: {
      action: 'restore-trust-policy',
      params: { roleName, policyDocument: JSON.stringify(withoutPrincipals(trust, findings)), documentDigest: digest },
      description: `No last-known-good trust policy is saved: sets the current trust policy of ${roleName} without ${findings.map((f) => f.principal).join(', ')}; the replaced document is in the event to re-apply it.`,
    },
  };
}

export const executionRoleTrustOpened = defineRule({
  id: 'execution-role-trust-opened',
  title: 'Lambda execution role can be assumed by principals other than Lambda',
  severity: 'critical',
  defaultMode: 'auto',
  resourceType: 'iam-role',
  triggers: [
    // CreateRole: a role created already open (its trust policy lets Lambda and "*" or an outside account in).
    { eventSource: 'iam.amazonaws.com', eventNames: ['UpdateAssumeRolePolicy', 'CreateRole'] },
    // A function created with, or switched to, a role: the role is judged when a function starts using it.
    { eventSource: 'lambda.amazonaws.com', eventNames: ['CreateFunction', 'UpdateFunctionConfiguration'] },
  ],
  reads: [],
  rationale:
    'Whoever can assume the execution role gets every permission the function has, from outside the function: "*", an account outside the organization, another service or federated users must not be trusted.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
  ],
  falsePositives: [
    'A role shared on purpose with another service or a partner account: condition the statement on aws:SourceAccount / aws:PrincipalOrgID, or exempt the role.',
    'Judged on CreateRole too: a role created with such a trust policy by infrastructure code is reported (and, with no saved trust policy, asked for approval) before any function uses it.',
  ],
  remediationAction: 'restore-trust-policy',
  evaluate(state, context) {
    const reason = roleNotApplicableReason(state);
    if (reason !== null || state.role === undefined || state.role === null) return notApplicable(reason ?? 'the role was not read');
    const trust = state.role.AssumeRolePolicyDocument;
    const found = analyzeTrustPolicy(trust, {
      organizationId: context.config.organization.id,
      organizationAccounts: [...context.config.organization.accounts, ...context.config.allowList.accounts],
      ownAccount: state.ref.account,
    });
    if (found.length === 0) return nonCompliant([]);
    const { plan, restoresBaseline } = planFor(state, trust, found);
    const finding: RuleFinding = {
      key: 'trust-policy',
      summary: `The trust policy of the execution role ${state.role.RoleName} lets in ${found.map((f) => f.principal).join(', ')}: ${found.map((f) => f.reason).join(' ')}`,
      details: {
        role: state.arn,
        principals: found.map((f) => ({ kind: f.kind, principal: f.principal, account: f.account, actions: f.actions, sid: f.statement.sid, conditionKeys: f.conditionKeys })),
        restoresBaseline,
        usedByFunctions: state.usedByFunctions ?? [],
      },
      remediation: plan,
      // Without a saved trust policy the fix is a guess at what should stay: ask a human.
      ...(restoresBaseline ? {} : { modeOverride: 'approve' as const }),
    };
    return nonCompliant([finding]);
  },
});
