/**
 * The last-known-good baseline of a Lambda function: what a true revert needs, with environment
 * variables kept as names and keyed hashes (HMAC-SHA256) of their values — never the values —
 * and the `warden:exempt*` tags known to have been in place. Stored sealed (`baseline-integrity.ts`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { keptExemptionTags } from '../exemption/exemption-tags';
import type { FunctionConfiguration, FunctionSnapshot } from '../state/resources';
import { FunctionBaselineSchema, type AttachedFunctionBaseline, type FunctionBaseline, type BaselineRefusal } from '../state/baselines';
import { layersOf, vpcOf } from '../state/function-configuration';
import { BaselineSeal, type BaselineKeySource } from './baseline-integrity';
import type { BaselineStore, CaptureOptions, KindBaselineKeeper } from './baseline-keeper';

/** A random 256-bit HMAC key for one process (the CLI, tests); deployed, the key comes from Secrets Manager. */
export function createBaselineKey(): Buffer {
  return randomBytes(32);
}

/** The keyed hash of one variable; the name is bound in, so equal values under different names differ. */
export function hashVariable(key: Uint8Array, name: string, value: string): string {
  return `hmac-sha256:${createHmac('sha256', key).update(name).update('\u0000').update(value).digest('base64url')}`;
}


export interface FunctionBaselineKeeperOptions {
  readonly store: BaselineStore;
  /**
   * The HMAC key for variable values and (through a derived sub-key) the baselines' integrity tags,
   * or where to get it on first use (deployed: Secrets Manager, see `baselineKeyFromSecret`). Keep
   * it secret and stable, or every baseline looks changed (and is refused).
   */
  readonly key: BaselineKeySource;
}

/** A stored baseline as read: the verified, readable baseline or null, and why it was refused. */
interface LoadedBaseline {
  readonly baseline: FunctionBaseline | null;
  readonly refused?: BaselineRefusal;
}

/**
 * Keeps function baselines in a {@link BaselineStore}, keyed by the snapshot's ARN. `capture`
 * merges only the parts that were read (each with its own `capturedAt`); a function that no longer
 * exists is not captured.
 *
 * @example
 * const keeper = new FunctionBaselineKeeper({ store: new InMemoryBaselineStore(), key: createBaselineKey() });
 * const engine = new Engine({ rules: RULES, config, reader, baselines: baselineKeeperByKind({ 'lambda-function': keeper }) });
 */
export class FunctionBaselineKeeper implements KindBaselineKeeper<FunctionSnapshot> {
  /** Hashes computed on attach, reused on capture of the same configuration (an HMAC costs microseconds each). */
  private readonly hashCache = new WeakMap<FunctionConfiguration, Record<string, string>>();

  /** Verified and validated baselines by the frozen object a store handed out (the in-memory store returns the same object until the next put). */
  private readonly parsedCache = new WeakMap<object, LoadedBaseline>();

  private readonly seal: BaselineSeal;

  constructor(private readonly options: FunctionBaselineKeeperOptions) {
    this.seal = new BaselineSeal(options.key);
  }

  private key: Uint8Array | undefined;

  /** The key, fetched once when it comes from a source. */
  private async keyBytes(): Promise<Uint8Array> {
    const key = this.options.key;
    this.key ??= key instanceof Uint8Array ? key : await key();
    return this.key;
  }

  private hashesOf(configuration: FunctionConfiguration, key: Uint8Array): Record<string, string> {
    let hashes = this.hashCache.get(configuration);
    if (hashes === undefined) {
      hashes = Object.fromEntries(
        Object.entries(configuration.Environment?.Variables ?? {}).map(([name, value]) => [name, hashVariable(key, name, value)]),
      );
      this.hashCache.set(configuration, hashes);
    }
    return hashes;
  }

  async attach(snapshot: FunctionSnapshot): Promise<FunctionSnapshot> {
    return this.attachLoaded(snapshot, await this.load(snapshot.arn));
  }

  /** Reads the stored baseline of `arn` while its snapshot is read, then attaches it (issue #16: one round trip for both). */
  async attachWhileReading(arn: string, reading: Promise<FunctionSnapshot>): Promise<FunctionSnapshot> {
    const loading = this.load(arn);
    loading.catch(() => undefined); // awaited below; a failed state read makes it moot
    const snapshot = await reading;
    return this.attachLoaded(snapshot, snapshot.arn === arn ? await loading : await this.load(snapshot.arn));
  }

  private async attachLoaded(snapshot: FunctionSnapshot, loaded: LoadedBaseline): Promise<FunctionSnapshot> {
    const { baseline, refused } = loaded;
    if (baseline === null) return { ...snapshot, lastKnownGood: null, ...(refused === undefined ? {} : { baselineRefused: refused }) };
    const configuration = snapshot.configuration;
    const hashes = baseline.environment?.value;
    if (configuration?.Environment?.Variables === undefined || hashes === undefined) return { ...snapshot, lastKnownGood: baseline };
    const unchangedVariables = Object.entries(this.hashesOf(configuration, this.key ?? (await this.keyBytes())))
      .filter(([name, hash]) => hashes[name] === hash)
      .map(([name]) => name);
    return { ...snapshot, lastKnownGood: { ...baseline, unchangedVariables } };
  }

