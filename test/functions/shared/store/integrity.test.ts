import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson, exemptionFields, Integrity, IntegrityKeyError, integrityKeyFromSecret, recordFields } from '../../../../functions/shared/store/integrity';
import { publicAccessFinding } from '../../../fixtures/findings';

const KEY = new TextEncoder().encode('k'.repeat(32));
const OTHER_KEY = new TextEncoder().encode('o'.repeat(32));
const finding = publicAccessFinding();
const record = {
  id: 'wa-0123456789abcdef01234567',
  findingId: finding.id,
  eventId: 'e-1',
  finding,
  plan: finding.remediation!,
  call: 'lambda:RemovePermission …',
  createdAt: '2025-03-14T09:30:00.000Z',
  expiresAt: '2025-03-15T09:30:00.000Z',
};
const exemption = { resource: finding.resource, ruleId: finding.ruleId, until: '2025-04-13T09:30:00.000Z', by: 'U1', recordId: record.id, decision: 'rejected-and-exempted' as const, createdAt: record.createdAt };

const keys = (key = KEY) => new Integrity({ record: () => Promise.resolve(key), exemption: () => Promise.resolve(key) });

describe('canonicalJson', () => {
  it('gives one text per value whatever the key order, and drops undefined members', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } })).toBe('{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});

describe('Integrity', () => {
  it('verifies the tag of an untouched record, after a JSON round trip through storage', async () => {
    const integrity = keys();
    const tag = await integrity.sign('record', recordFields(record));
    expect(tag).toMatch(/^v1:[A-Za-z0-9_-]{43}$/);
    const read = JSON.parse(JSON.stringify({ ...record, status: 'approved', decidedBy: 'U1', tag })) as typeof record & { tag: string };
    expect(await integrity.verify('record', recordFields(read), read.tag)).toEqual({ ok: true });
  });

  it.each([
    ['the plan', { plan: { ...record.plan, params: { ...record.plan.params, functionName: 'arn:aws:lambda:us-east-1:111122223333:function:other' } } }],
    ['the finding’s resource', { finding: { ...finding, resource: 'arn:aws:lambda:us-east-1:111122223333:function:other' } }],
    ['the expiry', { expiresAt: '2099-01-01T00:00:00.000Z' }],
    ['the kind', { kind: 'restore' as const }],
    ['the call text', { call: 'lambda:RemovePermission FunctionName=other' }],
    ['the id', { id: 'wa-ffffffffffffffffffffffff' }],
  ])('fails a record whose %s was rewritten', async (_label, change) => {
    const integrity = keys();
    const tag = await integrity.sign('record', recordFields(record));
    expect(await integrity.verify('record', recordFields({ ...record, ...change }), tag)).toEqual({ ok: false, check: 'tag-mismatch' });
  });

  it('fails a missing tag, another key’s tag, and a tag of the other family over the same fields', async () => {
    const integrity = keys();
    expect(await integrity.verify('exemption', exemptionFields(exemption), undefined)).toEqual({ ok: false, check: 'tag-missing' });
    expect(await integrity.verify('exemption', exemptionFields(exemption), '')).toEqual({ ok: false, check: 'tag-missing' });
    const foreign = await keys(OTHER_KEY).sign('exemption', exemptionFields(exemption));
    expect(await integrity.verify('exemption', exemptionFields(exemption), foreign)).toEqual({ ok: false, check: 'tag-mismatch' });
    const crossFamily = await integrity.sign('record', exemptionFields(exemption));
    expect(await integrity.verify('exemption', exemptionFields(exemption), crossFamily)).toEqual({ ok: false, check: 'tag-mismatch' });
    expect(await integrity.verify('exemption', exemptionFields({ ...exemption, until: '2099-01-01T00:00:00.000Z' }), await integrity.sign('exemption', exemptionFields(exemption)))).toEqual({
      ok: false,
      check: 'tag-mismatch',
    });
  });

  it('signs and verifies only the families whose keys it holds', async () => {
    const approval = keys().only('exemption');
    expect(approval.holds('record')).toBe(false);
    await expect(approval.sign('record', recordFields(record))).rejects.toThrow(IntegrityKeyError);
    await expect(approval.verify('record', recordFields(record), 'v1:x')).rejects.toThrow(IntegrityKeyError);
    expect(await approval.sign('exemption', exemptionFields(exemption))).toBe(await keys().sign('exemption', exemptionFields(exemption)));
  });
});

describe('integrityKeyFromSecret', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => {
    secrets.reset();
  });
  const source = (arn = 'arn:aws:secretsmanager:us-east-1:999988887777:secret:warden/record-key-AbCdEf') =>
    integrityKeyFromSecret({ secretArn: arn, what: 'record integrity key', client: () => new SecretsManagerClient({ region: 'us-east-1' }) });

  it('reads the key once per container, however often it signs', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'S'.repeat(64) });
    const integrity = new Integrity({ record: source() });
    await Promise.all(Array.from({ length: 5 }, () => integrity.sign('record', recordFields(record))));
    await integrity.verify('record', recordFields(record), 'v1:x');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('refuses a short key and a failed read, naming the secret and never the value, and tries again next time', async () => {
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'short-secret-value' }).rejectsOnce(new Error('throttled')).resolves({ SecretString: 'L'.repeat(40) });
    const key = source();
    await expect(key()).rejects.toThrow(/too short for the record integrity key/);
    await expect(key()).rejects.not.toThrow(/short-secret-value/);
    await expect(key()).resolves.toHaveLength(40);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });
});
