/**
 * The remediation executor: the one place where findings turn into changes. Claims the finding
 * (idempotency), applies exemptions and self-protection, then by mode alerts, creates a pending
 * approval, or — within the circuit breaker's budget and unless in dry-run — executes and verifies.
 */
import { createHash } from 'node:crypto';
import type { RemediationPlan, Finding } from '../contract/finding';
import type { WardenConfig } from '../config/config';
import { AccountNotInOrganizationError } from '../aws/credentials';
import type { ActionClients, ActionOutcome } from '../remediation/action';
import { ACTIONS } from '../remediation/actions';
import { Integrity, recordFields } from '../store/integrity';
import type { IntegrityFailure } from '../contract/integrity-failure';
import { MalformedItemError, StateStoreError, type CounterIncrement, type ExemptionRead, type FindingRecord, type NewRecord, type ResponderStateStore } from '../store/state-store';
import { type ApprovalRecord } from '../contract/approval-record';
import { decidedExemption, exemptionFor } from './exemptions';
import { EXEMPT_TAG, honouredExemptionTags } from '../exemption/exemption-tags';
import { inversePlan, RESTORE_EXPIRY_DAYS } from './inverse-plans';
import { describePlanBlock, planBlock } from './plan-guard';
import type { TagsOf } from './resource-tags';
import { breakerScopeText, ExecutionOutcomeSchema, type BreakerScope, type ExecutionOutcome } from '../contract/outcome';

export const CIRCUIT_BREAKER_COUNTER = 'auto-remediations';

/** How many times the executor tries to open a finding's approval while other deliveries keep replacing its pointer. */
const OPEN_APPROVAL_ATTEMPTS = 3;

/**
 * The counters an automatic remediation of a finding draws on, in the order they are taken: the principal whose
 * change it reverts (when known), the finding's account, then the organization. Each has its own limit and
 * trips (and alerts) on its own, so one account's or one principal's burst never holds back another account.
 */
export function breakerCounters(finding: Pick<Finding, 'account' | 'actor'>, limits: WardenConfig['circuitBreaker']): readonly { readonly scope: BreakerScope; readonly key: string; readonly name: string; readonly limit: number }[] {
  const principal = finding.actor?.sessionIssuerArn ?? finding.actor?.arn;
  return [
    ...(principal === undefined ? [] : [{ scope: 'principal' as const, key: principal, name: `${CIRCUIT_BREAKER_COUNTER}#principal#${principal}`, limit: limits.maxPerPrincipal }]),
    { scope: 'account', key: finding.account, name: `${CIRCUIT_BREAKER_COUNTER}#account#${finding.account}`, limit: limits.maxRemediations },
    { scope: 'global', key: 'global', name: `${CIRCUIT_BREAKER_COUNTER}#global`, limit: limits.maxGlobal },
  ];
}

export interface ExecutorOptions {
  readonly config: WardenConfig;
  readonly store: ResponderStateStore;
  /**
   * The keys that sign the approval and restore records this executor creates and verify decided
   * exemptions (deployed: from Secrets Manager). Default: random keys of this process, for stores
   * that live in memory only (tests, `warden simulate`).
   */
  readonly integrity?: Integrity;
  /**
   * Clients for the finding's account and region.
   * @throws AccountNotInOrganizationError for an account outside the organization.
   */
  readonly clientsFor: (account: string, region: string, findingId: string) => ActionClients | Promise<ActionClients>;
  readonly now?: () => Date;
  /** How long a claim protects a finding from other deliveries (default 900 s, the Lambda maximum). */
  readonly leaseSeconds?: number;
  /** Reads the resource's tags when the event's evaluation did not (only for findings that plan a change). */
  readonly tagsOf?: TagsOf;
  /**
   * Starts the finding's remediation session (deployed: the AssumeRole of `warden-<finding id>`, cached for
   * `clientsFor`) while the claim and the exemption are read, for a finding that will probably run
   * automatically. A failure here is ignored: the plan's own calls ask again and report it.
   */
  readonly prepareSession?: (account: string, region: string, findingId: string) => Promise<unknown>;
}

/** A circuit-breaker counter (see {@link breakerCounters}). */
type BreakerCounter = ReturnType<typeof breakerCounters>[number];

/** The counts an automatic remediation asks for, in one window (see {@link breakerCounters}). */
interface BudgetRequest {
  readonly windowStart: Date;
  readonly counters: readonly BreakerCounter[];
  readonly increments: readonly CounterIncrement[];
}

/**
 * How an outcome is published: `first` (the finding's events) or `follow-up` (issue #16: an automatic revert's outcome was
 * published while its verifying read ran, and that read then found the change did not hold or could not be made; only
 * its "Warden Remediation" goes out, so the finding's Slack thread says so).
 */
