/**
 * The responder's state: finding records (one per event id and finding id: the idempotency key),
 * pending approvals with expiry, and windowed counters for the circuit breaker. Every transition
 * is a conditional write, so concurrent deliveries and double clicks change state exactly once.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { FindingSchema, IsoTimeSchema, type Finding } from '../contract/finding';
import type { ApprovalDecision, ApprovalRecord } from '../contract/approval-record';
import { DecisionDetailSchema, type DecisionDetail } from '../contract/decision';
import { WardenError } from '../errors';
import { ExecutionOutcomeSchema, type ExecutionOutcome } from '../contract/outcome';
import type { DigestAddition, DigestEntry, FunctionDigest } from '../contract/function-digest';

/** A write to the state store failed for a reason other than its condition. */
export class StateStoreError extends WardenError {}

/** An item read back from the table does not fit its schema (stored state is untrusted input): it is not used. */
export class MalformedItemError extends StateStoreError {}

/** The paths of a failed parse, for an error that names what did not fit (never a value). */
export function issuePaths(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((i) => i.path.join('.') || '(item)'))];
}

/** The record of one finding raised by one event; the claim on it is the idempotency guard. */
export const FindingRecordSchema = lazySchema(() => z
  .object({
    findingId: z.string().min(1),
    eventId: z.string().min(1),
    /** `in-progress` while its claimant works on it (until `leaseUntil`), `done` once the outcome is stored. */
    status: z.enum(['in-progress', 'done']),
    /** Random token of the claimant: only it may complete or release the claim. */
    owner: z.string().min(1),
    leaseUntil: IsoTimeSchema,
    createdAt: IsoTimeSchema,
    finding: FindingSchema,
    /** Validated where it is used (`pendingOutcome` in the executor parses it with `ExecutionOutcomeSchema`). */
    outcome: z.unknown().optional(),
    /** `pending`: the outcome is stored but could not be put on the bus; the next delivery publishes it (issue #16). */
    publish: z.literal('pending').optional(),
  })
  .readonly());
export type FindingRecord = z.infer<typeof FindingRecordSchema>;

/**
 * Not claimed: the status of the record that holds the claim (null when it was gone by the time it was looked at),
 * and `unpublished` when that record is done but its outcome still has to be put on the bus (see `markFindingUnpublished`).
 */
export type ClaimResult =
  | { readonly claimed: true; readonly owner: string }
  | { readonly claimed: false; readonly status: FindingRecord['status'] | null; readonly unpublished?: true };

/**
 * `claimFindingChecked`: the claim was taken (and the approval opened, when one was given); the claim was refused
 * (as `claimFinding`); or `claimed: null`: only another part did not hold (a decided exemption is stored, the
 * record exists or another one is open, a conflict with another transaction) and nothing was written.
 */
export type CheckedClaimResult = ClaimResult | { readonly claimed: null; readonly why: 'exemption' | 'approval' | 'conflict' | 'budget' };

/** `claimFindingChecked`'s input: the claim, with the approval to open and the counts to take in the same write. */
export interface CheckedClaimInput {
  readonly finding: Finding;
  readonly eventId: string;
  readonly now: Date;
  readonly leaseSeconds: number;
  readonly approval?: NewRecord;
  readonly counters?: readonly CounterIncrement[];
}

/** One circuit-breaker count to take: `incrementCounter`'s input. */
export interface CounterIncrement {
  readonly name: string;
  readonly windowStart: Date;
  readonly windowSeconds: number;
  readonly limit: number;
}

/** A signed restore record, written with the claim's completion (see `completeFinding`). */
export type NewRecord = Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>;

/**
 * `opened`: the record was created and is its finding's open approval. `exists`: a record with this id
 * was there already (a retried delivery): nothing written. Else another record holds the finding's
 * pointer: `openRecordId` (null when the pointer names none). The pointer only prevents a second
 * question, never causes a change: the caller reads and verifies the record it names.
 */
export type OpenApprovalResult = { readonly opened: true } | { readonly opened: false; readonly exists: true } | { readonly opened: false; readonly exists: false; readonly openRecordId: string | null };

