/**
 * Integrity of stored baselines: each is saved as `{ content, integrity }`, the tag an HMAC-SHA256
 * over the canonical JSON of the resource it belongs to and its content, under a sub-key derived
 * from the baseline key. A baseline whose tag is missing or wrong is refused (used as no baseline).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import type { BaselineIntegrityCheck } from '../state/baselines';

/** The key itself, or where to read it on first use (deployed: Secrets Manager, see `baselineKeyFromSecret`). */
export type BaselineKeySource = Uint8Array | (() => Promise<Uint8Array>);

/** The label the tagging sub-key is derived with: the variable-hash key and the tag key differ. */
export const INTEGRITY_KEY_LABEL = 'baseline-integrity';
const TAG_PREFIX = 'hmac-sha256:v1:';

const SealedBaselineSchema = lazySchema(() => z.strictObject({ content: z.unknown(), integrity: z.string() }));
export type SealedBaseline = z.infer<typeof SealedBaselineSchema>;

export type OpenedBaseline =
  | { readonly status: 'absent' }
  | { readonly status: 'verified'; readonly content: unknown }
  | { readonly status: 'refused'; readonly check: BaselineIntegrityCheck };

/** JSON with object keys sorted at every level: one text per value, whatever order the keys were built or stored in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Seals baselines before they are stored and opens them when read. The tag binds the resource key
 * (a baseline copied onto another resource fails) and the content (any edit fails).
 *
 * @example
 * const seal = new BaselineSeal(baselineKeyFromSecret({ secretArn, client }));
 * await store.put(arn, await seal.seal(arn, baseline));
 * const opened = await seal.open(arn, await store.get(arn)); // 'absent' | 'verified' | 'refused'
 */
export class BaselineSeal {
  private tagKey: Promise<Buffer> | undefined;

  constructor(private readonly key: BaselineKeySource) {}

  /** HMAC(key, "baseline-integrity"), derived once. */
  private subKey(): Promise<Buffer> {
    this.tagKey ??= (this.key instanceof Uint8Array ? Promise.resolve(this.key) : this.key()).then((key) => createHmac('sha256', key).update(INTEGRITY_KEY_LABEL).digest());
    this.tagKey.catch(() => {
      this.tagKey = undefined;
    });
    return this.tagKey;
  }

  private async tag(resource: string, content: unknown): Promise<string> {
    const mac = createHmac('sha256', await this.subKey()).update(canonicalJson({ resource, content })).digest('base64url');
    return `${TAG_PREFIX}${mac}`;
  }

  async seal(resource: string, content: unknown): Promise<SealedBaseline> {
    return { content, integrity: await this.tag(resource, content) };
  }

  /** Verifies what a store returned for `resource` (null or undefined: no baseline). */
  async open(resource: string, stored: unknown): Promise<OpenedBaseline> {
    if (stored === null || stored === undefined) return { status: 'absent' };
    const sealed = SealedBaselineSchema.safeParse(stored);
    if (!sealed.success || sealed.data.content === undefined) return { status: 'refused', check: 'integrity-tag-missing' };
    const expected = Buffer.from(await this.tag(resource, sealed.data.content));
    const given = Buffer.from(sealed.data.integrity);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 'refused', check: 'integrity-tag-mismatch' };
    return { status: 'verified', content: sealed.data.content };
  }
}
