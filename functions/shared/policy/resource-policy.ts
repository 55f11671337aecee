/**
 * Analysis of resource-based policies (Lambda function and layer policies): who a statement
 * lets in, and whether its conditions really restrict the caller. Pure.
 */
import type { PolicyDocument, PolicyStatement } from '../state/resources';

/** The statements of a document as a list (IAM allows a single object). */
export function statementsOf(document: PolicyDocument | null | undefined): readonly PolicyStatement[] {
  if (!document) return [];
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

export function asList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

export interface Principals {
  /** `"*"` or `{"AWS": "*"}`: anyone, in any account, signed or not. */
  readonly anyone: boolean;
  /** Account ids named by AWS principals (root, role or user ARNs, bare ids). */
  readonly accounts: readonly string[];
  /** Service principals such as `s3.amazonaws.com`. */
  readonly services: readonly string[];
}

const ACCOUNT_IN_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;

/** Classifies a statement's `Principal`. `NotPrincipal` with Allow is treated as anyone. */
export function principalsOf(statement: PolicyStatement): Principals {
  if (statement.NotPrincipal !== undefined && statement.Effect === 'Allow') {
    return { anyone: true, accounts: [], services: [] };
  }
  const principal = statement.Principal;
  if (principal === undefined) return { anyone: false, accounts: [], services: [] };
  if (principal === '*') return { anyone: true, accounts: [], services: [] };
  let anyone = false;
  const accounts: string[] = [];
  for (const value of asList(principal.AWS)) {
    if (value === '*') anyone = true;
    else if (/^\d{12}$/.test(value)) accounts.push(value);
    else {
      const match = ACCOUNT_IN_ARN.exec(value);
      if (match?.[1] !== undefined) accounts.push(match[1]);
    }
  }
  return { anyone, accounts: [...new Set(accounts)], services: [...asList(principal.Service)] };
}

const wildcardCache = new Map<string, RegExp>();

/** An IAM wildcard pattern (`*`, `?`) as an anchored regular expression, compiled once. */
function wildcardRegex(pattern: string): RegExp {
  let regex = wildcardCache.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    if (wildcardCache.size < 10_000) wildcardCache.set(pattern, regex);
  }
  return regex;
}

/** Does the statement's action list cover this action (`lambda:*`, `*`, `lambda:Invoke*`)? */
export function actionCovers(patterns: readonly string[], action: string): boolean {
  const target = action.toLowerCase();
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase();
    if (!p.includes('*') && !p.includes('?')) return p === target;
    return wildcardRegex(p).test(target);
  });
}

/** The Lambda actions a statement allows among those given (handles `NotAction`). */
export function allowedActions(statement: PolicyStatement, candidates: readonly string[]): readonly string[] {
  if (statement.Effect !== 'Allow') return [];
  if (statement.NotAction !== undefined) {
    const excluded = asList(statement.NotAction);
    return candidates.filter((a) => !actionCovers(excluded, a));
  }
  const actions = asList(statement.Action);
  return candidates.filter((a) => actionCovers(actions, a));
}

/** Condition keys (lower-case) that tie a caller to specific accounts, organizations or resources. */
const SOURCE_KEYS = ['aws:sourcearn', 'aws:sourceaccount', 'aws:sourceowner', 'aws:sourceorgid', 'aws:sourceorgpaths'] as const;
const PRINCIPAL_KEYS = ['aws:principalorgid', 'aws:principalaccount', 'aws:principalarn', 'aws:principalorgpaths', 'aws:userid'] as const;
const RESTRICTING_KEYS: ReadonlySet<string> = new Set<string>([...SOURCE_KEYS, ...PRINCIPAL_KEYS]);

/** Operators whose match pins the key to the listed values (absent key ⇒ no match). */
const POSITIVE_OPERATORS: ReadonlySet<string> = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike']);

/** Is this condition value a real constraint (not only wildcards, not an ARN wildcarded everywhere)? */
function isRestrictiveValue(key: string, value: string): boolean {
  if (/^[*?]*$/.test(value)) return false;
  if (key === 'aws:sourcearn' || key === 'aws:principalarn') {
    const parts = value.split(':');
    // Not a whole ARN: with a wildcard (`arn:aws:*`) it can match any ARN under StringLike.
    if (parts.length < 6) return !/[*?]/.test(value);
    const accountPart = parts[4] ?? '';
    const resourcePart = parts.slice(5).join(':');
    if (/^\d{12}$/.test(accountPart)) return true;
    // A wildcard account can be matched by anyone who creates a resource or role of that name in
    // their own account. Only an empty account part (S3: bucket names are global) is pinned by the resource.
    return key === 'aws:sourcearn' && accountPart === '' && resourcePart.replace(/[*?/:]/g, '').length > 0;
  }
  return true;
}