export type DecisionResult =
  | { readonly ok: true; readonly record: ApprovalRecord }
  | { readonly ok: false; readonly reason: 'not-found' | 'already-decided' | 'expired'; readonly record: ApprovalRecord | null };

export interface CounterResult {
  /** True when the increment was taken (the count was below the limit). */
  readonly allowed: boolean;
  readonly count: number;
}

export interface StateStore {
  /**
   * Claims (event id, finding id) for this caller: succeeds when no record exists, or when a
   * previous claimant's lease ran out before it completed (it crashed).
   */
  claimFinding(input: { finding: Finding; eventId: string; now: Date; leaseSeconds: number }): Promise<ClaimResult>;
  /**
   * `claimFinding`, and in the same atomic write (issue #16: one round trip) a check that no decided exemption of the
   * finding's resource and rule is in force at `now` and, with `approval`, `openApproval` of that record (replacing
   * none). All or nothing: anything but the claim failing leaves nothing written, and the caller takes the steps one by one.
   * With `counters`, also `incrementCounter` of each (the circuit breaker's counts, issue #16: no separate writes): when
   * the claim is taken every count is taken; when the claim is held by another delivery none is; when only the exemption
   * check failed, none is (`why: 'exemption'`, as without counters); for any other reason (a counter at its limit, a
   * conflict with another transaction, throttling) nothing is written and the result is `claimed: null, why: 'budget'`:
   * the caller takes the claim and the counts one by one.
   */
  claimFindingChecked(input: CheckedClaimInput): Promise<CheckedClaimResult>;
  /**
   * Stores the outcome and marks the record done; only the claimant (`owner`) can. With `restore`, the signed restore
   * record of the change is created in the same atomic write (issue #16: one call, after the change, never before it).
   */
  completeFinding(input: { findingId: string; eventId: string; owner: string; outcome: unknown; now: Date; restore?: NewRecord }): Promise<void>;
  /**
   * Replaces the stored outcome of a done record (the claimant's, `owner`): an automatic revert completed while its
   * verifying read was running, whose verification then failed. False when the record is not this owner's done one.
   */
  reviseFindingOutcome(input: { findingId: string; eventId: string; owner: string; outcome: unknown }): Promise<boolean>;
  /**
   * The claimant's completed outcome could not be put on the bus: the record stays done (the work is not redone: an
   * automatic revert would find nothing left to revert and its audit event would be lost) and is marked `publish: pending`,
   * so the next delivery publishes the stored outcome. False when the record is not this owner's completed one. With
   * `outcome`, the stored outcome is replaced in the same write (an automatic revert completed while its verification
   * ran: the retry publishes the verification's result, issue #16).
   */
  markFindingUnpublished(input: { findingId: string; eventId: string; owner: string; outcome?: unknown }): Promise<boolean>;
  /**
   * Clears `publish: pending` once the stored outcome is on the bus, and the finding from its event's list of unpublished
   * findings; false when it was not pending (another delivery cleared it).
   */
  markFindingPublished(input: { findingId: string; eventId: string }): Promise<boolean>;
  /**
   * Adds a finding to its event's list of findings whose stored outcome is not yet on the bus. A retried delivery of an
   * event whose revert worked raises no finding any more (the rules judge the current state), so it finds the outcome here.
   */
  addUnpublished(input: { eventId: string; findingId: string; now: Date }): Promise<void>;
  /** The finding ids an event's earlier delivery could not publish (unverified: each names a finding record to read). */
  getUnpublished(eventId: string): Promise<readonly string[]>;
  /**
   * Gives a claim back (the work failed and will be retried); only the claimant can, also after completing it
   * (its outcome could not be published: the retry must do the work again).
   */
  releaseFinding(input: { findingId: string; eventId: string; owner: string }): Promise<void>;
  getFinding(findingId: string, eventId: string): Promise<FindingRecord | null>;

