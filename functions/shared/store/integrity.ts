/**
 * Integrity tags of the stored items that can cause a change (approval and restore records, decided
 * exemptions): HMAC-SHA256 over a canonical JSON of the item's authoritative fields, keyed per item
 * family with a secret only the functions that write (and verify) that family can read.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { WardenError } from '../errors';
import { keyFromSecret } from '../aws/secret-key';
import type { StoredExemption } from './state-store';
import type { ApprovalRecord } from '../contract/approval-record';
import type { IntegrityCheck, IntegrityFamily } from '../contract/integrity-failure';

/** An integrity key could not be read, or is too short. The message names the secret, never its value. */
export class IntegrityKeyError extends WardenError {}

/** Shorter key material would make the tags guessable offline. */
export const MIN_INTEGRITY_KEY_BYTES = 32;
/** The tag's version prefix: a later change of the serialisation is a new version, never a silent one. */
const TAG_VERSION = 'v1';

/** A key source: the key bytes, read once per container (see `integrityKeyFromSecret`). */
export type KeySource = () => Promise<Uint8Array>;

/** The keys a function holds; a function holds only the families it writes or verifies. */
export type IntegrityKeys = Partial<Readonly<Record<IntegrityFamily, KeySource>>>;

export type Verification = { readonly ok: true } | { readonly ok: false; readonly check: IntegrityCheck };

/** JSON with object keys sorted at every level and `undefined` members dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  // `undefined`, functions and symbols have no JSON text: they read as null (JSON.stringify drops them in objects too).
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The authoritative fields of an approval or restore record (status and decision fields are the approval endpoint's, not covered). */
export function recordFields(record: Omit<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt'>): Record<string, unknown> {
  return {
    id: record.id,
    kind: record.kind ?? 'approval',
    findingId: record.findingId,
    eventId: record.eventId,
    finding: record.finding,
    plan: record.plan,
    call: record.call,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
  };
}

/** The authoritative fields of a decided exemption (all of them but the tag). */
export function exemptionFields(exemption: StoredExemption): Record<string, unknown> {
  return {
    resource: exemption.resource,
    ruleId: exemption.ruleId,
    until: exemption.until,
    by: exemption.by,
    recordId: exemption.recordId,
    decision: exemption.decision,
    createdAt: exemption.createdAt,
  };
}

function mac(key: Uint8Array, family: IntegrityFamily, fields: Record<string, unknown>): Buffer {
  // The family is part of the MAC input: a tag of one family never verifies an item of another.
  return createHmac('sha256', key).update(`lambda-warden/${family}/${TAG_VERSION}\n`).update(canonicalJson(fields)).digest();
}

/**
 * Signs and verifies items of the families whose keys it holds. Verification is in memory, on items
 * already read; the only AWS call is the key's first read in the container.
 *
 * @example
 * const integrity = new Integrity({ record: integrityKeyFromSecret({ secretArn, client }) });
 * const tag = await integrity.sign('record', recordFields(record));
 * const verdict = await integrity.verify('record', recordFields(stored), stored.tag);
 */
export class Integrity {
  constructor(private readonly keys: IntegrityKeys) {}

  /** Random keys for every family, for this process only (tests and `warden simulate`, whose store lives in memory). */
  static ephemeral(): Integrity {
    const record = randomBytes(32);
    const exemption = randomBytes(32);
    return new Integrity({ record: () => Promise.resolve(record), exemption: () => Promise.resolve(exemption) });
  }

  /** True when this function holds the key of `family`. */
  holds(family: IntegrityFamily): boolean {
    return this.keys[family] !== undefined;
  }

  /** Only the keys of `families` (the view another function gets). */
  only(...families: IntegrityFamily[]): Integrity {
    return new Integrity(Object.fromEntries(families.flatMap((f) => (this.keys[f] === undefined ? [] : [[f, this.keys[f]]]))));
  }

  /** The tag of an item's authoritative fields. @throws IntegrityKeyError when this function holds no key of `family`. */
  async sign(family: IntegrityFamily, fields: Record<string, unknown>): Promise<string> {
    const source = this.keys[family];
    if (source === undefined) throw new IntegrityKeyError(`This function holds no ${family} integrity key`);
    return `${TAG_VERSION}:${mac(await source(), family, fields).toString('base64url')}`;
  }

  /**
   * Whether `tag` is the tag of `fields`, compared in constant time.
   * @throws IntegrityKeyError when the key cannot be read (or this function holds none): the caller
   * fails and is retried, and nothing runs on an item it could not verify.
   */
  async verify(family: IntegrityFamily, fields: Record<string, unknown>, tag: unknown): Promise<Verification> {
    if (typeof tag !== 'string' || tag === '') return { ok: false, check: 'tag-missing' };
    const source = this.keys[family];
    if (source === undefined) throw new IntegrityKeyError(`This function holds no ${family} integrity key`);
    const key = await source();
    const expected = Buffer.from(`${TAG_VERSION}:${mac(key, family, fields).toString('base64url')}`);
    const given = Buffer.from(tag);
    return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, check: 'tag-mismatch' };
  }
}

export interface SecretIntegrityKeyOptions {
  /** ARN of the secret: a `SecretString` of at least 32 bytes, or a `SecretBinary`. */
  readonly secretArn: string;
  /** What the key is for, in error messages ("record integrity key"). */
  readonly what: string;
  /** The client, created on first use (the Secrets Manager SDK is loaded only then). */
  readonly client: () => SecretsManagerClient | Promise<SecretsManagerClient>;
}

/**
 * A key source that reads the secret once per container (`GetSecretValue`); a failed read is not
 * cached, so the next use tries again. The key is never logged: errors name the secret only.
 */
export function integrityKeyFromSecret(options: SecretIntegrityKeyOptions): KeySource {
  return keyFromSecret({ ...options, minBytes: MIN_INTEGRITY_KEY_BYTES, error: IntegrityKeyError });
}
