/**
 * The last-known-good baseline of a Lambda execution role: its inline documents, attached policy
 * ARNs with their default version ids, and its trust policy — what a true revert needs (issue #4).
 */
import * as z from 'zod';
import type { WardenConfig } from '../config/config';
import { findAdminAccess, findDangerousActions } from '../policy/iam-permissions';
import { InvalidPolicyError, parseIamPolicyDocument, type IamPolicyDocument } from '../policy/iam-policy';
import { analyzeTrustPolicy } from '../policy/iam-trust-policy';
import type { RoleSnapshot } from '../state/resources';
import { rolePolicies } from '../iam/execution-role';
import type { BaselineStore, KindBaselineKeeper } from './baseline-keeper';

const Document = z.custom<IamPolicyDocument>((value) => {
  if (typeof value !== 'object' || value === null) return false;
  try {
    parseIamPolicyDocument(value);
    return true;
  } catch (e: unknown) {
    if (e instanceof InvalidPolicyError) return false;
    throw e;
  }
}, 'must be an IAM policy document');

const captured = <T extends z.ZodType>(value: T) => z.strictObject({ value, capturedAt: z.string() });

/** The stored form of a role baseline; each part carries when it was captured. */
export const RoleBaselineSchema = z.strictObject({
  trustPolicy: captured(Document).optional(),
  inlinePolicies: captured(z.record(z.string(), Document)).optional(),
  attachedPolicies: captured(z.array(z.strictObject({ arn: z.string(), defaultVersionId: z.string() }))).optional(),
});
export type RoleBaseline = z.infer<typeof RoleBaselineSchema>;

export interface RoleBaselineKeeperOptions {
  readonly store: BaselineStore;
  /** The organization the trust policy is judged against (a trust part is saved only when it lets nobody else in). */
  readonly config: WardenConfig;
}

/**
 * Keeps role baselines in a {@link BaselineStore}, keyed by the role's ARN. The engine calls
 * `capture` when the rules it ran found nothing; the keeper saves each part only when that part
 * itself is clean (no administrator access or dangerous action in the policies, nobody outside
 * the organization in the trust policy), so a revert never restores something dangerous.
 *
 * @example
 * const keeper = new RoleBaselineKeeper({ store: new InMemoryBaselineStore(), config });
 * const engine = new Engine({ rules: RULES, config, reader, baselines: baselineKeeperByKind({ 'iam-role': keeper }) });
 */
export class RoleBaselineKeeper implements KindBaselineKeeper<RoleSnapshot> {
  constructor(private readonly options: RoleBaselineKeeperOptions) {}

  async attach(snapshot: RoleSnapshot): Promise<RoleSnapshot> {
    return { ...snapshot, lastKnownGood: await this.load(snapshot) };
  }

  async capture(snapshot: RoleSnapshot, now: Date): Promise<void> {
    const role = snapshot.role;
    if (role === undefined || role === null) return;
    const capturedAt = now.toISOString();
    const previous = snapshot.lastKnownGood === undefined ? await this.load(snapshot) : snapshot.lastKnownGood;
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
      next.attachedPolicies = { value: (snapshot.attachedPolicies ?? []).map((p) => ({ arn: p.arn, defaultVersionId: p.defaultVersionId })), capturedAt };
    }
    if (next.trustPolicy === previous?.trustPolicy && next.inlinePolicies === previous?.inlinePolicies) return; // nothing clean to save
    await this.options.store.put(keyOf(snapshot), next);
  }

  private async load(snapshot: RoleSnapshot): Promise<RoleBaseline | null> {
    const stored = await this.options.store.get(keyOf(snapshot));
    if (stored === null || stored === undefined) return null;
    const parsed = RoleBaselineSchema.safeParse(stored);
    if (!parsed.success) return null;
    // Documents are stored in canonical form; parse again so rules get exactly that type.
    const { trustPolicy, inlinePolicies, attachedPolicies } = parsed.data;
    return {
      ...(trustPolicy === undefined ? {} : { trustPolicy: { ...trustPolicy, value: parseIamPolicyDocument(trustPolicy.value) } }),
      ...(inlinePolicies === undefined
        ? {}
        : { inlinePolicies: { ...inlinePolicies, value: Object.fromEntries(Object.entries(inlinePolicies.value).map(([n, d]) => [n, parseIamPolicyDocument(d)])) } }),
      ...(attachedPolicies === undefined ? {} : { attachedPolicies }),
    };
  }
}

/** Baselines are keyed by account and role name (events name roles without their path). */
function keyOf(snapshot: RoleSnapshot): string {
  return `iam-role:${snapshot.ref.account}:${snapshot.ref.roleName}`;
}
