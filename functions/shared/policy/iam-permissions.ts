/**
 * What identity policies (a role's inline and attached policies) effectively allow: administrator
 * access, dangerous actions on every resource, logging. Allows minus unconditional Denies. Pure.
 */
import { anyActionPatternMatches, patternSubsumes, resourcePatternMatches } from './iam-actions';
import { DANGEROUS_ACTIONS, type DangerousActionCategory } from './iam-dangerous-actions';
import type { IamPolicyDocument, IamStatement } from './iam-policy';

/** Where a statement is: the document's index in the list analysed (0 for one document), the statement's index, its Sid. */
export interface StatementRef {
  readonly document: number;
  readonly statement: number;
  readonly sid: string | undefined;
}

/** One document or all the identity policies of a principal (they are evaluated together). */
export type IamPolicyDocuments = IamPolicyDocument | readonly IamPolicyDocument[];

interface LocatedStatement {
  readonly ref: StatementRef;
  readonly statement: IamStatement;
}

function located(documents: IamPolicyDocuments): readonly LocatedStatement[] {
  const list: readonly IamPolicyDocument[] = Array.isArray(documents) ? documents : [documents as IamPolicyDocument];
  return list.flatMap((doc, document) =>
    doc.Statement.map((statement, index) => ({ ref: { document, statement: index, sid: statement.Sid }, statement })),
  );
}

/** Does the statement's `Action` (or `NotAction`) cover this action? Ignores Effect and Condition. */
export function statementCoversAction(statement: IamStatement, action: string): boolean {
  if (statement.NotAction !== undefined) return !anyActionPatternMatches(statement.NotAction, action);
  return anyActionPatternMatches(statement.Action ?? [], action);
}

/** Does the statement's `Resource` (or `NotResource`) cover this ARN? False when it names neither. */
export function statementCoversResource(statement: IamStatement, arn: string): boolean {
  if (statement.NotResource !== undefined) return !statement.NotResource.some((p) => resourcePatternMatches(p, arn));
  return (statement.Resource ?? []).some((p) => resourcePatternMatches(p, arn));
}

/**
 * Condition keys that describe the request's circumstances (transport, region, time, MFA,
 * network) rather than narrowing what is granted: a statement conditioned only on these still grants broadly.
 */
const CIRCUMSTANTIAL_KEYS: ReadonlySet<string> = new Set([
  'aws:securetransport',
  'aws:requestedregion',
  'aws:currenttime',
  'aws:epochtime',
  'aws:multifactorauthpresent',
  'aws:multifactorauthage',
  'aws:sourceip',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:vpcsourceip',
  'aws:useragent',
  'aws:referer',
  'aws:tokenissuetime',
]);

/**
 * Does a condition narrow what the statement grants (`iam:PassedToService`, `aws:ResourceTag/…`,
 * `s3:prefix` …)? Conditions only on request circumstances (`aws:SecureTransport`,
 * `aws:RequestedRegion`, `aws:SourceIp` …) do not.
 */
export function hasNarrowingCondition(statement: IamStatement): boolean {
  return Object.values(statement.Condition ?? {}).some((block) => Object.keys(block).some((key) => !CIRCUMSTANTIAL_KEYS.has(key.toLowerCase())));
}

function unconditionalDenies(statements: readonly LocatedStatement[]): readonly IamStatement[] {
  return statements.filter((s) => s.statement.Effect === 'Deny' && s.statement.Condition === undefined).map((s) => s.statement);
}

/** Does the Deny cover every action the Allow's `Action`/`NotAction` covers? Sound, not complete. */
function denyCoversActions(deny: IamStatement, allow: IamStatement): boolean {
  if (deny.Action !== undefined) {
    const denied = deny.Action;
    if (allow.NotAction !== undefined) return denied.some((d) => patternSubsumes(d, '*', true));
    return (allow.Action ?? []).every((a) => denied.some((d) => patternSubsumes(d, a, true)));
  }
  // Deny NotAction X denies all but X; an Allow NotAction Y allows all but Y: nothing is left when X ⊆ Y.
  if (deny.NotAction !== undefined && allow.NotAction !== undefined) {
    const allowExcluded = allow.NotAction;
    return deny.NotAction.every((x) => allowExcluded.some((y) => patternSubsumes(y, x, true)));
  }
  return false;
}

/** Does the Deny cover every resource the Allow's `Resource`/`NotResource` covers? Sound, not complete. */
function denyCoversResources(deny: IamStatement, allow: IamStatement): boolean {
  if (deny.Resource === undefined) return false;
  const denied = deny.Resource;
  if (allow.NotResource !== undefined) return denied.some((d) => patternSubsumes(d, '*', false));
  return (allow.Resource ?? []).every((r) => denied.some((d) => patternSubsumes(d, r, false)));
}

function deniedEntirely(allow: IamStatement, denies: readonly IamStatement[]): boolean {
  return denies.some((deny) => denyCoversActions(deny, allow) && denyCoversResources(deny, allow));
}

