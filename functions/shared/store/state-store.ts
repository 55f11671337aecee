/**
 * The responder's state: finding records (one per event id and finding id: the idempotency key),
 * pending approvals with expiry, and windowed counters for the circuit breaker. Every transition
 * is a conditional write, so concurrent deliveries and double clicks change state exactly once.
 */
import type { RemediationPlan } from '../../../rules/rule';
import type { Finding } from '../engine/engine';
import { WardenError } from '../errors';

/** A write to the state store failed for a reason other than its condition. */
export class StateStoreError extends WardenError {}

/** The record of one finding raised by one event; the claim on it is the idempotency guard. */
export interface FindingRecord {
  readonly findingId: string;
  readonly eventId: string;
  /** `in-progress` while its claimant works on it (until `leaseUntil`), `done` once the outcome is stored. */
  readonly status: 'in-progress' | 'done';
  /** Random token of the claimant: only it may complete or release the claim. */
  readonly owner: string;
  readonly leaseUntil: string;
  readonly createdAt: string;
  readonly finding: Finding;
  readonly outcome?: unknown;
}

export type ClaimResult = { readonly claimed: true; readonly owner: string } | { readonly claimed: false; readonly record: FindingRecord | null };

export type ApprovalStatus = 'pending' | 'expired' | ApprovalDecision;

/** A plan waiting for an approver. Slack buttons carry only `id`; the plan is read from here. */
export interface ApprovalRecord {
  readonly id: string;
  readonly findingId: string;
  readonly eventId: string;
  readonly finding: Finding;
  readonly plan: RemediationPlan;
  readonly status: ApprovalStatus;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  /** `restore` for the record behind a "Restore" button (its plan puts an automatic revert back); absent for approvals. */
  readonly kind?: ApprovalKind;
  /** The plan as the exact API call (rendered when the record was made, so readers need no action code). */
  readonly call?: string;
}

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
  /** Stores the outcome and marks the record done; only the claimant (`owner`) can. */
  completeFinding(input: { findingId: string; eventId: string; owner: string; outcome: unknown; now: Date }): Promise<void>;
  /** Gives a claim back (the work failed and will be retried); only the claimant can. */
  releaseFinding(input: { findingId: string; eventId: string; owner: string }): Promise<void>;
  getFinding(findingId: string, eventId: string): Promise<FindingRecord | null>;

  /** Creates a pending approval; false when one with this id exists already. */
  createApproval(record: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>): Promise<boolean>;
  getApproval(id: string): Promise<ApprovalRecord | null>;
  /** pending → a decision (approved, rejected, quarantined …), exactly once, and only before `expiresAt`. */
  decideApproval(input: { id: string; decision: ApprovalDecision; by: string; now: Date }): Promise<DecisionResult>;
  /** pending → expired, only at or after `expiresAt`; false when it was not pending or not yet expired. */
  expireApproval(input: { id: string; now: Date }): Promise<boolean>;

  /** Adds one to the counter of a window unless it reached `limit`. */
  incrementCounter(input: { name: string; windowStart: Date; windowSeconds: number; limit: number }): Promise<CounterResult>;
  /** Marks a window's counter as tripped; true only for the first caller (one alert per window). */
  markCounterTripped(input: { name: string; windowStart: Date }): Promise<boolean>;

  // ── Decisions from Slack (issue #6, approval endpoint): execution claims and exemptions ─────────
  /**
   * Claims the execution of a decided record's plan: succeeds once, while the record's status is
   * `status` and no execution was claimed (or a claimant's lease ran out before it completed).
   */
  claimExecution(input: { id: string; status: ApprovalDecision; now: Date; leaseSeconds: number }): Promise<ExecutionClaim>;
  /** Stores the execution's outcome status; only the claimant (`owner`) can. */
  completeExecution(input: { id: string; owner: string; outcomeStatus: string; now: Date }): Promise<void>;
  /** Gives an execution claim back (the work threw and will be retried); only the claimant can. */
  releaseExecution(input: { id: string; owner: string }): Promise<void>;
  /**
   * decided → pending again, only while the record holds exactly this decision (same decider, same
   * time) and no execution was claimed: the decision could not be announced, so it must not stand.
   */
  undoDecision(input: { id: string; decision: ApprovalDecision; by: string; decidedAt: string }): Promise<boolean>;
  /** Writes the exemption of a resource from a rule, or extends one in force; never shortens it. */
  putExemption(exemption: StoredExemption): Promise<void>;
  /** The exemption of a resource from a rule that is still in force at `now`, or null. */
  getExemption(input: { resource: string; ruleId: string; now: Date }): Promise<StoredExemption | null>;
}

/** A decision an approver takes on a pending record. */
export type ApprovalDecision = 'approved' | 'rejected' | 'quarantined' | 'rejected-and-exempted' | 'restored';
export type ApprovalKind = 'approval' | 'restore';

export type ExecutionClaim = { readonly claimed: true; readonly owner: string } | { readonly claimed: false };

/** An exemption written by a decision ("Reject and exempt", "Restore"): the resource is not remediated for the rule until `until`. */
export interface StoredExemption {
  readonly resource: string;
  readonly ruleId: string;
  readonly until: string;
  /** Slack user who decided it. */
  readonly by: string;
  /** The approval or restore record it was decided on. */
  readonly recordId: string;
  readonly decision: 'rejected-and-exempted' | 'restored';
  readonly createdAt: string;
}

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