export type PublishKind = 'first' | 'follow-up';

/** The budget taken for a finding: the counts it holds, and the first exhausted counter, if any. */
interface Budget {
  readonly windowStart: Date;
  /** Counters whose count this finding holds (given back when the plan is not run). */
  readonly held: readonly BreakerCounter[];
  readonly exhausted: BreakerCounter | null;
}

/**
 * Store work started together with the claim (issue #16): for a finding that would run automatically, the
 * circuit-breaker budget; and the decided exemption, as the claim's transaction checked it (none in force) or as
 * read beside a claim taken alone. Both are settled whether or not they are used.
 */
interface AheadOfClaim {
  storedExemption: Promise<ExemptionRead | null> | null;
  budget: Promise<Budget> | null;
  /** Set once the budget was spent on a run, or on a pending approval because a counter was exhausted. */
  spent: boolean;
  /** The approval record the claim's transaction opened (approve mode, when nothing else could stop it). */
  opened?: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>;
  /** Counts to take in the claim's transaction (a finding that would run automatically), when they are. */
  readonly request: BudgetRequest | null;
  /** The signed restore record of a change made: written with the claim's completion (issue #16). */
  restore?: NewRecord;
  /** The change's verification, still running when the outcome is published and stored (see `ExecutionOutcome.verification`). */
  verification?: Promise<ExecutionOutcome>;
}

/** Marks a promise as handled (it is awaited later, or its failure does not matter) without changing it. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

export interface FindingContext {
  readonly eventId: string;
  /** The resource's tags, when read (for `warden:exempt`). */
  readonly tags?: Readonly<Record<string, string>> | null;
  /**
   * The `warden:exempt*` tags the resource's last-known-good baseline holds (null or absent: none).
   * A tag exempts only when the resource still carries exactly these: one added or changed since
   * (seconds after a malicious change, say) does not count.
   */
  readonly baselineExemptionTags?: Readonly<Record<string, string>> | null;
}

/** The pending approval id of a finding raised by an event: opaque, stable, not guessable from outside. */
export function approvalId(findingId: string, eventId: string): string {
  return `wa-${createHash('sha256').update(`${findingId}\u0000${eventId}`).digest('hex').slice(0, 24)}`;
}

/** The restore record id of an automatic revert: opaque and stable, like `approvalId`. */
export function restoreId(findingId: string, eventId: string): string {
  return `wr-${createHash('sha256').update(`restore\u0000${findingId}\u0000${eventId}`).digest('hex').slice(0, 24)}`;
}

function errorSummary(e: unknown): { name: string; message: string } {
  return e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: 'unknown error' };
}

/**
 * @example
 * const executor = new Executor({ config, store, clientsFor: (a, r, id) => actionClients(clients, a, r, id) });
 * const outcome = await executor.handle(finding, { eventId, tags });
 * if (outcome.status !== 'duplicate') await publish(finding, outcome);
 */
export class Executor {
  private readonly now: () => Date;
  /** Signs the records this executor creates; the decision runner verifies them with it. */
  readonly integrity: Integrity;

  constructor(private readonly options: ExecutorOptions) {
    this.now = options.now ?? (() => new Date());
    this.integrity = options.integrity ?? Integrity.ephemeral();
  }