const quoteList = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(', ');

// ── Administrator access ──────────────────────────────────────────────────────────────────

/**
 * `full-admin`: `*` on every resource. `service-admin`: `service:*` on every resource (of that
 * service). `not-action`: everything except a list, on every resource. `not-resource`: the
 * actions on every resource except a list.
 */
export type AdminAccessKind = 'full-admin' | 'service-admin' | 'not-action' | 'not-resource';

export interface AdminAccessFinding {
  readonly kind: AdminAccessKind;
  readonly statement: StatementRef;
  /** The action patterns at fault (for `not-action`, the excluded ones). */
  readonly actions: readonly string[];
  /** The statement's resource patterns (for `not-resource`, the excluded ones). */
  readonly resources: readonly string[];
  readonly reason: string;
}

/** Is the pattern `*` or an ARN pattern wildcarded in every field (`arn:aws:*:*:*:*`)? */
function coversAllResources(pattern: string): boolean {
  if (patternSubsumes(pattern, '*', false)) return true;
  const parts = pattern.split(':');
  if (parts[0] !== 'arn' || parts.length < 2) return false;
  const partition = parts[1] ?? '';
  if (!/^(?:[*?]*|aws[a-z-]*)$/.test(partition)) return false;
  const rest = parts.slice(2);
  const last = parts[parts.length - 1] ?? '';
  return rest.every((p) => /^[*?]*$/.test(p)) && last.includes('*');
}

/** Does the pattern cover every resource of the service (`arn:aws:iam::*:*`, `arn:aws:s3:::*`)? */
function coversServiceResources(pattern: string, service: string): boolean {
  if (coversAllResources(pattern)) return true;
  const parts = pattern.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return false;
  const arnService = parts[2] ?? '';
  if (arnService.toLowerCase() !== service.toLowerCase() && !/^[*?]*\*[*?]*$/.test(arnService)) return false;
  return /^[*?]*\*[*?]*$/.test(parts.slice(5).join(':'));
}

/** The `service:*` pattern's service, when the pattern covers a whole service (`iam:*`, `IAM:**`). */
function wholeService(pattern: string): string | undefined {
  const match = /^([a-z0-9-]+):[*?]*\*[*?]*$/i.exec(pattern);
  return match?.[1] !== undefined && patternSubsumes(pattern, `${match[1]}:*`, true) ? match[1].toLowerCase() : undefined;
}

function adminFindingsOf(ref: StatementRef, s: IamStatement): AdminAccessFinding[] {
  const findings: AdminAccessFinding[] = [];
  const resources = s.Resource ?? [];
  const onEverything = resources.some(coversAllResources);
  if (s.Action !== undefined && onEverything) {
    const full = s.Action.filter((a) => patternSubsumes(a, '*', true));
    if (full.length > 0) {
      findings.push({ kind: 'full-admin', statement: ref, actions: full, resources, reason: `Allows every action (${quoteList(full)}) on every resource (${quoteList(resources)}).` });
    }
  }
  if (s.Action !== undefined) {
    for (const action of s.Action) {
      const service = wholeService(action);
      if (service === undefined || patternSubsumes(action, '*', true)) continue;
      const covering = resources.filter((r) => coversServiceResources(r, service));
      if (covering.length === 0) continue;
      findings.push({ kind: 'service-admin', statement: ref, actions: [action], resources, reason: `Allows every ${service} action ("${action}") on every resource (${quoteList(covering)}).` });
    }
  }
  if (s.NotAction !== undefined && onEverything) {
    findings.push({ kind: 'not-action', statement: ref, actions: s.NotAction, resources, reason: `Allows every action except ${quoteList(s.NotAction)} (NotAction) on every resource (${quoteList(resources)}).` });
  }
  if (s.NotResource !== undefined) {
    const actions = s.NotAction === undefined ? quoteList(s.Action ?? []) : `every action except ${quoteList(s.NotAction)}`;
    findings.push({ kind: 'not-resource', statement: ref, actions: s.Action ?? s.NotAction ?? [], resources: s.NotResource, reason: `Allows ${actions} on every resource except ${quoteList(s.NotResource)} (NotResource).` });
  }
  return findings;
}

/**
 * Statements that grant administrator-like access: `*` or `service:*` on every resource, `NotAction`
 * on every resource, any `NotResource` Allow. Statements with a narrowing condition and statements
 * an unconditional Deny covers entirely are left out.
 */
export function findAdminAccess(documents: IamPolicyDocuments): readonly AdminAccessFinding[] {
  const statements = located(documents);
  const denies = unconditionalDenies(statements);
  return statements
    .filter(({ statement: s }) => s.Effect === 'Allow' && !hasNarrowingCondition(s) && !deniedEntirely(s, denies))
    .flatMap(({ ref, statement }) => adminFindingsOf(ref, statement));
}

// ── Dangerous actions ─────────────────────────────────────────────────────────────────────

