/**
 * The finding and its parts as they cross module and function boundaries: severity, mode, actor,
 * remediation plan, and the finding the engine raises for the responder, the notifier and the store.
 * Each is declared once, as a zod schema, with its type inferred from it (the notifier validates the
 * "Warden Finding" events it receives with these very schemas). The bottom of the layering: imports
 * only other contract modules.
 */
import * as z from 'zod';
import { lazyObject, lazySchema } from '../lazy-schema';
import { DetectorFindingRefSchema } from './detector-finding';

/** Names of the remediation actions; each is implemented (with its IAM permissions) by the executor. */
export const ACTION_NAMES = [
  'remove-function-permission',
  'set-function-url-auth-iam',
  'remove-layer-version-permission',
  'start-trail-logging',
  'remove-function-env-variables',
  'restore-function-layers',
  'delete-role-policy',
  'restore-role-policy',
  'detach-role-policy',
  'set-default-policy-version',
  'restore-trust-policy',
  'set-function-recursion-terminate',
  'remove-function-destination',
  'remove-function-dead-letter-queue',
  // One egress rule of a security group, revoked by its id (issue #17 rule 5).
  'revoke-security-group-egress',
  // IAM auth on one unauthenticated API route, its stage redeployed (issue #17).
  'set-api-route-auth-iam',
  // The last-known-good code-signing config attached again, or a shared config set back to Enforce (issue #17).
  'restore-function-code-signing-config',
  'set-code-signing-config-enforce',
  // Event-source mappings outside the organization (issue #17).
  'disable-event-source-mapping',
  'remove-event-source-mapping-destination',
  // Chosen by an approver ("Quarantine"), planned by no rule.
  'quarantine-function',
  // Reserved concurrency 0 and the enabled event-source mappings disabled, recorded for Restore (runtime threats).
  'isolate-function',
  // Inverses of automatic reverts, run by "Restore" (planned by the executor, never by a rule).
  'add-function-permission',
  'set-function-url-auth-none',
  'add-layer-version-permission',
  'lift-function-isolation',
  'authorize-security-group-egress',
  'set-api-route-auth-none',
  'reattach-function-code-signing-config',
  'set-code-signing-config-warn',
  'enable-event-source-mapping',
] as const;
export const ActionNameSchema = lazySchema(() => z.enum(ACTION_NAMES));
export type ActionName = z.infer<typeof ActionNameSchema>;

/** A remediation as data: which action, with which parameters, and what it does in plain words (`description`: one sentence, what it changes and how to undo it). */
export const RemediationPlanSchema = lazySchema(() => z
  .object({
    action: ActionNameSchema,
    params: z.record(z.string(), z.union([z.string(), z.number()])).readonly(),
    description: z.string(),
  })
  .readonly());
export type RemediationPlan = z.infer<typeof RemediationPlanSchema>;

/**
 * Who made the change and how, from the event's `userIdentity`. `sessionIssuerArn`: for a role session,
 * the role's ARN with its path (`userIdentity.sessionContext.sessionIssuer.arn`).
 */
export const ActorSchema = lazySchema(() => z
  .object({
    type: z.string(),
    arn: z.string().optional(),
    accountId: z.string().optional(),
    sourceIPAddress: z.string().optional(),
    userAgent: z.string().optional(),
    sessionIssuerArn: z.string().optional(),
  })
  .readonly());
export type Actor = z.infer<typeof ActorSchema>;

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const SeveritySchema = lazySchema(() => z.enum(SEVERITIES));
export type Severity = z.infer<typeof SeveritySchema>;

export const ModeSchema = lazySchema(() => z.enum(['alert', 'approve', 'auto']));
export type Mode = z.infer<typeof ModeSchema>;

export const AccountIdSchema = lazySchema(() => z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));

/** Which finding a bus event or stored record is about: the finding, the event it came from, its rule and resource, where. */
export const FINDING_SCOPE_FIELDS = lazyObject(() => ({
  findingId: z.string().min(1),
  eventId: z.string().min(1),
  ruleId: z.string().min(1),
  resource: z.string().min(1),
  account: AccountIdSchema,
  region: z.string().min(1),
}));
export const IsoTimeSchema = lazySchema(() => z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time'));

/**
 * A rule's finding on one resource, ready for the responder and the notifier. `id` is stable: the same
 * rule, resource and key always give the same id (duplicate events collapse). `actor` is absent for
 * scans; `detector` is the detector finding (GuardDuty, Access Analyzer …) it was raised from, as of
 * this version (absent for CloudTrail events and scans).
 */
export const FindingSchema = lazySchema(() => z
  .object({
    id: z.string().min(1),
    ruleId: z.string().min(1),
    title: z.string(),
    severity: SeveritySchema,
    mode: ModeSchema,
    resource: z.string().min(1),
    account: AccountIdSchema,
    region: z.string().min(1),
    summary: z.string(),
    rationale: z.string(),
    details: z.record(z.string(), z.unknown()).readonly(),
    remediation: RemediationPlanSchema.nullable(),
    actor: ActorSchema.optional(),
    eventId: z.string().optional(),
    eventName: z.string().optional(),
    eventTime: z.string().optional(),
    detector: DetectorFindingRefSchema.optional(),
  })
  .readonly());
export type Finding = z.infer<typeof FindingSchema>;