export interface CallerRestriction {
  /** The restricting condition keys present, lower-case (`aws:sourcearn`, …). */
  readonly keys: readonly string[];
  /** Accounts the caller is limited to (SourceAccount, PrincipalAccount, the account of a SourceArn). */
  readonly accounts: readonly string[];
  /** Organizations the caller is limited to (PrincipalOrgID, SourceOrgID). */
  readonly orgIds: readonly string[];
  /**
   * True when an `aws:SourceArn` value carries no account (`arn:aws:s3:::bucket`): such a name can
   * be re-created by another account once deleted, so it pins no owner on its own.
   */
  readonly accountlessSourceArn?: boolean;
}

/**
 * The conditions of a statement that really restrict who can call: a positive operator
 * (`StringEquals`, `ArnLike`, …, not `…IfExists`, not `Null`) on a caller-identifying key with a
 * value that is not only wildcards. `lambda:FunctionUrlAuthType` and `lambda:EventSourceToken`
 * do not restrict the caller. Returns null when nothing restricts.
 */
export function callerRestriction(statement: PolicyStatement): CallerRestriction | null {
  const known = restrictionCache.get(statement);
  if (known !== undefined) return known;
  const restriction = computeCallerRestriction(statement);
  restrictionCache.set(statement, restriction);
  return restriction;
}

/** Several rules judge the same statement objects of one snapshot: analyse each once. */
const restrictionCache = new WeakMap<PolicyStatement, CallerRestriction | null>();

function computeCallerRestriction(statement: PolicyStatement): CallerRestriction | null {
  const condition = statement.Condition;
  if (condition === undefined) return null;
  const keys = new Set<string>();
  const accounts = new Set<string>();
  const orgIds = new Set<string>();
  let accountlessSourceArn = false;
  for (const [rawOperator, block] of Object.entries(condition)) {
    const operator = rawOperator.toLowerCase().replace(/^for(any|all)value:/, '');
    if (!POSITIVE_OPERATORS.has(operator) || rawOperator.toLowerCase().startsWith('forallvalues:')) continue;
    for (const [rawKey, rawValue] of Object.entries(block)) {
      const key = rawKey.toLowerCase();
      if (!RESTRICTING_KEYS.has(key)) continue;
      const values = (Array.isArray(rawValue) ? rawValue : [rawValue]).map(String);
      if (values.length === 0 || !values.every((v) => isRestrictiveValue(key, v))) continue;
      keys.add(key);
      for (const v of values) {
        if (key === 'aws:sourceaccount' || key === 'aws:principalaccount' || key === 'aws:sourceowner') accounts.add(v);
        if (key === 'aws:principalorgid' || key === 'aws:sourceorgid') orgIds.add(v);
        if (key === 'aws:sourcearn' || key === 'aws:principalarn') {
          const account = v.split(':')[4];
          if (account !== undefined && /^\d{12}$/.test(account)) accounts.add(account);
          else if (key === 'aws:sourcearn') accountlessSourceArn = true;
        }
      }
    }
  }
  if (keys.size === 0) return null;
  return { keys: [...keys], accounts: [...accounts], orgIds: [...orgIds], ...(accountlessSourceArn ? { accountlessSourceArn } : {}) };
}

/** Source keys that name an owner (account or organization), not only a resource. */
const OWNER_SOURCE_KEYS: readonly string[] = ['aws:sourceaccount', 'aws:sourceowner', 'aws:sourceorgid', 'aws:sourceorgpaths'];

/**
 * True when the restriction ties the caller to a source owned by a known account or organization
 * (confused-deputy guard): `aws:SourceAccount`, `aws:SourceOwner`, `aws:SourceOrgID` /
 * `aws:SourceOrgPaths`, or an `aws:SourceArn` whose every value names its account. An ARN without
 * an account (an S3 bucket: `arn:aws:s3:::name`) is not enough on its own: AWS's AddPermission
 * reference asks for `SourceAccount` too, because a deleted bucket's name can be taken by anyone.
 */
export function restrictsSource(restriction: CallerRestriction | null): boolean {
  if (restriction === null) return false;
  if (restriction.keys.some((k) => OWNER_SOURCE_KEYS.includes(k))) return true;
  return restriction.keys.includes('aws:sourcearn') && restriction.accountlessSourceArn !== true;
}

/** A statement as compact JSON for a report (no secrets live in resource policies). */
export function describeStatement(statement: PolicyStatement): string {
  return JSON.stringify(statement);
}
