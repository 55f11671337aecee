/**
 * A stored item that failed its integrity check, as the executor's outcome and the "Warden Alert"
 * carry it: which family, which item, which check. Never a key or a tag.
 */

/**
 * A stored item that must not be acted on: its tag is missing or wrong, or (verified, yet) its plan
 * does not target its finding's resource (`plan-target`) or is not the inverse of the revert it
 * would undo (`restore-plan`). Reported as a critical "Warden Alert"; never carries a key or a tag.
 */
export interface IntegrityFailure {
  readonly family: IntegrityFamily;
  /** The record id (`wa-…`, `wr-…`), or `<resource> <ruleId>` for an exemption. */
  readonly itemId: string;
  readonly check: IntegrityCheck | 'plan-target' | 'restore-plan';
}

/** Which check of an item failed. */
export type IntegrityCheck = 'tag-missing' | 'tag-mismatch';

/**
 * The item families, each with its own key. `record`: approval and restore records (`wa-…`, `wr-…`),
 * written and verified by the responder only. `exemption`: decided exemptions, written by the approval
 * endpoint (Reject and exempt) and the responder (Restore), verified by the responder.
 */
export type IntegrityFamily = 'record' | 'exemption';