  /** Creates a pending approval; false when one with this id exists already. */
  createApproval(record: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>): Promise<boolean>;
  /**
   * Creates a pending approval and makes it its finding's open approval, in one atomic write: only
   * while no other record is open for the finding (no pointer, a pointer to this record, or one to
   * `replacing`, a record the caller found decided or expired). Otherwise nothing is written.
   */
  openApproval(input: { record: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>; replacing: string | null }): Promise<OpenApprovalResult>;
  getApproval(id: string): Promise<ApprovalRecord | null>;
  /** pending → a decision (approved, rejected, quarantined …), exactly once, and only before `expiresAt`. */
  decideApproval(input: { id: string; decision: ApprovalDecision; by: string; now: Date }): Promise<DecisionResult>;
  /** pending → expired, only at or after `expiresAt`; false when it was not pending or not yet expired. */
  expireApproval(input: { id: string; now: Date }): Promise<boolean>;
  /**
   * pending → closed (the responder, when the detector finding the approval was opened for is archived or
   * resolved): false when it was not pending. A later click finds it decided and changes nothing.
   */
  closeApproval(input: { id: string; now: Date }): Promise<boolean>;
  /** Adds one link (a `DetectorLink` as JSON) to a detector finding's set (the responder; idempotent). */
  linkDetectorFinding(input: { key: string; link: string; now: Date }): Promise<void>;
  /** The links of a detector finding (unverified JSON strings: parse with `DetectorLinkSchema`). */
  getDetectorLinks(key: string): Promise<readonly string[]>;

  /** Adds one to the counter of a window unless it reached `limit`. */
  incrementCounter(input: { name: string; windowStart: Date; windowSeconds: number; limit: number }): Promise<CounterResult>;
  /** Marks a window's counter as tripped; true only for the first caller (one alert per window). */
  markCounterTripped(input: { name: string; windowStart: Date }): Promise<boolean>;
  /**
   * Gives back one count taken by `incrementCounter` (never below zero): the executor takes its counters
   * together and returns the ones it took when another counter was exhausted or the finding was not run.
   */
  releaseCounter(input: { name: string; windowStart: Date }): Promise<void>;

  // ── Notifier (issue #6, Slack messages): notification claims, where each message is, digests ──

  /** Claims one notification (`key` names the event and what it reports); as `claimFinding`: free, or a crashed claimant's lease ran out. */
  claimNotification(input: { key: string; now: Date; leaseSeconds: number }): Promise<NotificationClaim>;
  /** Marks the notification sent; only the claimant can. */
  completeNotification(input: { key: string; owner: string; now: Date }): Promise<void>;
  /** Gives the claim back (sending failed and will be retried); only the claimant can. */
  releaseNotification(input: { key: string; owner: string }): Promise<void>;
  /** Stores where a finding's message is (and, for each of `recordIds`, an index entry from that approval or restore id). */
  putNotifiedMessage(record: NotifiedMessage): Promise<void>;
  getNotifiedMessage(findingId: string, eventId: string): Promise<NotifiedMessage | null>;
  /** The message of the finding an approval or restore record belongs to. */
  getNotifiedMessageByRecord(recordId: string): Promise<NotifiedMessage | null>;
  /** Records a decision or a later outcome on the message; null when no message is stored. */
  updateNotifiedMessage(input: { findingId: string; eventId: string; decision?: DecisionDetail; latest?: ExecutionOutcome; now: Date }): Promise<NotifiedMessage | null>;
  /** Counts one finding of a principal in a channel's digest window (atomically) and returns the window as it is now. */
  addToDigest(input: { principal: string; channel: string; windowStart: Date; windowSeconds: number; ruleId: string; resource: string }): Promise<DigestWindow>;
  /** Records the digest message of a window; false when one was recorded already. */
  setDigestMessage(input: { principal: string; channel: string; windowStart: Date; ts: string }): Promise<boolean>;
  /**
   * Stores one Inspector finding's entry in a function's vulnerability digest (issue #18), atomically: it
   * replaces the entry of the same finding, or adds one while the digest holds fewer than
   * `DIGEST_ENTRIES_MAX`, or else only counts it (`overflow`). Returns the digest as it is now.
   */
  addToFunctionDigest(input: { digestKey: string; channel: string; entryKey: string; entry: DigestEntry; now: Date }): Promise<{ readonly digest: FunctionDigest; readonly addition: DigestAddition }>;
  /**
   * Takes one Inspector finding's entry out of a function's vulnerability digest (issue #18: Inspector
   * closed or suppressed it), atomically: null when the digest does not hold it (never added, only
   * counted, or taken out already — a duplicate delivery), else the digest as it is now.
   */
  removeFromFunctionDigest(input: { digestKey: string; channel: string; entryKey: string; now: Date }): Promise<FunctionDigest | null>;
  /** Takes the right to post a digest's message: only while none is posted and no other delivery holds it (or its lease ran out). Null when taken. */
  claimFunctionDigestPost(input: { digestKey: string; channel: string; now: Date; leaseSeconds: number }): Promise<string | null>;
  /** Records the digest's message (only the claimant, once); returns the digest as it is now, or null. */
  setFunctionDigestMessage(input: { digestKey: string; channel: string; owner: string; ts: string }): Promise<FunctionDigest | null>;
  /** Records the first message of a Warden finding raised from a detector finding (its thread takes the updates); false when one was recorded already. */
  setDetectorMessage(input: { key: string; findingId: string; eventId: string; now: Date }): Promise<boolean>;
  /** The first message of a Warden finding raised from a detector finding, or null. */
  getDetectorMessage(key: string, findingId: string): Promise<NotifiedMessage | null>;

