/** A `StateStore` in process memory, with the same conditional semantics as the DynamoDB one (tests, CLI). */
import { randomUUID } from 'node:crypto';
import { FindingRecordSchema, issuePaths, MalformedItemError, refusalReason, StoredExemptionSchema, toJson, type CheckedClaimInput, type CheckedClaimResult, type ClaimResult, type CounterResult, type DecisionResult, type DigestWindow, type ExecutionClaim, type ExemptionRead, type FindingRecord, type NewRecord, type NotificationClaim, type NotifiedMessage, type OpenApprovalResult, type StateStore, type StoredExemption } from './state-store';
import type { ApprovalDecision, ApprovalRecord } from '../contract/approval-record';
import type { DecisionDetail } from '../contract/decision';
import type { ExecutionOutcome } from '../contract/outcome';
import { DIGEST_ENTRIES_MAX, type DigestAddition, type DigestEntry, type FunctionDigest } from '../contract/function-digest';

interface ExecutionState {
  readonly state: 'running' | 'done';
  readonly owner: string;
  readonly leaseUntil: string;
  readonly outcome?: ExecutionOutcome;
  readonly published?: boolean;
}

export class InMemoryStateStore implements StateStore {
  private readonly findings = new Map<string, FindingRecord>();
  /** Items written around the store in a shape it never writes (`overwrite`): what the reads see first, as the table would hold them. */
  private readonly malformed = new Map<string, unknown>();
  /** Event id → findings whose stored outcome is not yet published. */
  private readonly unpublished = new Map<string, Set<string>>();
  private readonly approvals = new Map<string, ApprovalRecord>();
  /** The open approval of each finding: finding id → record id. */
  private readonly openApprovals = new Map<string, string>();
  private readonly counters = new Map<string, { count: number; tripped: boolean }>();
  private readonly notifications = new Map<string, { status: 'in-progress' | 'done'; owner: string; leaseUntil: number }>();
  private readonly messages = new Map<string, NotifiedMessage>();
  private readonly messagesByRecord = new Map<string, string>();
  /** Detector finding key → its links (JSON strings). */
  private readonly detectorLinks = new Map<string, Set<string>>();
  /** Detector finding key and Warden finding id → the message key of its first message. */
  private readonly detectorMessages = new Map<string, string>();
  private readonly digests = new Map<string, { count: number; rules: Set<string>; resources: Set<string>; ts?: string }>();
  private readonly functionDigests = new Map<string, StoredFunctionDigest>();

  private readonly executions = new Map<string, ExecutionState>();
  private readonly exemptions = new Map<string, StoredExemption>();

  claimFinding(input: { finding: FindingRecord['finding']; eventId: string; now: Date; leaseSeconds: number }): Promise<ClaimResult> {
    const key = `${input.finding.id}\u0000${input.eventId}`;
    const existing = this.findings.get(key);
    if (existing !== undefined && !(existing.status === 'in-progress' && Date.parse(existing.leaseUntil) < input.now.getTime())) {
      return Promise.resolve({ claimed: false, status: existing.status, ...(existing.status === 'done' && existing.publish === 'pending' ? { unpublished: true as const } : {}) });
    }
    const owner = randomUUID();
    this.findings.set(key, {
      findingId: input.finding.id,
      eventId: input.eventId,
      status: 'in-progress',
      owner,
      leaseUntil: new Date(input.now.getTime() + input.leaseSeconds * 1000).toISOString(),
      createdAt: input.now.toISOString(),
      finding: toJson(input.finding),
    });
    return Promise.resolve({ claimed: true, owner });
  }