  /**
   * Saves the parts the snapshot read (all of them when compliant; else only the exemption tags,
   * which are narrowed or adopted as `options` says).
   */
  async capture(snapshot: FunctionSnapshot, now: Date, options: CaptureOptions = {}): Promise<void> {
    if (snapshot.configuration === null || snapshot.tags === null) return;
    const compliant = options.compliant ?? true;
    if (!compliant && snapshot.tags === undefined) return;
    const previous = snapshot.lastKnownGood === undefined ? (await this.load(snapshot.arn)).baseline : snapshot.lastKnownGood;
    const current: { -readonly [P in keyof BaselineValues]: BaselineValues[P] } = compliant ? this.partsOf(snapshot, this.key ?? (await this.keyBytes())) : {};
    if (snapshot.tags !== undefined) current.exemptionTags = keptExemptionTags(previous?.exemptionTags?.value, snapshot.tags, options.adoptExemptionTags ?? []);
    // Nothing worth a first write for a function with findings and no exemption tag to keep.
    if (!compliant && previous === null && Object.keys(current.exemptionTags ?? {}).length === 0) return;
    // An unchanged baseline is not written again (a write per compliant event would cost a DynamoDB write each).
    if (previous !== null && unchangedParts(previous, current)) return;
    const capturedAt = now.toISOString();
    const next: Record<string, { value: unknown; capturedAt: string }> = { ...storedPartsOf(previous) };
    for (const [part, value] of Object.entries(current)) next[part] = { value, capturedAt };
    const tags = previous?.exemptionTags;
    // Exemption tags keep the time they were first known in place (a tag principal's event time when it set them).
    if (current.exemptionTags !== undefined) {
      next.exemptionTags =
        tags !== undefined && sameValue(tags.value, current.exemptionTags)
          ? tags
          : { value: current.exemptionTags, capturedAt: (options.exemptionTagsSetAt ?? now).toISOString() };
    }
    await this.options.store.put(snapshot.arn, await this.seal.seal(snapshot.arn, next));
  }

  /** The values of the parts the snapshot read, in their stored form (exemption tags aside: see `capture`). */
  private partsOf(snapshot: FunctionSnapshot, key: Uint8Array): { -readonly [P in keyof BaselineValues]: BaselineValues[P] } {
    const parts: { -readonly [P in keyof BaselineValues]: BaselineValues[P] } = {};
    const configuration = snapshot.configuration;
    if (configuration !== undefined && configuration !== null) {
      parts.environment = this.hashesOf(configuration, key);
      parts.kmsKeyArn = emptyToNull(configuration.KMSKeyArn);
      parts.layers = layersOf(configuration);
      parts.role = emptyToNull(configuration.Role);
      parts.runtime = emptyToNull(configuration.Runtime);
      parts.vpcConfig = vpcOf(configuration);
    }
    if (snapshot.urlConfig !== undefined) parts.urlAuthType = snapshot.urlConfig?.AuthType ?? null;
    if (snapshot.codeSigning !== undefined) {
      parts.codeSigning = snapshot.codeSigning === null ? null : { configArn: snapshot.codeSigning.codeSigningConfigArn, untrustedArtifactOnDeployment: snapshot.codeSigning.untrustedArtifactOnDeployment };
    }
    if (snapshot.policy !== undefined) parts.policy = snapshot.policy === null ? null : JSON.stringify(snapshot.policy);
    return parts;
  }

  /** Reads, verifies and validates the stored baseline (no extra call: the integrity check is in memory). */
  private async load(arn: string): Promise<LoadedBaseline> {
    const stored = await this.options.store.get(arn);
    if (stored === null || stored === undefined) return { baseline: null };
    const known = typeof stored === 'object' ? this.parsedCache.get(stored) : undefined;
    if (known !== undefined) return known;
    const opened = await this.seal.open(arn, stored);
    let loaded: LoadedBaseline;
    if (opened.status === 'refused') loaded = { baseline: null, refused: { resource: arn, check: opened.check } };
    else if (opened.status === 'absent') loaded = { baseline: null };
    else {
      const parsed = FunctionBaselineSchema.safeParse(opened.content);
      // An unreadable baseline of ours (an older format) is treated as none: the next compliant evaluation replaces it.
      loaded = { baseline: parsed.success ? parsed.data : null };
    }
    if (typeof stored === 'object' && Object.isFrozen(stored)) this.parsedCache.set(stored, loaded);
    return loaded;
  }
}

/** The value of each baseline part, without its capture time. */
type BaselineValues = { readonly [P in keyof FunctionBaseline]?: NonNullable<FunctionBaseline[P]>['value'] };

/** True when every part read now holds the value the baseline holds (parts not read are not compared). */
function unchangedParts(baseline: FunctionBaseline, current: BaselineValues): boolean {
  for (const [part, value] of Object.entries(current)) {
    const stored = baseline[part as keyof FunctionBaseline];
    if (stored === undefined || !sameValue(stored.value, value)) return false;
  }
  return true;
}

/** Structural equality of JSON-shaped values (strings, null, arrays, plain records); key order does not matter. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameValue(item, b[i]));
  }
  const aEntries = Object.entries(a);
  if (aEntries.length !== Object.keys(b).length) return false;
  const bRecord = b as Record<string, unknown>;
  return aEntries.every(([key, value]) => Object.hasOwn(bRecord, key) && sameValue(value, bRecord[key]));
}

function emptyToNull(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function storedPartsOf(baseline: AttachedFunctionBaseline | null): FunctionBaseline {
  if (baseline === null) return {};
  return Object.fromEntries(Object.entries(baseline).filter(([part]) => part !== 'unchangedVariables'));
}