  // ── Decisions from Slack (issue #6, approval endpoint): execution claims and exemptions ─────────
  /**
   * Claims the execution of a decided record's plan: succeeds once, while the record's status is
   * `status` and no execution was claimed (or a claimant's lease ran out before it completed).
   */
  claimExecution(input: { id: string; status: ApprovalDecision; now: Date; leaseSeconds: number }): Promise<ExecutionClaim>;
  /**
   * Stores the execution's outcome before it is published (a retried delivery publishes the stored
   * outcome instead of running the plan again); only the claimant (`owner`) can.
   */
  completeExecution(input: { id: string; owner: string; outcome: ExecutionOutcome; now: Date }): Promise<void>;
  /** Marks a completed execution's outcome as put on the bus; false when it was not completed or was marked already. */
  markExecutionPublished(input: { id: string }): Promise<boolean>;
  /** Gives an execution claim back (the work threw and will be retried); only the claimant can. */
  releaseExecution(input: { id: string; owner: string }): Promise<void>;
  /**
   * decided → pending again, only while the record holds exactly this decision (same decider, same
   * time) and no execution was claimed: the decision could not be announced, so it must not stand.
   */
  undoDecision(input: { id: string; decision: ApprovalDecision; by: string; decidedAt: string }): Promise<boolean>;
  /** Writes the exemption of a resource from a rule, or extends one in force; never shortens it. */
  putExemption(exemption: StoredExemption): Promise<void>;
  /**
   * Ends, at `now`, the exemption of a resource from a rule only while it is the one record
   * `recordId` wrote (a decision that could not stand): false when there is none or another
   * record's. DynamoDB ends it with an UpdateItem (left to TTL), so no DeleteItem is needed.
   */
  deleteExemption(input: { resource: string; ruleId: string; recordId: string; now: Date }): Promise<boolean>;
  /** The exemption of a resource from a rule that is still in force at `now`, or null. */
  getExemption(input: { resource: string; ruleId: string; now: Date }): Promise<ExemptionRead | null>;
}

export type NotificationClaim = { readonly claimed: true; readonly owner: string } | { readonly claimed: false; readonly status: 'in-progress' | 'done' };

/** Where a Slack message is: its channel and `ts`, and the root message its thread replies go under. */
export const SlackMessageRefSchema = lazySchema(() => z
  .object({
    channel: z.string().min(1),
    ts: z.string().min(1),
    /** The message itself, or the digest message it was posted under. */
    threadTs: z.string().min(1),
  })
  .readonly());
export type SlackMessageRef = z.infer<typeof SlackMessageRefSchema>;

