/**
 * The approval and restore records as the state table keeps them: written by the responder, read by the
 * approval endpoint (to render and decide), the responder's decision runner (to run, after verifying its
 * integrity tag) and the notifier. Declared once as a zod schema; the DynamoDB store parses every record
 * it reads back with it (stored state is untrusted input).
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { FindingSchema, IsoTimeSchema, RemediationPlanSchema } from './finding';

/** A decision an approver takes on a pending record. */
export const APPROVAL_DECISIONS = ['approved', 'rejected', 'quarantined', 'rejected-and-exempted', 'restored'] as const;
export const ApprovalDecisionSchema = lazySchema(() => z.enum(APPROVAL_DECISIONS));
export type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>;

/** `closed`: the detector finding it was opened for was archived or resolved by its service (issue #18); no decision can follow. */
export const ApprovalStatusSchema = lazySchema(() => z.enum(['pending', 'expired', 'closed', ...APPROVAL_DECISIONS]));
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;

export const ApprovalKindSchema = lazySchema(() => z.enum(['approval', 'restore']));
export type ApprovalKind = z.infer<typeof ApprovalKindSchema>;

/**
 * A plan waiting for an approver. Slack buttons carry only `id`; the plan is read from here.
 * - `kind`: `restore` for the record behind a "Restore" button (its plan puts an automatic revert back); absent for approvals.
 * - `call`: the plan as the exact API call (rendered when the record was made, so readers need no action code).
 * - `tag`: integrity tag of the record's authoritative fields (`recordFields` in `store/integrity.ts`), written by the responder.
 */
export const ApprovalRecordSchema = lazySchema(() => z
  .object({
    id: z.string().min(1),
    findingId: z.string().min(1),
    eventId: z.string().min(1),
    finding: FindingSchema,
    plan: RemediationPlanSchema,
    status: ApprovalStatusSchema,
    createdAt: IsoTimeSchema,
    expiresAt: IsoTimeSchema,
    decidedBy: z.string().optional(),
    decidedAt: z.string().optional(),
    kind: ApprovalKindSchema.optional(),
    call: z.string().optional(),
    tag: z.string().optional(),
  })
  .readonly());
export type ApprovalRecord = z.infer<typeof ApprovalRecordSchema>;