  /**
   * Handles one finding of one event exactly once across deliveries. `publish` runs together with the claim's
   * completion; if the outcome could not be stored, the claim is released and the error rethrown, so a retried
   * delivery does the work again; if only the publish failed, the stored outcome is published by the retry.
   * The returned outcome is what the executor knows when it returns: for an automatic revert published while its
   * verification ran, the verification's result (`verification: held`, or the follow-up that was published).
   */
  async handle(finding: Finding, context: FindingContext, publish?: (outcome: ExecutionOutcome, kind: PublishKind) => Promise<void>): Promise<ExecutionOutcome> {
    const { store } = this.options;
    const base = { finding, eventId: context.eventId, leaseSeconds: this.options.leaseSeconds ?? 900 };
    // A finding that plans a change is claimed in one transaction with the check that no decided exemption is in force,
    // in approve mode, when nothing else can stop it, with its approval record, and when it would run automatically with
    // its circuit-breaker counts (issue #16: one round trip, one call).
    const checked = finding.remediation !== null && finding.mode !== 'alert';
    const approval = checked ? await this.approvalOpenedWithClaim(finding, context) : undefined;
    // The session starts together with the claim; nothing changes an account before it is taken.
    const ahead = this.startAhead(finding);
    const request = checked ? ahead.request : null;
    const claiming = checked
      ? store.claimFindingChecked({ ...base, now: this.now(), ...(approval === undefined ? {} : { approval }), ...(request === null ? {} : { counters: request.increments }) })
      : store.claimFinding({ ...base, now: this.now() });
    let claim = await claiming;
    if (claim.claimed === true && request !== null) ahead.budget = Promise.resolve({ windowStart: request.windowStart, held: request.counters, exhausted: null });
    if (claim.claimed === null && claim.why === 'budget' && request !== null) {
      // A counter at its limit, a conflict on the organization's counter, throttling: the claim and the counts one by one
      // (the path before #16), so the breaker's semantics and its reliability under bursts are the same as before.
      ahead.budget = settledLater(this.takeCounters(request));
      claim = await store.claimFindingChecked({ ...base, now: this.now() });
    }
    if (claim.claimed === null) {
      // An exemption is stored (it is read and verified), another approval is open, or a conflict: one step at a time.
      const now = this.now();
      ahead.storedExemption = settledLater(store.getExemption({ resource: finding.resource, ruleId: finding.ruleId, now }));
      claim = await store.claimFinding({ ...base, now });
    } else if (claim.claimed) {
      ahead.storedExemption = checked ? Promise.resolve(null) : null;
      if (approval !== undefined) ahead.opened = approval;
    }
    if (!claim.claimed) {
      // The exemption read started with the claim is settled too: nothing is left in flight when the handler returns.
      await Promise.all([this.giveBack(ahead), ahead.storedExemption?.catch(() => null)]);
      if (claim.unpublished === true) {
        const republished = await this.republish(finding, context.eventId, publish);
        if (republished !== null) return republished;
      }
      return this.outcome(finding, context.eventId, { status: 'duplicate', detail: `already ${claim.status === 'done' ? 'handled' : 'being handled'} by another delivery` });
    }
    const owner = claim.owner;
    const key = { findingId: finding.id, eventId: context.eventId, owner };
    let completed = false;
    // The verification's result when it ran beside publishing (`ahead.verification`): the outcome a retry must publish.
    let verified: ExecutionOutcome | undefined;
    try {
      const failures: IntegrityFailure[] = [];
      const decided = await this.decide(finding, context, failures, ahead);
      const outcome = failures.length === 0 ? decided : { ...decided, integrityFailures: failures };
      // Published and completed together (issue #16), beside the change's verifying read when it is still running; every
      // write is settled before anything is given back.
      const [published, completion, givenBack, verification] = await Promise.allSettled([
        (async () => publish?.(outcome, 'first'))(),
        store.completeFinding({ ...key, outcome, now: this.now(), ...(ahead.restore === undefined ? {} : { restore: ahead.restore }) }),
        ahead.spent ? undefined : this.giveBack(ahead),
        ahead.verification,
      ]);
      completed = completion.status === 'fulfilled';
      if (verification.status === 'fulfilled' && verification.value !== undefined) verified = this.verificationResult(outcome, verification.value);
      // The plan's run threw after the change (not an AWS error, which it reports): the change is unconfirmed, and said so.
      if (verification.status === 'rejected') verified = this.verificationResult(outcome, { ...outcome, status: 'failed', detail: errorSummary(verification.reason).message, error: errorSummary(verification.reason), at: this.now().toISOString() });
      const failed = [published, completion, givenBack].find((result) => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      if (verified?.verification !== 'failed') return verified ?? outcome;
      // The change did not hold (or could not be re-read): the stored outcome says so, then the follow-up goes out.
      await store.reviseFindingOutcome({ ...key, outcome: verified });
      await publish?.(verified, 'follow-up');
      return verified;
    } catch (e: unknown) {
      // A stored outcome that could not be published stays done, marked for the next delivery to publish (with the
      // verification's result, when it came in): doing the work again would lose it (a revert finds nothing left to
      // revert). Otherwise the claim is given back and the work redone.
      const kept = completed && (await store.markFindingUnpublished({ ...key, ...(verified === undefined ? {} : { outcome: verified }) }).catch(() => false));
      if (!kept) await store.releaseFinding(key);
      // Listed under its event too: a retried delivery whose revert worked raises no finding to find the record by.
      else await store.addUnpublished({ eventId: context.eventId, findingId: finding.id, now: this.now() });
      throw e;
    }
  }

  /**
   * For a delivery whose evaluation raised no finding: publishes the stored outcomes an earlier delivery of the same event
   * could not publish (an automatic revert's, whose finding is gone now that it was reverted), and clears their marks.
   * Nothing is run. `publish` gets the finding as stored with its claim.
   */
  async republishEvent(eventId: string, publish: (finding: Finding, outcome: ExecutionOutcome) => Promise<void>): Promise<ExecutionOutcome[]> {
    const { store } = this.options;
    const republished: ExecutionOutcome[] = [];
    for (const findingId of await store.getUnpublished(eventId)) {
      const record = await findingRecordOrNull(store, findingId, eventId);
      const outcome = pendingOutcome(record, findingId, eventId);
      if (record === null || outcome === null) continue;
      await publish(record.finding, outcome);
      await store.markFindingPublished({ findingId, eventId });
      republished.push(outcome);
    }
    return republished;
  }

  /**
   * A delivery that found the finding done with its outcome not yet on the bus (see `StateStore.markFindingUnpublished`):
   * the stored outcome, published (then the mark is cleared); nothing is run again. Null when the record is not such a one.
   */
  private async republish(finding: Finding, eventId: string, publish: ((outcome: ExecutionOutcome, kind: PublishKind) => Promise<void>) | undefined): Promise<ExecutionOutcome | null> {
    const outcome = pendingOutcome(await findingRecordOrNull(this.options.store, finding.id, eventId), finding.id, eventId);
    if (outcome === null) return null;
    if (publish === undefined) return outcome;
    await publish(outcome, 'first');
    await this.options.store.markFindingPublished({ findingId: finding.id, eventId });
    return outcome;
  }

  /**
   * The signed approval record to open in the claim's transaction: only in approve mode when everything known without a
   * call leads to a pending approval (no dry-run, an organization account, a valid plan the bot may run, no configured
   * exemption and no exemption tag to confirm). Otherwise undefined: the approval, if any, is opened after the claim.
   */
  private async approvalOpenedWithClaim(finding: Finding, context: FindingContext): Promise<Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'> | undefined> {
    const { config } = this.options;
    const plan = finding.remediation;
    const now = this.now();
    if (
      plan === null ||
      finding.mode !== 'approve' ||
      config.dryRun ||
      !config.organization.accounts.includes(finding.account) ||
      this.invalidPlan(plan) !== null ||
      planBlock(config, finding, plan) !== null ||
      exemptionFor(config, { ruleId: finding.ruleId, resource: finding.resource, tags: null }, now) !== null ||
      context.baselineExemptionTags?.[EXEMPT_TAG] !== undefined
    ) {
      return undefined;
    }
    const record = this.approvalRecord(finding, context.eventId, plan, now);
    return { ...record, tag: await this.integrity.sign('record', recordFields(record)) };
  }