/** A finding's Slack message and what it shows (findings and outcomes carry no secret value). */
export const NotifiedMessageSchema = lazySchema(() => z
  .object({
    findingId: z.string().min(1),
    eventId: z.string().min(1),
    message: SlackMessageRefSchema,
    finding: FindingSchema,
    outcome: ExecutionOutcomeSchema,
    /** Approval and restore ids whose buttons the message carries. */
    recordIds: z.array(z.string()).readonly(),
    decision: DecisionDetailSchema.optional(),
    /** The latest outcome reported after the original one (for example the approved plan's result). */
    latest: ExecutionOutcomeSchema.optional(),
    postedAt: IsoTimeSchema,
  })
  .readonly());
export type NotifiedMessage = z.infer<typeof NotifiedMessageSchema>;

/** One principal's findings in one channel within one digest window. */
export interface DigestWindow {
  /** Findings counted in the window, this one included. */
  readonly count: number;
  readonly rules: readonly string[];
  readonly resources: readonly string[];
  /** The digest message's `ts`, once posted. */
  readonly ts?: string;

}


/** A completed execution: its stored outcome, and whether it was put on the bus. */
export interface CompletedExecution {
  readonly outcome: ExecutionOutcome;
  readonly published: boolean;
}

/** Not claimed: `completed` is the stored outcome when the execution is done (null while it runs or when the record does not allow it). */
export type ExecutionClaim = { readonly claimed: true; readonly owner: string } | { readonly claimed: false; readonly completed: CompletedExecution | null };

/** An exemption written by a decision ("Reject and exempt", "Restore"): the resource is not remediated for the rule until `until`. */
export const StoredExemptionSchema = lazySchema(() => z
  .object({
    resource: z.string().min(1),
    ruleId: z.string().min(1),
    until: IsoTimeSchema,
    /** Slack user who decided it. */
    by: z.string().min(1),
    /** The approval or restore record it was decided on. */
    recordId: z.string().min(1),
    decision: z.enum(['rejected-and-exempted', 'restored']),
    createdAt: IsoTimeSchema,
    /** Integrity tag of the exemption's fields (`exemptionFields` in `integrity.ts`), written by the function that decided it. */
    tag: z.string().optional(),
  })
  .readonly());
export type StoredExemption = z.infer<typeof StoredExemptionSchema>;

/**
 * What `getExemption` found: a well-formed exemption in force, or a stored item that does not fit
 * `StoredExemptionSchema` (`malformed`, naming the fields that do not fit): never honoured, reported
 * as an integrity failure by the executor, and never a reason to stop handling the finding.
 */
export type ExemptionRead = StoredExemption | { readonly malformed: readonly string[] };

// ── Per-function views: each function's code gets only the methods its role may call ──────────────
// (the table grants in `infra/central-stack.ts` follow `TABLE_ACCESS` in `table-access.ts`).

/** The responder: finding claims, approval and restore records it creates and runs, exemptions, counters. */
export type ResponderStateStore = Pick<
  StateStore,
  | 'claimFinding'
  | 'claimFindingChecked'
  | 'completeFinding'
  | 'reviseFindingOutcome'
  | 'markFindingUnpublished'
  | 'markFindingPublished'
  | 'addUnpublished'
  | 'getUnpublished'
  | 'releaseFinding'
  | 'getFinding'
  | 'createApproval'
  | 'openApproval'
  | 'getApproval'
  | 'closeApproval'
  | 'linkDetectorFinding'
  | 'getDetectorLinks'
  | 'claimExecution'
  | 'completeExecution'
  | 'markExecutionPublished'
  | 'releaseExecution'
  | 'putExemption'
  | 'deleteExemption'
  | 'getExemption'
  | 'incrementCounter'
  | 'markCounterTripped'
  | 'releaseCounter'
>;

/** The approval endpoint: decisions on records (status fields only) and the exemptions "Reject and exempt" writes. */
export type ApprovalStateStore = Pick<StateStore, 'getApproval' | 'decideApproval' | 'expireApproval' | 'undoDecision' | 'putExemption' | 'deleteExemption'>;

