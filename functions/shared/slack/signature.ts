/**
 * Slack request signing, v0 scheme, on `node:crypto`: HMAC-SHA256 of `v0:<timestamp>:<raw body>`
 * keyed with the signing secret, compared in constant time, within 300 s of now in either direction.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-slack-signature';
export const TIMESTAMP_HEADER = 'x-slack-request-timestamp';
/** Slack's documented window: a request more than 5 minutes away from now (either way) is refused. */
export const MAX_SKEW_SECONDS = 300;

/** Headers as API Gateway (or Node) hands them over: any case, a value or a list of values. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export type SignatureRejection =
  | 'no-secret'
  | 'missing-signature'
  | 'missing-timestamp'
  | 'repeated-header'
  | 'malformed-signature'
  | 'malformed-timestamp'
  | 'stale-timestamp'
  | 'mismatch';

export type SignatureVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: SignatureRejection };

/** `v0=<hex>` for a timestamp and raw body (Slack's construction). */
export function slackSignature(secret: string, timestamp: string, body: Uint8Array): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

type HeaderValue = { readonly value: string } | { readonly problem: 'missing' | 'repeated' };

/** The one value of a header (case-insensitive name); `repeated` when sent twice or comma-joined. */
function headerValue(headers: RequestHeaders, name: string): HeaderValue {
  const values = Object.entries(headers)
    .filter(([key, value]) => key.toLowerCase() === name && value !== undefined)
    .flatMap(([, value]) => (typeof value === 'string' ? [value] : [...(value ?? [])]));
  const [only] = values;
  if (only === undefined) return { problem: 'missing' };
  if (values.length > 1 || only.includes(',')) return { problem: 'repeated' };
  return { value: only };
}

/**
 * Verifies a request from Slack before anything else reads it. `body` is the raw bytes as
 * received (base64-decoded when API Gateway encoded them).
 * @example
 * const verdict = verifySlackSignature({ secret, headers: event.headers, body: rawBody, now: new Date() });
 * if (!verdict.ok) return { statusCode: 401 };
 */
export function verifySlackSignature(input: { readonly secret: string; readonly headers: RequestHeaders; readonly body: Uint8Array; readonly now: Date }): SignatureVerdict {
  if (input.secret === '') return { ok: false, reason: 'no-secret' };
  const signatureHeader = headerValue(input.headers, SIGNATURE_HEADER);
  const timestampHeader = headerValue(input.headers, TIMESTAMP_HEADER);
  if ('problem' in signatureHeader && signatureHeader.problem === 'repeated') return { ok: false, reason: 'repeated-header' };
  if ('problem' in timestampHeader && timestampHeader.problem === 'repeated') return { ok: false, reason: 'repeated-header' };
  if ('problem' in signatureHeader) return { ok: false, reason: 'missing-signature' };
  if ('problem' in timestampHeader) return { ok: false, reason: 'missing-timestamp' };
  const signature = signatureHeader.value;
  const timestamp = timestampHeader.value;
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed-timestamp' };
  if (Math.abs(input.now.getTime() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return { ok: false, reason: 'stale-timestamp' };
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed-signature' };
  const expected = Buffer.from(slackSignature(input.secret, timestamp, input.body), 'utf8');
  const received = Buffer.from(signature, 'utf8');
  // timingSafeEqual throws on unequal lengths: check first (the format check above makes them equal).
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}
