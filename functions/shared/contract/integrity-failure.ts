/**
 * A stored item that failed its integrity check, as the executor's outcome and the "Warden Alert"
 * carry it: which family, which item, which check. Never a key or a tag.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';

/** Which check of an item failed. */
export const IntegrityCheckSchema = lazySchema(() => z.enum(['tag-missing', 'tag-mismatch']));
export type IntegrityCheck = z.infer<typeof IntegrityCheckSchema>;

/**
 * The item families, each with its own key. `record`: approval and restore records (`wa-…`, `wr-…`),
 * written and verified by the responder only. `exemption`: decided exemptions, written by the approval
 * endpoint (Reject and exempt) and the responder (Restore), verified by the responder.
 */
export const IntegrityFamilySchema = lazySchema(() => z.enum(['record', 'exemption']));
export type IntegrityFamily = z.infer<typeof IntegrityFamilySchema>;

/**
 * A stored item that must not be acted on: its tag is missing or wrong, or (verified, yet) its plan
 * does not target its finding's resource (`plan-target`) or is not the inverse of the revert it
 * would undo (`restore-plan`); or it does not fit its schema at all (`malformed`). Reported as a critical "Warden Alert"; never carries a key or a tag.
 * `itemId`: the record id (`wa-…`, `wr-…`), or `<resource> <ruleId>` for an exemption.
 */
export const IntegrityFailureSchema = lazySchema(() => z
  .object({
    family: IntegrityFamilySchema,
    itemId: z.string(),
    check: z.union([IntegrityCheckSchema, z.enum(['plan-target', 'restore-plan', 'malformed'])]),
  })
  .readonly());
export type IntegrityFailure = z.infer<typeof IntegrityFailureSchema>;
