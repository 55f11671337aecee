/**
 * The last-known-good baselines as they are stored and as rules see them (function and execution
 * role), and why a stored one was refused. Beside the state shapes: a snapshot carries its baseline.
 * Keeping, sealing and storing them is `baseline/`'s work. Pure.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { InvalidPolicyError, parseIamPolicyDocument, type IamPolicyDocument } from '../policy/iam-policy';

/** Why a stored baseline was refused; names the check, never a key or a tag. */
export type BaselineIntegrityCheck = 'integrity-tag-missing' | 'integrity-tag-mismatch';

/** A stored baseline that failed its integrity check: it is not used, and a critical alert names it. */
export interface BaselineRefusal {
  /** The ARN of the resource whose baseline was refused. */
  readonly resource: string;
  readonly check: BaselineIntegrityCheck;
}

const captured = <T extends z.ZodType>(value: T) => z.strictObject({ value, capturedAt: z.string() });

const VpcBaselineSchema = lazySchema(() => z.strictObject({
  subnetIds: z.array(z.string()),
  securityGroupIds: z.array(z.string()),
  vpcId: z.string().nullable(),
}));

/** The stored form of a function baseline; each part carries when it was captured. */
export const FunctionBaselineSchema = lazySchema(() => z.strictObject({
  /** Variable name → `hmac-sha256:<base64url>` of name and value under the keeper's key. */
  environment: captured(z.record(z.string(), z.string())).optional(),
  kmsKeyArn: captured(z.string().nullable()).optional(),
  layers: captured(z.array(z.string())).optional(),
  role: captured(z.string().nullable()).optional(),
  runtime: captured(z.string().nullable()).optional(),
  vpcConfig: captured(VpcBaselineSchema.nullable()).optional(),
  urlAuthType: captured(z.enum(['NONE', 'AWS_IAM']).nullable()).optional(),
  /**
   * The code-signing config the function used and what it did with untrusted code then (issue #17), or null
   * for none: what `function-code-signing-weakened` restores.
   */
  codeSigning: captured(z.strictObject({ configArn: z.string(), untrustedArtifactOnDeployment: z.string().nullable() }).nullable()).optional(),
  /** The resource policy as JSON text (parse it with `parsePolicyText` when restoring), or null. */
  policy: captured(z.string().nullable()).optional(),
  /**
   * The `warden:exempt*` tags known to have been in place since `capturedAt` (recorded by a scan or
   * set by a configured tag principal; see `keptExemptionTags`): only these exempt the function, and
   * only from changes made after `capturedAt`.
   */
  exemptionTags: captured(z.record(z.string(), z.string())).optional(),
}));
export type FunctionBaseline = z.infer<typeof FunctionBaselineSchema>;
export type VpcBaseline = z.infer<typeof VpcBaselineSchema>;

/** A baseline as rules see it: the stored parts, plus which current variables still hash as in the baseline. */
export type AttachedFunctionBaseline = FunctionBaseline & {
  /** Names of current variables whose value is the baseline's (computed on attach, never stored). */
  readonly unchangedVariables?: readonly string[];
};

const Document = lazySchema(() => z.custom<IamPolicyDocument>((value) => {
  if (typeof value !== 'object' || value === null) return false;
  try {
    parseIamPolicyDocument(value);
    return true;
  } catch (e: unknown) {
    if (e instanceof InvalidPolicyError) return false;
    throw e;
  }
}, 'must be an IAM policy document'));

/** The stored form of a role baseline; each part carries when it was captured. */
export const RoleBaselineSchema = lazySchema(() => z.strictObject({
  trustPolicy: captured(Document).optional(),
  inlinePolicies: captured(z.record(z.string(), Document)).optional(),
  attachedPolicies: captured(
    z.array(
      z.strictObject({
        arn: z.string(),
        defaultVersionId: z.string(),
        /** The default version's document, for customer managed policies (what `set-default-policy-version` would bring back). */
        document: Document.optional(),
      }),
    ),
  ).optional(),
}));
export type RoleBaseline = z.infer<typeof RoleBaselineSchema>;