export interface DangerousActionFinding {
  /** As AWS spells it: `iam:PassRole`. */
  readonly action: string;
  readonly category: DangerousActionCategory;
  readonly reason: string;
  /** The statements that grant it on every resource. */
  readonly grantedBy: readonly StatementRef[];
  /** The other actions that make it dangerous, also granted on every resource (`iam:PassRole`). */
  readonly together: readonly string[];
}

const PROBE_NAME = 'warden-probe-Q7zX';

/**
 * An ARN of the template's kind with an arbitrary name, in the partition, region and account the
 * resource pattern names when it names them literally: a pattern that matches it matches every name.
 */
function probeArn(template: string, pattern: string): string {
  const parts = pattern.split(':');
  const literal = (i: number, fallback: string): string => {
    const value = parts[0] === 'arn' ? parts[i] : undefined;
    return value !== undefined && value !== '' && !/[*?]/.test(value) ? value : fallback;
  };
  return template
    .replaceAll('{partition}', literal(1, 'aws'))
    .replaceAll('{region}', literal(3, 'us-east-1'))
    .replaceAll('{account}', literal(4, '123456789012'))
    .replaceAll('{name}', PROBE_NAME);
}

/** The probe ARNs on which the statement grants the template's kind of resource without naming it. */
function broadProbes(s: IamStatement, template: string): readonly string[] {
  if (s.NotResource !== undefined) {
    const probe = probeArn(template, '*');
    return statementCoversResource(s, probe) ? [probe] : [];
  }
  return (s.Resource ?? []).flatMap((pattern) => {
    const probe = probeArn(template, pattern);
    return resourcePatternMatches(pattern, probe) ? [probe] : [];
  });
}

/**
 * The dangerous actions (`DANGEROUS_ACTIONS`) the documents grant on every resource of their kind
 * — `*`, `NotResource`, or an ARN wildcarded over every name (`arn:aws:iam::*:role/*`) — by a
 * statement without a narrowing condition and not covered by an unconditional Deny. Wildcards and
 * `NotAction` are matched against the list, whose entries are all real IAM actions.
 */
export function findDangerousActions(documents: IamPolicyDocuments): readonly DangerousActionFinding[] {
  const statements = located(documents);
  const denies = unconditionalDenies(statements);
  const allows = statements.filter(({ statement: s }) => s.Effect === 'Allow' && !hasNarrowingCondition(s));
  const granted = new Map<string, StatementRef[]>();
  for (const dangerous of DANGEROUS_ACTIONS) {
    const refs: StatementRef[] = [];
    for (const { ref, statement } of allows) {
      if (!statementCoversAction(statement, dangerous.action)) continue;
      const undenied = broadProbes(statement, dangerous.resource).some(
        (probe) => !denies.some((d) => statementCoversAction(d, dangerous.action) && statementCoversResource(d, probe)),
      );
      if (undenied) refs.push(ref);
    }
    if (refs.length > 0) granted.set(dangerous.action, refs);
  }
  const findings: DangerousActionFinding[] = [];
  for (const dangerous of DANGEROUS_ACTIONS) {
    const refs = granted.get(dangerous.action);
    const together = dangerous.requires ?? [];
    if (refs === undefined || !together.every((a) => granted.has(a))) continue;
    findings.push({ action: dangerous.action, category: dangerous.category, reason: dangerous.reason, grantedBy: refs, together });
  }
  return findings;
}

// ── Logging ───────────────────────────────────────────────────────────────────────────────

/** The actions a Lambda function's role needs to write its logs (`logs:CreateLogGroup` is optional). */
export const LOGGING_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;

export interface LoggingPermission {
  /** Both `LOGGING_ACTIONS` are allowed on some resource. */
  readonly allowed: boolean;
  /** The logging actions no statement allows (or every allow of which an unconditional Deny covers). */
  readonly missing: readonly string[];
  /** The statements that allow a logging action. */
  readonly grantedBy: readonly StatementRef[];
}

/**
 * Whether the documents let a function write its logs: `logs:CreateLogStream` and
 * `logs:PutLogEvents` allowed on some resource (conditions are not judged), not denied on all of them.
 */
export function allowsLogging(documents: IamPolicyDocuments): LoggingPermission {
  const statements = located(documents);
  const denies = unconditionalDenies(statements);
  const missing: string[] = [];
  const grantedBy = new Map<string, StatementRef>();
  for (const action of LOGGING_ACTIONS) {
    const allowing = statements.filter(
      ({ statement: s }) =>
        s.Effect === 'Allow' &&
        statementCoversAction(s, action) &&
        (s.Resource !== undefined || s.NotResource !== undefined) &&
        !denies.some((d) => statementCoversAction(d, action) && denyCoversResources(d, s)),
    );
    if (allowing.length === 0) missing.push(action);
    for (const { ref } of allowing) grantedBy.set(`${ref.document}/${ref.statement}`, ref);
  }
  return { allowed: missing.length === 0, missing, grantedBy: [...grantedBy.values()] };
}
