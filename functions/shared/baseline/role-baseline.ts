/**
 * The last-known-good baseline of a Lambda execution role: its inline documents, attached policy
 * ARNs with their default version ids (and, for customer managed policies, that version's
 * document), and its trust policy — what a true revert needs (issue #4). Stored sealed
 * (`baseline-integrity.ts`).
 */
import type { WardenConfig } from '../config/config';
import { findAdminAccess, findDangerousActions } from '../policy/iam-permissions';
import { parseIamPolicyDocument } from '../policy/iam-policy';
import { analyzeTrustPolicy } from '../policy/iam-trust-policy';
import type { RoleSnapshot } from '../state/resources';
import { RoleBaselineSchema, type RoleBaseline } from '../state/baselines';
import { awsManagedPolicyName, rolePolicies } from '../iam/execution-role';
import { BaselineSeal, type BaselineKeySource } from './baseline-integrity';
import type { BaselineRefusal } from '../state/baselines';
import type { BaselineStore, CaptureOptions, KindBaselineKeeper } from './baseline-keeper';

export interface RoleBaselineKeeperOptions {
  readonly store: BaselineStore;
  /** The organization the trust policy is judged against (a trust part is saved only when it lets nobody else in). */
  readonly config: WardenConfig;
  /** The baseline key (or its source): baselines are sealed with a sub-key of it. */
  readonly key: BaselineKeySource;
}

/**
 * Keeps role baselines in a {@link BaselineStore}, keyed by the role's ARN. The engine calls
 * `capture` when the rules it ran found nothing; the keeper saves each part only when that part
 * itself is clean (no administrator access or dangerous action in the policies, nobody outside
 * the organization in the trust policy), so a revert never restores something dangerous.
 *
 * @example
 * const keeper = new RoleBaselineKeeper({ store: new InMemoryBaselineStore(), config, key: createBaselineKey() });
 * const engine = new Engine({ rules: RULES, config, reader, baselines: baselineKeeperByKind({ 'iam-role': keeper }) });
 */
export class RoleBaselineKeeper implements KindBaselineKeeper<RoleSnapshot> {
  private readonly seal: BaselineSeal;

  constructor(private readonly options: RoleBaselineKeeperOptions) {
    this.seal = new BaselineSeal(options.key);
  }

  async attach(snapshot: RoleSnapshot): Promise<RoleSnapshot> {
    const { baseline, refused } = await this.load(snapshot);
    return { ...snapshot, lastKnownGood: baseline, ...(refused === undefined ? {} : { baselineRefused: refused }) };
  }

  async capture(snapshot: RoleSnapshot, now: Date, options: CaptureOptions = {}): Promise<void> {
    const role = snapshot.role;
    if (role === undefined || role === null || options.compliant === false) return;
    const capturedAt = now.toISOString();
    const previous = snapshot.lastKnownGood === undefined ? (await this.load(snapshot)).baseline : snapshot.lastKnownGood;
    const next: RoleBaseline = { ...(previous ?? {}) };
    const trustFindings = analyzeTrustPolicy(role.AssumeRolePolicyDocument, {
      organizationId: this.options.config.organization.id,
      organizationAccounts: [...this.options.config.organization.accounts, ...this.options.config.allowList.accounts],
      ownAccount: snapshot.ref.account,
    });
    if (trustFindings.length === 0) next.trustPolicy = { value: role.AssumeRolePolicyDocument, capturedAt };
    const documents = rolePolicies(snapshot).map((p) => p.document);
    if (findAdminAccess(documents).length === 0 && findDangerousActions(documents).length === 0) {
      next.inlinePolicies = { value: { ...(snapshot.inlinePolicies ?? {}) }, capturedAt };
      next.attachedPolicies = {
        value: (snapshot.attachedPolicies ?? []).map((p) => ({
          arn: p.arn,
          defaultVersionId: p.defaultVersionId,
          // AWS managed policies are never set back to a version (and some are large): their documents are not kept.
          ...(awsManagedPolicyName(p.arn) === undefined ? { document: p.document } : {}),
        })),
        capturedAt,
      };
    }
    if (next.trustPolicy === previous?.trustPolicy && next.inlinePolicies === previous?.inlinePolicies) return; // nothing clean to save
    const key = keyOf(snapshot);
    await this.options.store.put(key, await this.seal.seal(key, next));
  }

  /** Reads, verifies and validates the stored baseline (the integrity check is in memory: no extra call). */
  private async load(snapshot: RoleSnapshot): Promise<{ baseline: RoleBaseline | null; refused?: BaselineRefusal }> {
    const key = keyOf(snapshot);
    const opened = await this.seal.open(key, await this.options.store.get(key));
    if (opened.status === 'refused') return { baseline: null, refused: { resource: snapshot.arn, check: opened.check } };
    if (opened.status === 'absent') return { baseline: null };
    const parsed = RoleBaselineSchema.safeParse(opened.content);
    if (!parsed.success) return { baseline: null };
    // Documents are stored in canonical form; parse again so rules get exactly that type.
    const { trustPolicy, inlinePolicies, attachedPolicies } = parsed.data;
    return {
      baseline: {
        ...(trustPolicy === undefined ? {} : { trustPolicy: { ...trustPolicy, value: parseIamPolicyDocument(trustPolicy.value) } }),
        ...(inlinePolicies === undefined
          ? {}
          : { inlinePolicies: { ...inlinePolicies, value: Object.fromEntries(Object.entries(inlinePolicies.value).map(([n, d]) => [n, parseIamPolicyDocument(d)])) } }),
        ...(attachedPolicies === undefined
          ? {}
          : {
              attachedPolicies: {
                ...attachedPolicies,
                value: attachedPolicies.value.map((p) => (p.document === undefined ? p : { ...p, document: parseIamPolicyDocument(p.document) })),
              },
            }),
      },
    };
  }
}

/** Baselines are keyed by account and role name (events name roles without their path). */
function keyOf(snapshot: RoleSnapshot): string {
  return `iam-role:${snapshot.ref.account}:${snapshot.ref.roleName}`;
}