  async claimFindingChecked(input: CheckedClaimInput): Promise<CheckedClaimResult> {
    // All conditions first, then all writes, with no await in between (atomic, as the DynamoDB transaction).
    const existing = this.findings.get(`${input.finding.id}\u0000${input.eventId}`);
    if (existing !== undefined && !(existing.status === 'in-progress' && Date.parse(existing.leaseUntil) < input.now.getTime())) return this.claimFinding(input);
    const counters = input.counters ?? [];
    const counted = counters.map((c) => this.counters.get(`${c.name}\u0000${c.windowStart.toISOString()}`)?.count ?? 0);
    if (counters.some((c, i) => (counted[i] ?? 0) >= c.limit)) return { claimed: null, why: 'budget' };
    const exemption = this.exemptions.get(`${input.finding.resource}\u0000${input.finding.ruleId}`);
    if (exemption !== undefined && Date.parse(exemption.until) > input.now.getTime()) return { claimed: null, why: 'exemption' };
    // An item written around the store is judged as DynamoDB's ConditionCheck judges it: its `until` compared as a string.
    const written = this.malformed.get(`exemption\u0000${input.finding.resource}\u0000${input.finding.ruleId}`);
    if (isRecord(written) && typeof written.until === 'string' && written.until > input.now.toISOString()) return { claimed: null, why: 'exemption' };
    const { approval } = input;
    if (approval !== undefined) {
      const open = this.openApprovals.get(approval.findingId);
      if (this.approvals.has(approval.id) || (open !== undefined && open !== approval.id)) return { claimed: null, why: 'approval' };
    }
    const claim = this.claimFinding(input);
    // Counted before anything awaits: no other call sees the claim without its counts.
    for (const counter of counters) void this.incrementCounter(counter);
    if (approval !== undefined) await this.openApproval({ record: approval, replacing: null });
    return claim;
  }

  markFindingUnpublished(input: { findingId: string; eventId: string; owner: string; outcome?: unknown }): Promise<boolean> {
    const key = `${input.findingId}\u0000${input.eventId}`;
    const existing = this.findings.get(key);
    if (existing?.status !== 'done' || existing.owner !== input.owner) return Promise.resolve(false);
    this.findings.set(key, { ...existing, publish: 'pending', ...(input.outcome === undefined ? {} : { outcome: toJson(input.outcome) }) });
    return Promise.resolve(true);
  }

  markFindingPublished(input: { findingId: string; eventId: string }): Promise<boolean> {
    const key = `${input.findingId}\u0000${input.eventId}`;
    const existing = this.findings.get(key);
    if (existing?.publish !== 'pending') return Promise.resolve(false);
    const cleared: FindingRecord = { ...existing };
    delete (cleared as { publish?: 'pending' }).publish;
    this.findings.set(key, cleared);
    this.unpublished.get(input.eventId)?.delete(input.findingId);
    return Promise.resolve(true);
  }

  addUnpublished(input: { eventId: string; findingId: string; now: Date }): Promise<void> {
    this.unpublished.set(input.eventId, (this.unpublished.get(input.eventId) ?? new Set()).add(input.findingId));
    return Promise.resolve();
  }

  getUnpublished(eventId: string): Promise<readonly string[]> {
    return Promise.resolve([...(this.unpublished.get(eventId) ?? [])].sort());
  }

  async completeFinding(input: { findingId: string; eventId: string; owner: string; outcome: unknown; now: Date; restore?: NewRecord }): Promise<void> {
    const key = `${input.findingId}\u0000${input.eventId}`;
    const existing = this.findings.get(key);
    if (existing?.status === 'in-progress' && existing.owner === input.owner) {
      this.findings.set(key, { ...existing, status: 'done', outcome: toJson(input.outcome) });
      if (input.restore !== undefined) await this.createApproval(input.restore);
    }
  }

  reviseFindingOutcome(input: { findingId: string; eventId: string; owner: string; outcome: unknown }): Promise<boolean> {
    const key = `${input.findingId}\u0000${input.eventId}`;
    const existing = this.findings.get(key);
    if (existing?.status !== 'done' || existing.owner !== input.owner) return Promise.resolve(false);
    this.findings.set(key, { ...existing, outcome: toJson(input.outcome) });
    return Promise.resolve(true);
  }

  releaseFinding(input: { findingId: string; eventId: string; owner: string }): Promise<void> {
    const key = `${input.findingId}\u0000${input.eventId}`;
    const existing = this.findings.get(key);
    if (existing?.owner === input.owner) this.findings.delete(key);
    return Promise.resolve();
  }

