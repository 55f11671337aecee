/** A `StateStore` in process memory, with the same conditional semantics as the DynamoDB one (tests, CLI). */
import { randomUUID } from 'node:crypto';
import {
  refusalReason,
  toJson,
  type ApprovalRecord,
  type ClaimResult,
  type CounterResult,
  type DecisionResult,
  type FindingRecord,
  type StateStore,
} from './state-store';

export class InMemoryStateStore implements StateStore {
  private readonly findings = new Map<string, FindingRecord>();
  private readonly approvals = new Map<string, ApprovalRecord>();
  private readonly counters = new Map<string, { count: number; tripped: boolean }>();

  claimFinding(input: { finding: FindingRecord['finding']; eventId: string; now: Date; leaseSeconds: number }): Promise<ClaimResult> {
    const key = `${input.finding.id}\u0000${input.eventId}`;
    const existing = this.findings.get(key);
    if (existing !== undefined && !(existing.status === 'in-progress' && Date.parse(existing.leaseUntil) < input.now.getTime())) {
      return Promise.resolve({ claimed: false, record: existing });
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

  completeFinding(input: { findingId: string; eventId: string; owner: string; outcome: unknown; now: Date }): Promise<void> {
    const key = `${input.findingId}\u0000${input.eventId}`;
    const existing = this.findings.get(key);
    if (existing?.status === 'in-progress' && existing.owner === input.owner) {
      this.findings.set(key, { ...existing, status: 'done', outcome: toJson(input.outcome) });
    }
    return Promise.resolve();
  }

  releaseFinding(input: { findingId: string; eventId: string; owner: string }): Promise<void> {
    const key = `${input.findingId}\u0000${input.eventId}`;
    const existing = this.findings.get(key);
    if (existing?.status === 'in-progress' && existing.owner === input.owner) this.findings.delete(key);
    return Promise.resolve();
  }

  getFinding(findingId: string, eventId: string): Promise<FindingRecord | null> {
    return Promise.resolve(this.findings.get(`${findingId}\u0000${eventId}`) ?? null);
  }

  createApproval(record: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>): Promise<boolean> {
    if (this.approvals.has(record.id)) return Promise.resolve(false);
    this.approvals.set(record.id, toJson({ ...record, status: 'pending' }));
    return Promise.resolve(true);
  }

  getApproval(id: string): Promise<ApprovalRecord | null> {
    return Promise.resolve(this.approvals.get(id) ?? null);
  }

  decideApproval(input: { id: string; decision: 'approved' | 'rejected'; by: string; now: Date }): Promise<DecisionResult> {
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
}
