/**
 * Analysis of role trust policies: which principals outside the organization, other services or
 * federated users can assume a (Lambda execution) role, unless a condition holds them back. Pure.
 */
import type { IamPolicyDocument, IamStatement } from './iam-policy';
import { statementCoversAction, type StatementRef } from './iam-permissions';
import { callerRestriction } from './resource-policy';

/** The actions by which a trust policy lets a principal in. */
export const ASSUME_ROLE_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity'] as const;

/** Services a Lambda execution role is meant to trust (Lambda@Edge uses `edgelambda`). */
export const LAMBDA_SERVICE_PRINCIPALS: readonly string[] = ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'];

export interface TrustContext {
  /** The organization's id (`o-…`): an `aws:PrincipalOrgID` / `aws:SourceOrgID` condition on it restricts. */
  readonly organizationId?: string | undefined;
  /** Accounts of the organization: principals in them are trusted. */
  readonly organizationAccounts: readonly string[];
  /** The role's own account. */
  readonly ownAccount: string;
  /** Service principals that are not findings; defaults to `LAMBDA_SERVICE_PRINCIPALS`. */
  readonly allowedServices?: readonly string[] | undefined;
}

/**
 * `anyone`: `*` (or `NotPrincipal`). `external-account`: an account outside the organization.
 * `service`: a service other than the allowed ones. `federated`: users of an identity provider.
 */
export type TrustFindingKind = 'anyone' | 'external-account' | 'service' | 'federated';

export interface TrustFinding {
  readonly kind: TrustFindingKind;
  /** The principal as written in the policy (`*`, an account id or ARN, a service, a provider ARN). */
  readonly principal: string;
  /** The account of an AWS principal. */
  readonly account?: string | undefined;
  /** The assume-role actions the statement allows it. */
  readonly actions: readonly string[];
  readonly statement: StatementRef;
  /** The statement's condition keys, none of which held the principal back. */
  readonly conditionKeys: readonly string[];
  readonly reason: string;
}

interface Principal {
  readonly type: string;
  readonly value: string;
}

const ACCOUNT_IN_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;
const POSITIVE_OPERATORS: ReadonlySet<string> = new Set(['stringequals', 'stringlike', 'stringequalsignorecase']);

function accountOf(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  return ACCOUNT_IN_ARN.exec(value)?.[1];
}

/** Does a condition limit callers to the organization (org id, or accounts / ARNs all inside it)? */
function restrictedToOrganization(statement: IamStatement, internal: ReadonlySet<string>, organizationId: string | undefined): boolean {
  const restriction = callerRestriction(statement);
  if (restriction === null) return false;
  const byOrg = organizationId !== undefined && restriction.orgIds.length > 0 && restriction.orgIds.every((o) => o === organizationId);
  const byAccount = restriction.accounts.length > 0 && restriction.accounts.every((a) => internal.has(a));
  return byOrg || byAccount;
}

/** Is the value a real limit on an identity provider's subject (not `*`, not `repo:*`)? */
function restrictiveSubject(value: string): boolean {
  return /[^*?/:]/.test(value.replace(/^repo:/, ''));
}

/** Does a condition pin the federated token's subject (`…:sub`) or Cognito identity pool (`cognito-identity.amazonaws.com:aud`)? */
function restrictsFederatedSubject(statement: IamStatement): boolean {
  return Object.entries(statement.Condition ?? {}).some(([rawOperator, block]) => {
    const operator = rawOperator.toLowerCase().replace(/^foranyvalue:/, '');
    if (!POSITIVE_OPERATORS.has(operator)) return false;
    return Object.entries(block).some(([rawKey, values]) => {
      const key = rawKey.toLowerCase();
      const subjectKey = key.endsWith(':sub') || key === 'cognito-identity.amazonaws.com:aud';
      return subjectKey && values.length > 0 && values.every(restrictiveSubject);
    });
  });
}

function principalsOf(statement: IamStatement): readonly Principal[] {
  if (statement.NotPrincipal !== undefined) return [{ type: 'AWS', value: '*' }];
  return Object.entries(statement.Principal ?? {}).flatMap(([type, values]) => values.map((value) => ({ type, value })));
}

function deniedFor(principal: Principal, actions: readonly string[], denies: readonly IamStatement[]): boolean {
  return actions.every((action) =>
    denies.some(
      (deny) =>
        statementCoversAction(deny, action) &&
        principalsOf(deny).some((p) => (p.type === 'AWS' && p.value === '*') || (p.type === principal.type && p.value === principal.value)),
    ),
  );
}