  getFinding(findingId: string, eventId: string): Promise<FindingRecord | null> {
    // As the DynamoDB store: a record read back is parsed; one that does not fit is a `MalformedItemError`, not used.
    const stored: unknown = this.malformed.get(`finding\u0000${findingId}\u0000${eventId}`) ?? this.findings.get(`${findingId}\u0000${eventId}`);
    if (stored === undefined) return Promise.resolve(null);
    const parsed = FindingRecordSchema.safeParse(stored);
    if (!parsed.success) return Promise.reject(new MalformedItemError(`Stored finding record ${findingId} of event ${eventId} is malformed (${issuePaths(parsed.error).join(', ')}): not used`));
    return Promise.resolve(parsed.data);
  }

  createApproval(record: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>): Promise<boolean> {
    if (this.approvals.has(record.id)) return Promise.resolve(false);
    this.approvals.set(record.id, toJson({ ...record, status: 'pending' }));
    return Promise.resolve(true);
  }

  openApproval(input: { record: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>; replacing: string | null }): Promise<OpenApprovalResult> {
    const { record } = input;
    if (this.approvals.has(record.id)) return Promise.resolve({ opened: false, exists: true });
    const open = this.openApprovals.get(record.findingId);
    if (open !== undefined && open !== record.id && open !== input.replacing) return Promise.resolve({ opened: false, exists: false, openRecordId: open });
    this.approvals.set(record.id, toJson({ ...record, status: 'pending' }));
    this.openApprovals.set(record.findingId, record.id);
    return Promise.resolve({ opened: true });
  }

  getApproval(id: string): Promise<ApprovalRecord | null> {
    return Promise.resolve(this.approvals.get(id) ?? null);
  }

  decideApproval(input: { id: string; decision: ApprovalDecision; by: string; now: Date }): Promise<DecisionResult> {
    const record = this.approvals.get(input.id) ?? null;
    if (record?.status !== 'pending' || Date.parse(record.expiresAt) <= input.now.getTime()) {
      return Promise.resolve({ ok: false, reason: refusalReason(record, input.now), record });
    }
    const decided: ApprovalRecord = { ...record, status: input.decision, decidedBy: input.by, decidedAt: input.now.toISOString() };
    this.approvals.set(input.id, decided);
    return Promise.resolve({ ok: true, record: decided });
  }

  expireApproval(input: { id: string; now: Date }): Promise<boolean> {
    const record = this.approvals.get(input.id);
    if (record?.status !== 'pending' || Date.parse(record.expiresAt) > input.now.getTime()) return Promise.resolve(false);
    this.approvals.set(input.id, { ...record, status: 'expired' });
    return Promise.resolve(true);
  }

  closeApproval(input: { id: string; now: Date }): Promise<boolean> {
    const record = this.approvals.get(input.id);
    if (record?.status !== 'pending') return Promise.resolve(false);
    this.approvals.set(input.id, { ...record, status: 'closed', decidedAt: input.now.toISOString() });
    return Promise.resolve(true);
  }

  linkDetectorFinding(input: { key: string; link: string; now: Date }): Promise<void> {
    this.detectorLinks.set(input.key, (this.detectorLinks.get(input.key) ?? new Set<string>()).add(input.link));
    return Promise.resolve();
  }

  getDetectorLinks(key: string): Promise<readonly string[]> {
    return Promise.resolve([...(this.detectorLinks.get(key) ?? [])].sort());
  }

  incrementCounter(input: { name: string; windowStart: Date; windowSeconds: number; limit: number }): Promise<CounterResult> {
    const key = `${input.name}\u0000${input.windowStart.toISOString()}`;
    const counter = this.counters.get(key) ?? { count: 0, tripped: false };
    if (counter.count >= input.limit) return Promise.resolve({ allowed: false, count: counter.count });
    this.counters.set(key, { ...counter, count: counter.count + 1 });
    return Promise.resolve({ allowed: true, count: counter.count + 1 });
  }

  markCounterTripped(input: { name: string; windowStart: Date }): Promise<boolean> {
    const key = `${input.name}\u0000${input.windowStart.toISOString()}`;
    const counter = this.counters.get(key) ?? { count: 0, tripped: false };
    if (counter.tripped) return Promise.resolve(false);
    this.counters.set(key, { ...counter, tripped: true });
    return Promise.resolve(true);
  }