/** The notifier: notification claims, where each message is, digests. */
export type NotifierStateStore = Pick<
  StateStore,
  | 'claimNotification'
  | 'completeNotification'
  | 'releaseNotification'
  | 'putNotifiedMessage'
  | 'getNotifiedMessage'
  | 'getNotifiedMessageByRecord'
  | 'updateNotifiedMessage'
  | 'addToDigest'
  | 'setDigestMessage'
  | 'addToFunctionDigest'
  | 'removeFromFunctionDigest'
  | 'claimFunctionDigestPost'
  | 'setFunctionDigestMessage'
  | 'setDetectorMessage'
  | 'getDetectorMessage'
>;

/** The scheduled scanner: claims of scan findings. */
export type ScannerStateStore = Pick<StateStore, 'claimFinding' | 'completeFinding' | 'releaseFinding'>;

const RESPONDER_METHODS = [
  'claimFinding',
  'claimFindingChecked',
  'completeFinding',
  'reviseFindingOutcome',
  'markFindingUnpublished',
  'markFindingPublished',
  'addUnpublished',
  'getUnpublished',
  'releaseFinding',
  'getFinding',
  'createApproval',
  'openApproval',
  'getApproval',
  'closeApproval',
  'linkDetectorFinding',
  'getDetectorLinks',
  'claimExecution',
  'completeExecution',
  'markExecutionPublished',
  'releaseExecution',
  'putExemption',
  'deleteExemption',
  'getExemption',
  'incrementCounter',
  'markCounterTripped',
  'releaseCounter',
] as const satisfies readonly (keyof ResponderStateStore)[];
const APPROVAL_METHODS = ['getApproval', 'decideApproval', 'expireApproval', 'undoDecision', 'putExemption', 'deleteExemption'] as const satisfies readonly (keyof ApprovalStateStore)[];
const NOTIFIER_METHODS = [
  'claimNotification',
  'completeNotification',
  'releaseNotification',
  'putNotifiedMessage',
  'getNotifiedMessage',
  'getNotifiedMessageByRecord',
  'updateNotifiedMessage',
  'addToDigest',
  'setDigestMessage',
  'addToFunctionDigest',
  'removeFromFunctionDigest',
  'claimFunctionDigestPost',
  'setFunctionDigestMessage',
  'setDetectorMessage',
  'getDetectorMessage',
] as const satisfies readonly (keyof NotifierStateStore)[];
const SCANNER_METHODS = ['claimFinding', 'completeFinding', 'releaseFinding'] as const satisfies readonly (keyof ScannerStateStore)[];

/** The methods of each view, by function (a test checks each against the role's grants). */
export const VIEW_METHODS = { responder: RESPONDER_METHODS, approval: APPROVAL_METHODS, notifier: NOTIFIER_METHODS, scanner: SCANNER_METHODS } as const;

function view<K extends keyof StateStore>(store: StateStore, methods: readonly K[]): Pick<StateStore, K> {
  const out: Partial<Pick<StateStore, K>> = {};
  for (const method of methods) out[method] = (store[method] as (...args: never[]) => unknown).bind(store) as StateStore[K];
  return Object.freeze(out) as Pick<StateStore, K>;
}

/** An object with only the responder's methods (what the deployed wiring hands the responder). */
export const responderView = (store: StateStore): ResponderStateStore => view(store, RESPONDER_METHODS);
export const approvalView = (store: StateStore): ApprovalStateStore => view(store, APPROVAL_METHODS);
export const notifierView = (store: StateStore): NotifierStateStore => view(store, NOTIFIER_METHODS);
export const scannerView = (store: StateStore): ScannerStateStore => view(store, SCANNER_METHODS);

/** Why a decision failed, from the record as it is now. */
export function refusalReason(record: ApprovalRecord | null, now: Date): 'not-found' | 'already-decided' | 'expired' {
  if (record === null) return 'not-found';
  if (record.status !== 'pending') return record.status === 'expired' ? 'expired' : 'already-decided';
  return Date.parse(record.expiresAt) <= now.getTime() ? 'expired' : 'already-decided';
}

/** Findings carry no secret values; this drops `undefined` fields so every store holds the same JSON. */
export function toJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