/**
 * The principals a trust policy lets assume the role that should not: anyone, accounts outside
 * the organization, services other than Lambda, federated users — each unless a condition holds
 * it back (`aws:PrincipalOrgID` equal to ours, `aws:PrincipalAccount` / `aws:SourceAccount` /
 * `aws:SourceArn` inside the organization; a pinned token subject for federated users).
 * `sts:ExternalId` is not a restriction: it names the third party, it does not keep its account out.
 */
export function analyzeTrustPolicy(document: IamPolicyDocument, context: TrustContext): readonly TrustFinding[] {
  const internal = new Set([context.ownAccount, ...context.organizationAccounts]);
  const allowedServices = new Set((context.allowedServices ?? LAMBDA_SERVICE_PRINCIPALS).map((s) => s.toLowerCase()));
  const denies = document.Statement.filter((s) => s.Effect === 'Deny' && s.Condition === undefined);
  const findings: TrustFinding[] = [];
  document.Statement.forEach((statement, index) => {
    if (statement.Effect !== 'Allow') return;
    const actions = ASSUME_ROLE_ACTIONS.filter((a) => statementCoversAction(statement, a));
    if (actions.length === 0) return;
    const ref: StatementRef = { document: 0, statement: index, sid: statement.Sid };
    const conditionKeys = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block));
    const unrestricting = conditionKeys.length > 0 ? ` Its conditions (${conditionKeys.join(', ')}) do not limit callers to the organization.` : '';
    const orgRestricted = restrictedToOrganization(statement, internal, context.organizationId);
    for (const principal of principalsOf(statement)) {
      if (deniedFor(principal, actions, denies)) continue;
      const base = { principal: principal.value, actions, statement: ref, conditionKeys };
      if (principal.type === 'AWS') {
        if (orgRestricted) continue;
        if (principal.value === '*') {
          const how = statement.NotPrincipal !== undefined ? 'NotPrincipal' : 'Principal "*"';
          findings.push({ ...base, kind: 'anyone', reason: `Anyone in any AWS account can assume this role (${how}).${unrestricting}` });
          continue;
        }
        const account = accountOf(principal.value);
        if (account === undefined || internal.has(account)) continue;
        findings.push({ ...base, kind: 'external-account', account, reason: `Account ${account}, outside the organization, can assume this role ("${principal.value}").${unrestricting}` });
      } else if (principal.type === 'Service') {
        if (allowedServices.has(principal.value.toLowerCase()) || orgRestricted) continue;
        findings.push({ ...base, kind: 'service', reason: `The service ${principal.value} can assume this role, which only ${[...allowedServices].join(' or ')} should.${unrestricting}` });
      } else if (principal.type === 'Federated') {
        if (restrictsFederatedSubject(statement)) continue;
        const missing = ' no condition pins the token’s subject (":sub") or identity pool.';
        findings.push({ ...base, kind: 'federated', reason: `Users of the identity provider ${principal.value} can assume this role (${actions.join(', ')}), and${missing}` });
      }
    }
  });
  return findings;
}

/**
 * Every principal other than the Lambda service (`lambda` / `edgelambda.amazonaws.com`) that the
 * trust policy lets assume the role, whatever its conditions (`Type:value`, `AWS:*` for
 * `NotPrincipal`); principals an unconditional Deny shuts out are not listed. Empty for a role
 * trusted by Lambda only — and for a role nobody may assume.
 */
export function principalsBesidesLambda(document: IamPolicyDocument): readonly string[] {
  const lambda = new Set(LAMBDA_SERVICE_PRINCIPALS);
  const denies = document.Statement.filter((s) => s.Effect === 'Deny' && s.Condition === undefined);
  const found = new Set<string>();
  for (const statement of document.Statement) {
    if (statement.Effect !== 'Allow') continue;
    const actions = ASSUME_ROLE_ACTIONS.filter((a) => statementCoversAction(statement, a));
    if (actions.length === 0) continue;
    for (const principal of principalsOf(statement)) {
      if (principal.type === 'Service' && lambda.has(principal.value.toLowerCase())) continue;
      if (!deniedFor(principal, actions, denies)) found.add(`${principal.type}:${principal.value}`);
    }
  }
  return [...found];
}