  releaseCounter(input: { name: string; windowStart: Date }): Promise<void> {
    const key = `${input.name}\u0000${input.windowStart.toISOString()}`;
    const counter = this.counters.get(key);
    if (counter !== undefined && counter.count > 0) this.counters.set(key, { ...counter, count: counter.count - 1 });
    return Promise.resolve();
  }

  // ── Notifier (issue #6, Slack messages) ──

  claimNotification(input: { key: string; now: Date; leaseSeconds: number }): Promise<NotificationClaim> {
    const existing = this.notifications.get(input.key);
    if (existing !== undefined && !(existing.status === 'in-progress' && existing.leaseUntil < input.now.getTime())) {
      return Promise.resolve({ claimed: false, status: existing.status });
    }
    const owner = randomUUID();
    this.notifications.set(input.key, { status: 'in-progress', owner, leaseUntil: input.now.getTime() + input.leaseSeconds * 1000 });
    return Promise.resolve({ claimed: true, owner });
  }

  completeNotification(input: { key: string; owner: string; now: Date }): Promise<void> {
    const existing = this.notifications.get(input.key);
    if (existing?.status === 'in-progress' && existing.owner === input.owner) this.notifications.set(input.key, { ...existing, status: 'done' });
    return Promise.resolve();
  }

  releaseNotification(input: { key: string; owner: string }): Promise<void> {
    const existing = this.notifications.get(input.key);
    if (existing?.status === 'in-progress' && existing.owner === input.owner) this.notifications.set(input.key, { ...existing, leaseUntil: 0 });
    return Promise.resolve();
  }

  putNotifiedMessage(record: NotifiedMessage): Promise<void> {
    const key = `${record.findingId}\u0000${record.eventId}`;
    this.messages.set(key, toJson(record));
    for (const id of record.recordIds) this.messagesByRecord.set(id, key);
    return Promise.resolve();
  }

  getNotifiedMessage(findingId: string, eventId: string): Promise<NotifiedMessage | null> {
    return Promise.resolve(this.messages.get(`${findingId}\u0000${eventId}`) ?? null);
  }

  getNotifiedMessageByRecord(recordId: string): Promise<NotifiedMessage | null> {
    const key = this.messagesByRecord.get(recordId);
    return Promise.resolve(key === undefined ? null : (this.messages.get(key) ?? null));
  }

  updateNotifiedMessage(input: { findingId: string; eventId: string; decision?: DecisionDetail; latest?: ExecutionOutcome; now: Date }): Promise<NotifiedMessage | null> {
    const key = `${input.findingId}\u0000${input.eventId}`;
    const existing = this.messages.get(key);
    if (existing === undefined) return Promise.resolve(null);
    const updated: NotifiedMessage = toJson({
      ...existing,
      ...(input.decision === undefined ? {} : { decision: input.decision }),
      ...(input.latest === undefined ? {} : { latest: input.latest }),
    });
    this.messages.set(key, updated);
    return Promise.resolve(updated);
  }

  addToDigest(input: { principal: string; channel: string; windowStart: Date; windowSeconds: number; ruleId: string; resource: string }): Promise<DigestWindow> {
    const key = `${input.principal}\u0000${input.channel}\u0000${input.windowStart.toISOString()}`;
    const digest = this.digests.get(key) ?? { count: 0, rules: new Set<string>(), resources: new Set<string>() };
    digest.count += 1;
    digest.rules.add(input.ruleId);
    digest.resources.add(input.resource);
    this.digests.set(key, digest);
    return Promise.resolve({ count: digest.count, rules: [...digest.rules].sort(), resources: [...digest.resources].sort(), ...(digest.ts === undefined ? {} : { ts: digest.ts }) });
  }

  setDetectorMessage(input: { key: string; findingId: string; eventId: string; now: Date }): Promise<boolean> {
    const key = `${input.key}\u0000${input.findingId}`;
    if (this.detectorMessages.has(key)) return Promise.resolve(false);
    this.detectorMessages.set(key, `${input.findingId}\u0000${input.eventId}`);
    return Promise.resolve(true);
  }

  getDetectorMessage(key: string, findingId: string): Promise<NotifiedMessage | null> {
    const message = this.detectorMessages.get(`${key}\u0000${findingId}`);
    return Promise.resolve(message === undefined ? null : (this.messages.get(message) ?? null));
  }

