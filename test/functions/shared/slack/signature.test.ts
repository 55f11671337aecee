import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slackSignature, verifySlackSignature, type RequestHeaders } from '../../../../functions/shared/slack/signature';

// Slack's worked example ("Verifying requests from Slack"): a slash-command body.
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const AT = new Date(Number(TIMESTAMP) * 1000);
const body = Buffer.from(BODY, 'utf8');

function verify(overrides: { secret?: string; headers?: RequestHeaders; body?: Uint8Array; now?: Date } = {}) {
  return verifySlackSignature({
    secret: overrides.secret ?? SECRET,
    headers: overrides.headers ?? { 'x-slack-signature': SIGNATURE, 'x-slack-request-timestamp': TIMESTAMP },
    body: overrides.body ?? body,
    now: overrides.now ?? AT,
  });
}

const reason = (verdict: ReturnType<typeof verify>): string => (verdict.ok ? 'ok' : verdict.reason);

describe('Slack request signature (v0)', () => {
  it('computes and accepts Slack’s published example', () => {
    expect(slackSignature(SECRET, TIMESTAMP, body)).toBe(SIGNATURE);
    expect(verify()).toEqual({ ok: true });
  });

  it('reads header names in any case (API Gateway lower-cases them, others do not)', () => {
    expect(verify({ headers: { 'X-Slack-Signature': SIGNATURE, 'X-Slack-Request-Timestamp': TIMESTAMP } }).ok).toBe(true);
    expect(verify({ headers: { 'X-SLACK-SIGNATURE': [SIGNATURE], 'x-slack-request-timestamp': [TIMESTAMP] } }).ok).toBe(true);
  });

  it('rejects every single-character change of the signature', () => {
    const hex = '0123456789abcdef';
    const rejected = Array.from({ length: 64 }, (_, i) => {
      const position = 3 + i;
      const current = SIGNATURE[position] ?? '';
      const other = hex[(hex.indexOf(current) + 1) % 16] ?? '';
      return reason(verify({ headers: { 'x-slack-signature': SIGNATURE.slice(0, position) + other + SIGNATURE.slice(position + 1), 'x-slack-request-timestamp': TIMESTAMP } }));
    });
    expect(new Set(rejected)).toEqual(new Set(['mismatch']));
    expect(reason(verify({ headers: { 'x-slack-signature': SIGNATURE.replace('v0=', 'v1='), 'x-slack-request-timestamp': TIMESTAMP } }))).toBe('malformed-signature');
    expect(reason(verify({ headers: { 'x-slack-signature': SIGNATURE.toUpperCase().replace('V0=', 'v0='), 'x-slack-request-timestamp': TIMESTAMP } }))).toBe('malformed-signature');
    expect(reason(verify({ headers: { 'x-slack-signature': SIGNATURE.slice(0, -1), 'x-slack-request-timestamp': TIMESTAMP } }))).toBe('malformed-signature');
    expect(reason(verify({ headers: { 'x-slack-signature': `${SIGNATURE}0`, 'x-slack-request-timestamp': TIMESTAMP } }))).toBe('malformed-signature');
  });

  it('rejects a changed timestamp even when it is within the window', () => {
    for (const delta of [-1, 1, 60, -299]) {
      const ts = String(Number(TIMESTAMP) + delta);
      expect(reason(verify({ headers: { 'x-slack-signature': SIGNATURE, 'x-slack-request-timestamp': ts } }))).toBe('mismatch');
    }
    for (const ts of ['', '1531420618.0', ' 1531420618', '0x5B47', '-1531420618']) {
      expect(reason(verify({ headers: { 'x-slack-signature': SIGNATURE, 'x-slack-request-timestamp': ts } }))).not.toBe('ok');
    }
  });

  it('rejects a change of any byte of the body', () => {
    const verdicts = Array.from(body, (_, i) => {
      const changed = Buffer.from(body);
      changed[i] = (changed[i] ?? 0) ^ 0x01;
      return reason(verify({ body: changed }));
    });
    expect(verdicts).toHaveLength(BODY.length);
    expect(new Set(verdicts)).toEqual(new Set(['mismatch']));
    for (const i of [0, 100, BODY.length - 1]) {
      expect(reason(verify({ body: Buffer.concat([body.subarray(0, i), body.subarray(i + 1)]) }))).toBe('mismatch');
      expect(reason(verify({ body: Buffer.concat([body.subarray(0, i), Buffer.from('&'), body.subarray(i)]) }))).toBe('mismatch');
    }
    expect(reason(verify({ body: Buffer.concat([body, Buffer.from('\n')]) }))).toBe('mismatch');
  });

  it('accepts up to 300 s of skew either way and rejects more', () => {
    expect(verify({ now: new Date(AT.getTime() + 300_000) }).ok).toBe(true);
    expect(verify({ now: new Date(AT.getTime() - 300_000) }).ok).toBe(true);
    expect(reason(verify({ now: new Date(AT.getTime() + 301_000) }))).toBe('stale-timestamp');
    expect(reason(verify({ now: new Date(AT.getTime() - 301_000) }))).toBe('stale-timestamp');
    expect(reason(verify({ now: new Date() }))).toBe('stale-timestamp');
  });

  it.each([
    ['the signature header is missing', { 'x-slack-request-timestamp': TIMESTAMP }, 'missing-signature'],
    ['the timestamp header is missing', { 'x-slack-signature': SIGNATURE }, 'missing-timestamp'],
    ['both are missing', {}, 'missing-signature'],
    ['the signature is sent twice (two names)', { 'x-slack-signature': SIGNATURE, 'X-Slack-Signature': SIGNATURE, 'x-slack-request-timestamp': TIMESTAMP }, 'repeated-header'],
    ['the signature is sent twice (comma-joined)', { 'x-slack-signature': `${SIGNATURE},${SIGNATURE}`, 'x-slack-request-timestamp': TIMESTAMP }, 'repeated-header'],
    ['the signature is sent twice (a list)', { 'x-slack-signature': [SIGNATURE, SIGNATURE], 'x-slack-request-timestamp': TIMESTAMP }, 'repeated-header'],
    ['the timestamp is sent twice (comma-joined)', { 'x-slack-signature': SIGNATURE, 'x-slack-request-timestamp': `${TIMESTAMP},${TIMESTAMP}` }, 'repeated-header'],
    ['the timestamp is sent twice (two names)', { 'x-slack-signature': SIGNATURE, 'x-slack-request-timestamp': TIMESTAMP, 'X-Slack-Request-Timestamp': TIMESTAMP }, 'repeated-header'],
    ['an empty list is sent', { 'x-slack-signature': [], 'x-slack-request-timestamp': TIMESTAMP }, 'missing-signature'],
  ] as [string, RequestHeaders, string][])('rejects the request when %s', (_label, headers, expected) => {
    expect(reason(verify({ headers }))).toBe(expected);
  });

  it('rejects an empty secret and a wrong one', () => {
    expect(reason(verify({ secret: '' }))).toBe('no-secret');
    expect(reason(verify({ secret: `${SECRET}x` }))).toBe('mismatch');
  });

  it('accepts what it signs and rejects any one-byte change (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.nat(), fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }), (secret, bytes, index, seconds) => {
        const ts = String(seconds);
        const headers = { 'x-slack-signature': slackSignature(secret, ts, bytes), 'x-slack-request-timestamp': ts };
        const now = new Date(seconds * 1000);
        expect(verifySlackSignature({ secret, headers, body: bytes, now }).ok).toBe(true);
        const changed = Uint8Array.from(bytes);
        const i = index % changed.length;
        changed[i] = (changed[i] ?? 0) ^ 0x80;
        expect(verifySlackSignature({ secret, headers, body: changed, now }).ok).toBe(false);
      }),
    );
  });
});
