/**
 * IAM policy documents (identity and trust policies): parsing from an object, JSON text or
 * URL-encoded JSON text into one canonical form with lists everywhere. Pure.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { WardenError } from '../errors';

/** A policy document is not valid JSON or not shaped like an IAM policy. */
export class InvalidPolicyError extends WardenError {
  constructor(
    message: string,
    /** One line per problem: `Statement[1].Effect: expected "Allow" or "Deny"`. */
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** IAM's size limits in characters, white space not counted. */
export const IAM_POLICY_SIZE_LIMITS = {
  inlineRolePolicy: 10_240,
  inlineUserPolicy: 2_048,
  inlineGroupPolicy: 5_120,
  managedPolicy: 6_144,
  /** The default quota; it can be raised to 4,096. */
  trustPolicy: 2_048,
} as const;

const stringOrList = lazySchema(() => z
  .union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' })
  .transform((v) => (typeof v === 'string' ? [v] : v)));

const principal = lazySchema(() => z
  .union([z.literal('*'), z.record(z.string(), stringOrList)], { error: 'expected "*" or an object of principal lists' })
  .transform((v): Record<string, string[]> => (v === '*' ? { AWS: ['*'] } : v)));

const conditionScalar = lazySchema(() => z.union([z.string(), z.number(), z.boolean()]));
const conditionValue = lazySchema(() => z
  .union([conditionScalar, z.array(conditionScalar)], { error: 'expected a string, number, boolean or a list of them' })
  .transform((v) => (Array.isArray(v) ? v : [v]).map(String)));

const statementSchema = lazySchema(() => z
  .strictObject({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny'], { error: 'expected "Allow" or "Deny"' }),
    Principal: principal.optional(),
    NotPrincipal: principal.optional(),
    Action: stringOrList.optional(),
    NotAction: stringOrList.optional(),
    Resource: stringOrList.optional(),
    NotResource: stringOrList.optional(),
    Condition: z.record(z.string(), z.record(z.string(), conditionValue)).optional(),
  })
  .superRefine((s, ctx) => {
    const exclusive = [
      ['Action', 'NotAction'],
      ['Resource', 'NotResource'],
      ['Principal', 'NotPrincipal'],
    ] as const;
    for (const [a, b] of exclusive) {
      if (s[a] !== undefined && s[b] !== undefined) ctx.addIssue({ code: 'custom', message: `has both ${a} and ${b}` });
    }
    if (s.Action === undefined && s.NotAction === undefined) ctx.addIssue({ code: 'custom', message: 'has neither Action nor NotAction' });
  }));

const documentSchema = lazySchema(() => z.strictObject({
  Version: z.string().optional(),
  Id: z.string().optional(),
  Statement: z.preprocess(
    (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? [v] : v),
    z.array(statementSchema, { error: 'expected a statement object or a list of them' }),
  ),
}));

/** A statement in canonical form: every string-or-list field is a list, `"*"` principals are `{ AWS: ["*"] }`. */
export type IamStatement = z.output<typeof statementSchema>;
/** A policy document in canonical form: `Statement` is always a list. */
export type IamPolicyDocument = z.output<typeof documentSchema>;

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out === '' ? '(document)' : out;
}

function decodeText(text: string): unknown {
  const trimmed = text.trim();
  let json = trimmed;
  if (!trimmed.startsWith('{') && /^%7b/i.test(trimmed)) {
    try {
      json = decodeURIComponent(trimmed);
    } catch (e: unknown) {
      throw new InvalidPolicyError('Policy document is URL-encoded but does not decode', [], { cause: e });
    }
  }
  try {
    return JSON.parse(json) as unknown;
  } catch (e: unknown) {
    const detail = e instanceof SyntaxError ? `: ${e.message}` : '';
    throw new InvalidPolicyError(`Policy document is not JSON or URL-encoded JSON${detail}`, [], { cause: e });
  }
}

/**
 * Parses and validates an IAM policy document given as an object, JSON text (as CloudTrail's
 * `requestParameters.policyDocument` carries it) or URL-encoded JSON text (as `GetRolePolicy`
 * and `GetPolicyVersion` return it), and returns it in canonical form.
 * Throws `InvalidPolicyError` naming each problem.
 */
export function parseIamPolicyDocument(input: string | object): IamPolicyDocument {
  let value: unknown = typeof input === 'string' ? decodeText(input) : input;
  if (typeof value === 'string') value = decodeText(value); // JSON text encoded once more as a JSON string
  const result = documentSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new InvalidPolicyError(`Invalid IAM policy document: ${issues.join('; ')}`, issues, { cause: result.error });
}

/** A policy's size as IAM counts it against `IAM_POLICY_SIZE_LIMITS`: characters other than white space. */
export function iamPolicySize(document: IamPolicyDocument | string): number {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  return text.replace(/\s/g, '').length;
}