  setDigestMessage(input: { principal: string; channel: string; windowStart: Date; ts: string }): Promise<boolean> {
    const digest = this.digests.get(`${input.principal}\u0000${input.channel}\u0000${input.windowStart.toISOString()}`);
    if (digest === undefined || digest.ts !== undefined) return Promise.resolve(false);
    digest.ts = input.ts;
    return Promise.resolve(true);
  }

  addToFunctionDigest(input: { digestKey: string; channel: string; entryKey: string; entry: DigestEntry; now: Date }): Promise<{ readonly digest: FunctionDigest; readonly addition: DigestAddition }> {
    const key = `${input.digestKey}\u0000${input.channel}`;
    const digest = this.functionDigests.get(key) ?? { entries: new Map<string, DigestEntry>(), overflow: 0 };
    this.functionDigests.set(key, digest);
    let addition: DigestAddition;
    if (digest.entries.has(input.entryKey)) addition = 'replaced';
    else if (digest.entries.size < DIGEST_ENTRIES_MAX) addition = 'added';
    else addition = 'counted';
    if (addition === 'counted') digest.overflow += 1;
    else digest.entries.set(input.entryKey, toJson(input.entry));
    return Promise.resolve({ digest: functionDigestOf(digest), addition });
  }

  removeFromFunctionDigest(input: { digestKey: string; channel: string; entryKey: string; now: Date }): Promise<FunctionDigest | null> {
    const digest = this.functionDigests.get(`${input.digestKey}\u0000${input.channel}`);
    if (digest?.entries.delete(input.entryKey) !== true) return Promise.resolve(null);
    return Promise.resolve(functionDigestOf(digest));
  }

  claimFunctionDigestPost(input: { digestKey: string; channel: string; now: Date; leaseSeconds: number }): Promise<string | null> {
    const digest = this.functionDigests.get(`${input.digestKey}\u0000${input.channel}`);
    if (digest === undefined || digest.ts !== undefined || (digest.poster !== undefined && Date.parse(digest.poster.until) >= input.now.getTime())) return Promise.resolve(null);
    const owner = randomUUID();
    digest.poster = { owner, until: new Date(input.now.getTime() + input.leaseSeconds * 1000).toISOString() };
    return Promise.resolve(owner);
  }

  setFunctionDigestMessage(input: { digestKey: string; channel: string; owner: string; ts: string }): Promise<FunctionDigest | null> {
    const digest = this.functionDigests.get(`${input.digestKey}\u0000${input.channel}`);
    if (digest?.poster?.owner !== input.owner || digest.ts !== undefined) return Promise.resolve(null);
    digest.ts = input.ts;
    delete digest.poster;
    return Promise.resolve(functionDigestOf(digest));
  }

  // ── Decisions from Slack (issue #6, approval endpoint): execution claims and exemptions ─────────

  claimExecution(input: { id: string; status: ApprovalDecision; now: Date; leaseSeconds: number }): Promise<ExecutionClaim> {
    const record = this.approvals.get(input.id);
    const execution = this.executions.get(input.id);
    const free = execution === undefined || (execution.state === 'running' && Date.parse(execution.leaseUntil) < input.now.getTime());
    if (record?.status !== input.status || !free) {
      const completed = record?.status === input.status && execution?.state === 'done' && execution.outcome !== undefined ? { outcome: execution.outcome, published: execution.published === true } : null;
      return Promise.resolve({ claimed: false, completed });
    }
    const owner = randomUUID();
    this.executions.set(input.id, { state: 'running', owner, leaseUntil: new Date(input.now.getTime() + input.leaseSeconds * 1000).toISOString() });
    return Promise.resolve({ claimed: true, owner });
  }

  completeExecution(input: { id: string; owner: string; outcome: ExecutionOutcome; now: Date }): Promise<void> {
    const execution = this.executions.get(input.id);
    if (execution?.state === 'running' && execution.owner === input.owner) this.executions.set(input.id, { ...execution, state: 'done', outcome: toJson(input.outcome), published: false });
    return Promise.resolve();
  }