  /** The pending approval record of a finding's plan (unsigned). */
  private approvalRecord(finding: Finding, eventId: string, plan: RemediationPlan, now: Date): Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt' | 'tag'> {
    const expiresAt = new Date(now.getTime() + this.options.config.approvalExpiryHours * 3_600_000).toISOString();
    return { id: approvalId(finding.id, eventId), findingId: finding.id, eventId, finding, plan, call: this.describe(plan), createdAt: now.toISOString(), expiresAt };
  }

  /**
   * When a finding would run automatically as far as the configuration tells, starts its circuit-breaker budget and
   * remediation session (the decided exemption is checked with the claim, see `handle`).
   */
  private startAhead(finding: Finding): AheadOfClaim {
    const plan = finding.remediation;
    const none: AheadOfClaim = { storedExemption: null, budget: null, spent: false, request: null };
    if (plan === null || finding.mode === 'alert') return none;
    const now = this.now();
    if (!this.runsAutomatically(finding, plan, now)) return none;
    if (this.options.prepareSession !== undefined) void settledLater(this.options.prepareSession(finding.account, finding.region, finding.id));
    return { ...none, request: this.budgetRequest(finding, now) };
  }

  /** The counts an automatic remediation of `finding` takes at `now`: each counter of {@link breakerCounters}, in its window. */
  private budgetRequest(finding: Finding, now: Date): BudgetRequest {
    const limits = this.options.config.circuitBreaker;
    const windowMs = limits.windowMinutes * 60_000;
    const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
    const counters = breakerCounters(finding, limits);
    return { windowStart, counters, increments: counters.map((c) => ({ name: c.name, windowStart, windowSeconds: limits.windowMinutes * 60, limit: c.limit })) };
  }

  /** True when nothing known without a call stops the plan from running automatically (tags and decided exemptions still may). */
  private runsAutomatically(finding: Finding, plan: RemediationPlan, now: Date): boolean {
    const { config } = this.options;
    return (
      finding.mode === 'auto' &&
      !config.dryRun &&
      config.organization.accounts.includes(finding.account) &&
      this.invalidPlan(plan) === null &&
      planBlock(config, finding, plan) === null &&
      exemptionFor(config, { ruleId: finding.ruleId, resource: finding.resource, tags: null }, now) === null
    );
  }

  /** Gives back the counts a finding holds when its plan was not run (duplicate, exempt, not automatic after all). */
  private async giveBack(ahead: AheadOfClaim): Promise<void> {
    if (ahead.budget === null) return;
    let budget: Budget;
    try {
      budget = await ahead.budget;
    } catch {
      return; // Nothing was counted for sure; the error is reported where the budget is used, if it is.
    }
    ahead.spent = true;
    await Promise.all(budget.held.map((counter) => this.options.store.releaseCounter({ name: counter.name, windowStart: budget.windowStart })));
  }

  private async decide(finding: Finding, context: FindingContext, failures: IntegrityFailure[], ahead: AheadOfClaim): Promise<ExecutionOutcome> {
    const { config } = this.options;
    const plan = finding.remediation;
    if (plan === null || finding.mode === 'alert') {
      return this.outcome(finding, context.eventId, { status: 'alerted', detail: plan === null ? 'alert only: the rule plans no change' : 'alert only (mode alert)' });
    }
    // Exemptions stop changes, never reports: the finding is still emitted with this outcome.
    const tags = await this.honouredTags(finding, context);
    const exemption =
      exemptionFor(config, { ruleId: finding.ruleId, resource: finding.resource, tags }, this.now()) ??
      (await decidedExemption(
        ahead.storedExemption === null ? this.options.store : { getExemption: () => ahead.storedExemption ?? Promise.resolve(null) },
        finding,
        this.now(),
        { verifier: this.integrity, onIntegrityFailure: (f) => failures.push(f) },
      ));
    if (exemption !== null) {
      return this.outcome(finding, context.eventId, { status: 'exempt', detail: `not remediated: ${exemption.reason}`, exemption: { kind: exemption.kind, reason: exemption.reason } });
    }
    const invalid = this.invalidPlan(plan);
    if (invalid !== null) return this.outcome(finding, context.eventId, { status: 'failed', detail: invalid, error: { name: 'InvalidPlan', message: invalid } });
    if (!config.organization.accounts.includes(finding.account)) {
      return this.outcome(finding, context.eventId, { status: 'refused', detail: `account ${finding.account} is not in the organization: nothing is done there` });
    }
    // A fix the bot may not make (IAM writes off, a protected role) becomes instructions: nothing stored, no button.
    const block = planBlock(config, finding, plan);
    if (block !== null) {
      const reason = describePlanBlock(block);
      return this.outcome(finding, context.eventId, { status: 'manual', detail: `${reason}; to fix it by hand: ${this.describe(plan)}`, blocked: { kind: block.kind, reason } });
    }

    if (config.dryRun) {
      const would = finding.mode === 'auto' ? 'would run' : 'would ask an approver to run';
      return this.outcome(finding, context.eventId, { status: 'dry-run', detail: `dry-run: ${would} ${this.describe(plan)}` });
    }
    if (finding.mode === 'approve') return this.pendingApproval(finding, context.eventId, plan, 'approve', undefined, failures, ahead.opened);

    const breaker = await this.takeBudget(finding, ahead);
    if (breaker !== null) return this.pendingApproval(finding, context.eventId, plan, 'approve', breaker, failures);
    let onChanged = (): void => undefined;
    const changed = new Promise<null>((resolve) => {
      onChanged = () => {
        resolve(null);
      };
    });
    const running = this.runPlan(finding, context.eventId, plan, () => {
      onChanged();
    });
    // The restore record is signed while the change is in flight, and written with the claim's completion once the change
    // is made (issue #16).
    const restoring = settledLater(this.restoreRecord(finding, context.eventId, plan));
    const done = await Promise.race([running, changed]);
    const restore = await restoring;
    const link = restore === null ? {} : { restore: { id: restore.id, expiresAt: restore.expiresAt } };
    if (done === null) {
      // The change is made and its verifying read in flight: the outcome is published and stored beside it, and the
      // verification's result followed up only when it failed (see `handle`).
      ahead.verification = running;
      if (restore !== null) ahead.restore = restore;
      return this.outcome(finding, context.eventId, { status: 'remediated', verification: 'running', detail: `ran ${this.describe(plan)}; verifying that the change holds`, ...link });
    }
    if (done.status !== 'remediated') return done;
    if (restore !== null) ahead.restore = restore;
    return { ...done, ...link };
  }

  /**
   * An automatic revert's outcome once its verification is in (`running` was published and stored): `held` (nothing more
   * is sent), or the follow-up (`failed`): the change did not hold (still `remediated`, Restore still offered), or the
   * verifying read failed (`failed`, no Restore offered, as for any failed outcome; the record stays stored).
   */
  private verificationResult(published: ExecutionOutcome, result: ExecutionOutcome): ExecutionOutcome {
    const withoutRestore: ExecutionOutcome = { ...published, restore: undefined };
    if (result.status === 'remediated' && result.verified === true) return { ...published, detail: result.detail, verified: true, verification: 'held' };
    if (result.status === 'remediated') return { ...published, detail: result.detail, verified: false, verification: 'failed', at: result.at };
    return { ...withoutRestore, status: result.status, detail: `the change was made, but verifying it failed: ${result.detail}`, verification: 'failed', at: result.at, ...(result.error === undefined ? {} : { error: result.error }) };
  }

  /**
   * The exemption tags that count: the resource's current ones when its baseline holds exactly
   * them. Tags are read only when the baseline holds an exemption to confirm.
   */
  private async honouredTags(finding: Finding, context: FindingContext): Promise<Readonly<Record<string, string>> | null> {
    const saved = context.baselineExemptionTags ?? null;
    if (saved?.[EXEMPT_TAG] === undefined) return null;
    const current = context.tags !== undefined ? context.tags : await this.options.tagsOf?.(finding);
    return honouredExemptionTags(current, saved);
  }

  /**
   * After an automatic revert (or an approved isolation, run by the decision runner): stores the
   * inverse plan behind Slack's "Restore" button, when there is one.
   */
  async offerRestore(finding: Finding, eventId: string, plan: RemediationPlan, outcome: ExecutionOutcome): Promise<ExecutionOutcome> {
    const restore = await this.storeRestore(finding, eventId, plan);
    return restore === null ? outcome : { ...outcome, restore };
  }

  /** Stores the signed restore record of a plan that ran (see {@link offerRestore}); null when the plan has no inverse. */
  private async storeRestore(finding: Finding, eventId: string, plan: RemediationPlan): Promise<ExecutionOutcome['restore'] | null> {
    const record = await this.restoreRecord(finding, eventId, plan);
    if (record === null) return null;
    await this.options.store.createApproval(record);
    return { id: record.id, expiresAt: record.expiresAt };
  }

  /** The signed restore record of a plan (not written); null when the plan has no inverse. */
  private async restoreRecord(finding: Finding, eventId: string, plan: RemediationPlan): Promise<NewRecord | null> {
    const inverse = inversePlan(plan, finding);
    if (inverse.plan === null) return null;
    const now = this.now();
    const record = {
      id: restoreId(finding.id, eventId),
      kind: 'restore' as const,
      findingId: finding.id,
      eventId,
      finding,
      plan: inverse.plan,
      call: this.describe(inverse.plan),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + RESTORE_EXPIRY_DAYS * 86_400_000).toISOString(),
    };
    return { ...record, tag: await this.integrity.sign('record', recordFields(record)) };
  }

  /**
   * Executes a plan now (auto mode, or an approved approval) and verifies it; never throws for AWS
   * errors. Under the global dry-run it changes nothing and says what it would have done. `changed` is
   * called once the change is made, before the action's verifying read (actions that report it; see `ActionHooks`).
   */
  async runPlan(judged: Finding, eventId: string, plan: RemediationPlan, changed?: () => void): Promise<ExecutionOutcome> {
    // The outcome describes the plan run (a quarantine or a restore is not the finding's own plan).
    const finding: Finding = judged.remediation === plan ? judged : { ...judged, remediation: plan };
    const invalid = this.invalidPlan(plan);
    if (invalid !== null) return this.outcome(finding, eventId, { status: 'failed', detail: invalid, error: { name: 'InvalidPlan', message: invalid } });
    const block = planBlock(this.options.config, finding, plan);
    if (block !== null) {
      const reason = describePlanBlock(block);
      return this.outcome(finding, eventId, { status: 'refused', detail: `not run: ${reason}`, blocked: { kind: block.kind, reason } });
    }
    if (this.options.config.dryRun) return this.outcome(finding, eventId, { status: 'dry-run', detail: `dry-run: would run ${this.describe(plan)}` });
    const action = ACTIONS[plan.action].bind(plan.params);
    let clients: ActionClients;
    try {
      clients = await this.options.clientsFor(finding.account, finding.region, finding.id);
    } catch (e: unknown) {
      if (e instanceof AccountNotInOrganizationError) return this.outcome(finding, eventId, { status: 'refused', detail: e.message });
      return this.outcome(finding, eventId, { status: 'failed', detail: `no credentials for account ${finding.account}`, error: errorSummary(e) });
    }
    let result: ActionOutcome;
    try {
      result = await action.execute(clients, changed === undefined ? undefined : { changed });
    } catch (e: unknown) {
      result = { status: 'failed', detail: e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error', error: e };
    }
    switch (result.status) {
      case 'remediated':
        return this.outcome(finding, eventId, { status: 'remediated', detail: result.verified ? result.detail : `${result.detail}, but the change did not hold on re-reading`, verified: result.verified });
      case 'already-compliant':
        return this.outcome(finding, eventId, { status: 'already-compliant', detail: result.detail });
      case 'failed':
        return this.outcome(finding, eventId, { status: 'failed', detail: result.detail, error: errorSummary(result.error) });
    }
  }

  /** The outcome of a plan that was not run for a reason found before any call (`failed`, error `name`). */
  notRun(
    judged: Finding,
    eventId: string,
    plan: RemediationPlan,
    reason: {
      readonly name: string;
      readonly detail: string;
      /** `failed` unless told: `refused` (a check failed), `already-compliant` (the finding is gone), `exempt`. */
      readonly status?: 'failed' | 'refused' | 'already-compliant' | 'exempt';
      readonly exemption?: ExecutionOutcome['exemption'];
    },
  ): ExecutionOutcome {
    const finding: Finding = judged.remediation === plan ? judged : { ...judged, remediation: plan };
    const status = reason.status ?? 'failed';
    return this.outcome(finding, eventId, {
      status,
      detail: reason.detail,
      ...(status === 'failed' || status === 'refused' ? { error: { name: reason.name, message: reason.detail } } : {}),
      ...(reason.exemption === undefined ? {} : { exemption: reason.exemption }),
    });
  }

  private invalidPlan(plan: RemediationPlan): string | null {
    // A plan read back from storage may name anything: the registry is indexed only by a name it has.
    const action = Object.hasOwn(ACTIONS, plan.action) ? ACTIONS[plan.action] : undefined;
    if (action === undefined) return `no remediation action named ${plan.action}`;
    const misfits = action.misfits(plan.params);
    return misfits === null ? null : `the plan's parameters do not fit ${plan.action}: ${misfits.join(', ')}`;
  }

  /** The exact API call of a plan (for the messages), rendered from the plan itself. */
  describe(plan: RemediationPlan): string {
    return ACTIONS[plan.action].bind(plan.params).describe();
  }

  /**
   * Null when an automatic remediation may run; else the first counter that is exhausted (after raising its
   * alert once per window and counter). A counter taken before an exhausted one keeps its count. The counts
   * were usually taken with the claim (see `startAhead`).
   */
  private async takeBudget(finding: Finding, ahead: AheadOfClaim): Promise<NonNullable<ExecutionOutcome['circuitBreaker']> | null> {
    const limits = this.options.config.circuitBreaker;
    const budget = await (ahead.budget ?? this.takeCounters(this.budgetRequest(finding, this.now())));
    ahead.spent = true;
    const counter = budget.exhausted;
    if (counter === null) return null;
    const justTripped = await this.options.store.markCounterTripped({ name: counter.name, windowStart: budget.windowStart });
    return { justTripped, scope: counter.scope, key: counter.key, limit: counter.limit, windowMinutes: limits.windowMinutes, windowStart: budget.windowStart.toISOString() };
  }

  /**
   * Takes one count of every counter at once (one round trip), then gives back the counts taken after the first
   * exhausted one in `breakerCounters` order, so the counts end as if they had been taken one by one, stopping
   * at the exhausted counter. If a count fails, the others taken are given back and the error is thrown.
   */
  private async takeCounters(request: BudgetRequest): Promise<Budget> {
    const { windowStart, counters } = request;
    const results = await Promise.allSettled(request.increments.map((increment) => this.options.store.incrementCounter(increment)));
    const allowed = results.map((r) => r.status === 'fulfilled' && r.value.allowed);
    const failed = results.find((r) => r.status === 'rejected');
    const firstExhausted = failed === undefined ? results.findIndex((r) => r.status === 'fulfilled' && !r.value.allowed) : -1;
    const keep = failed !== undefined ? 0 : firstExhausted === -1 ? counters.length : firstExhausted;
    const surplus = counters.filter((_, i) => i >= keep && allowed[i] === true);
    await Promise.all(surplus.map((counter) => this.options.store.releaseCounter({ name: counter.name, windowStart })));
    if (failed !== undefined) throw failed.reason;
    return { windowStart, held: counters.slice(0, keep), exhausted: firstExhausted === -1 ? null : (counters[firstExhausted] ?? null) };
  }

  private async pendingApproval(
    finding: Finding,
    eventId: string,
    plan: RemediationPlan,
    effectiveMode: 'approve',
    breaker: ExecutionOutcome['circuitBreaker'],
    failures: IntegrityFailure[],
    /** The record opened with the claim, if it was (then nothing more is written). */
    opened?: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>,
  ): Promise<ExecutionOutcome> {
    const record = opened ?? this.approvalRecord(finding, eventId, plan, this.now());
    const { id, expiresAt } = record;
    const open = opened !== undefined ? null : await this.openApproval(record, failures);
    const why =
      breaker === undefined
        ? 'waiting for an approver'
        : `circuit breaker open (more than ${String(breaker.limit)} automatic remediations ${breakerScopeText(breaker)} within ${String(breaker.windowMinutes)} minutes): waiting for an approver`;
    return this.outcome(finding, eventId, {
      status: 'pending-approval',
      effectiveMode,
      detail:
        open === null
          ? `${why} to run ${this.describe(plan)}`
          : `already waiting for approval (record ${open.id}, expires ${open.expiresAt}) to run ${this.describe(plan)}: not asked again`,
      approval: open === null ? { id, expiresAt } : { id: open.id, expiresAt: open.expiresAt, openedBy: open.eventId },
      ...(breaker === undefined ? {} : { circuitBreaker: breaker }),
    });
  }

  /**
   * One open question per finding: creates the signed pending record and makes it the finding's open
   * approval, unless the finding has one open already — then that record (null: this one was created,
   * now or by an earlier delivery of the same event). The pointer only ever prevents a record: the one
   * it names counts as open only when it is pending, unexpired, an approval of this very finding and
   * intact; anything else is replaced, so a bad pointer at worst makes the bot ask again.
   */
  private async openApproval(record: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt' | 'tag'>, failures: IntegrityFailure[]): Promise<ApprovalRecord | null> {
    const signed = { ...record, tag: await this.integrity.sign('record', recordFields(record)) };
    let replacing: string | null = null;
    for (let attempt = 0; attempt < OPEN_APPROVAL_ATTEMPTS; attempt++) {
      const result = await this.options.store.openApproval({ record: signed, replacing });
      if (result.opened || result.exists) return null;
      const open = result.openRecordId === null ? null : await this.stillOpen(record.findingId, result.openRecordId, failures);
      if (open !== null) return open;
      replacing = result.openRecordId;
    }
    throw new StateStoreError(`the open approval of finding ${record.findingId} kept changing while ${record.id} was being opened`);
  }

  /** The record `id` when it is still an open question about finding `findingId` (see `openApproval`), else null. */
  private async stillOpen(findingId: string, id: string, failures: IntegrityFailure[]): Promise<ApprovalRecord | null> {
    const record = await this.options.store.getApproval(id);
    if (record === null || record.findingId !== findingId || (record.kind ?? 'approval') !== 'approval') return null;
    if (record.status !== 'pending' || Date.parse(record.expiresAt) <= this.now().getTime()) return null;
    const verdict = await this.integrity.verify('record', recordFields(record), record.tag);
    if (!verdict.ok) {
      failures.push({ family: 'record', itemId: record.id, check: verdict.check });
      return null;
    }
    return record;
  }

  private outcome(
    finding: Finding,
    eventId: string,
    fields: Pick<ExecutionOutcome, 'status' | 'detail'> & Partial<Omit<ExecutionOutcome, 'status' | 'detail'>>,
  ): ExecutionOutcome {
    const plan = finding.remediation;
    let described: ExecutionOutcome['plan'] = null;
    if (plan !== null) {
      let call: string;
      try {
        call = this.describe(plan);
      } catch {
        call = plan.action;
      }
      described = { action: plan.action, call, description: plan.description };
    }
    return {
      findingId: finding.id,
      eventId,
      ruleId: finding.ruleId,
      resource: finding.resource,
      account: finding.account,
      region: finding.region,
      mode: finding.mode,
      effectiveMode: finding.mode,
      dryRun: this.options.config.dryRun,
      plan: described,
      at: this.now().toISOString(),
      ...fields,
    };
  }
}

/**
 * The stored finding record, or null when there is none or it does not fit its schema: a malformed record's outcome is
 * never published (nor are an event's other outcomes held up by it), and its mark stays for someone to look at.
 */
async function findingRecordOrNull(store: Pick<ResponderStateStore, 'getFinding'>, findingId: string, eventId: string): Promise<FindingRecord | null> {
  try {
    return await store.getFinding(findingId, eventId);
  } catch (e: unknown) {
    if (e instanceof MalformedItemError) return null;
    throw e;
  }
}

/**
 * The outcome a finding record holds when it is done but not yet on the bus (`publish: pending`), read back from
 * the table: about this finding and event, and in the contract's shape — or null, and then nothing is published.
 */
function pendingOutcome(record: FindingRecord | null, findingId: string, eventId: string): ExecutionOutcome | null {
  if (record?.status !== 'done' || record.publish !== 'pending' || record.finding.id !== findingId) return null;
  const parsed = ExecutionOutcomeSchema.safeParse(record.outcome);
  return parsed.success && parsed.data.findingId === findingId && parsed.data.eventId === eventId ? parsed.data : null;
}