  markExecutionPublished(input: { id: string }): Promise<boolean> {
    const execution = this.executions.get(input.id);
    if (execution?.state !== 'done' || execution.published !== false) return Promise.resolve(false);
    this.executions.set(input.id, { ...execution, published: true });
    return Promise.resolve(true);
  }

  releaseExecution(input: { id: string; owner: string }): Promise<void> {
    const execution = this.executions.get(input.id);
    if (execution?.state === 'running' && execution.owner === input.owner) this.executions.delete(input.id);
    return Promise.resolve();
  }

  undoDecision(input: { id: string; decision: ApprovalDecision; by: string; decidedAt: string }): Promise<boolean> {
    const record = this.approvals.get(input.id);
    if (record?.status !== input.decision || record.decidedBy !== input.by || record.decidedAt !== input.decidedAt || this.executions.has(input.id)) {
      return Promise.resolve(false);
    }
    const pending: ApprovalRecord = toJson({ ...record, status: 'pending', decidedBy: undefined, decidedAt: undefined });
    this.approvals.set(input.id, pending);
    return Promise.resolve(true);
  }

  putExemption(exemption: StoredExemption): Promise<void> {
    const key = `${exemption.resource}\u0000${exemption.ruleId}`;
    const existing = this.exemptions.get(key);
    if (existing === undefined || existing.until < exemption.until) this.exemptions.set(key, toJson(exemption));
    return Promise.resolve();
  }

  deleteExemption(input: { resource: string; ruleId: string; recordId: string; now: Date }): Promise<boolean> {
    const key = `${input.resource}\u0000${input.ruleId}`;
    if (this.exemptions.get(key)?.recordId !== input.recordId) return Promise.resolve(false);
    this.exemptions.delete(key);
    return Promise.resolve(true);
  }

  getExemption(input: { resource: string; ruleId: string; now: Date }): Promise<ExemptionRead | null> {
    // As the DynamoDB store: what is read back is parsed, and an item that does not fit is reported, not thrown.
    const stored: unknown = this.malformed.get(`exemption\u0000${input.resource}\u0000${input.ruleId}`) ?? this.exemptions.get(`${input.resource}\u0000${input.ruleId}`);
    if (stored === undefined) return Promise.resolve(null);
    const parsed = StoredExemptionSchema.safeParse(stored);
    if (!parsed.success) return Promise.resolve({ malformed: issuePaths(parsed.error) });
    return Promise.resolve(Date.parse(parsed.data.until) > input.now.getTime() ? parsed.data : null);
  }

  /**
   * Replaces a stored approval or restore record, or a decided exemption, as a direct write to the
   * table by someone else would (tests and simulations of stored-state tampering): no condition, no tag.
   */
  overwrite(
    item:
      | { readonly approval: ApprovalRecord }
      | { readonly exemption: StoredExemption }
      | { readonly malformedExemption: { readonly resource: string; readonly ruleId: string; readonly [field: string]: unknown } }
      | { readonly findingRecord: { readonly findingId: string; readonly eventId: string; readonly [field: string]: unknown } },
  ): void {
    if ('approval' in item) this.approvals.set(item.approval.id, toJson(item.approval));
    else if ('findingRecord' in item) this.malformed.set(`finding\u0000${item.findingRecord.findingId}\u0000${item.findingRecord.eventId}`, toJson(item.findingRecord));
    else if ('exemption' in item) this.exemptions.set(`${item.exemption.resource}\u0000${item.exemption.ruleId}`, toJson(item.exemption));
    else this.malformed.set(`exemption\u0000${item.malformedExemption.resource}\u0000${item.malformedExemption.ruleId}`, toJson(item.malformedExemption));
  }
}

interface StoredFunctionDigest {
  readonly entries: Map<string, DigestEntry>;
  overflow: number;
  ts?: string;
  poster?: { readonly owner: string; readonly until: string };
}

function functionDigestOf(digest: StoredFunctionDigest): FunctionDigest {
  return { entries: Object.fromEntries([...digest.entries.entries()].map(([k, v]) => [k, toJson(v)])), overflow: digest.overflow, ...(digest.ts === undefined ? {} : { ts: digest.ts }) };
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}
