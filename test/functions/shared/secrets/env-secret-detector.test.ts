/** Tests of the plaintext-secret detector: quality on the labelled set, behaviours, properties, speed. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectPlaintextSecrets } from '../../../../functions/shared/secrets/env-secret-detector';
import { SECRET_KINDS, type SecretFinding } from '../../../../functions/shared/secrets/secret-kinds';
import { isSecretNamedVariable } from '../../../../functions/shared/secrets/secret-names';
import { containsSecretFragment } from '../../../../functions/shared/secrets/secret-fragment';
import { fakeValues, LABELLED_ENV_VARS } from './labelled-env-vars';

const detectOne = (name: string, value: string): SecretFinding | undefined => detectPlaintextSecrets({ [name]: value })[0];

const LABELLED_SECRETS = LABELLED_ENV_VARS.filter((entry) => entry.expected !== null);
const FORMAT_SECRETS = LABELLED_SECRETS.filter((entry) => detectOne(entry.name, entry.value)?.basis === 'format');
const fake = fakeValues(7);

describe('detectPlaintextSecrets', () => {
  describe('on the labelled set', () => {
    it('has at least 220 pairs, 100 of them benign, and every kind', () => {
      expect(LABELLED_ENV_VARS.length).toBeGreaterThanOrEqual(220);
      expect(LABELLED_ENV_VARS.length - LABELLED_SECRETS.length).toBeGreaterThanOrEqual(100);
      expect(new Set(LABELLED_SECRETS.map((entry) => entry.expected))).toEqual(new Set(SECRET_KINDS));
    });

    it('reaches precision and recall of at least 0.95, and names the right kind', () => {
      let truePositives = 0;
      let falsePositives = 0;
      let falseNegatives = 0;
      let rightKind = 0;
      for (const entry of LABELLED_ENV_VARS) {
        const finding = detectOne(entry.name, entry.value);
        if (entry.expected !== null && finding !== undefined) {
          truePositives += 1;
          if (finding.kind === entry.expected) rightKind += 1;
        } else if (entry.expected !== null) falseNegatives += 1;
        else if (finding !== undefined) falsePositives += 1;
      }
      const precision = truePositives / (truePositives + falsePositives);
      const recall = truePositives / (truePositives + falseNegatives);
      const kindAccuracy = rightKind / truePositives;
      console.info(
        `secret detector on ${LABELLED_ENV_VARS.length} labelled variables (${LABELLED_SECRETS.length} secret): ` +
          `TP ${truePositives}, FP ${falsePositives}, FN ${falseNegatives}; precision ${precision.toFixed(3)}, ` +
          `recall ${recall.toFixed(3)}, right kind ${kindAccuracy.toFixed(3)}`,
      );
      expect(precision).toBeGreaterThanOrEqual(0.95);
      expect(recall).toBeGreaterThanOrEqual(0.95);
      expect(kindAccuracy).toBeGreaterThanOrEqual(0.95);
    });
  });

  it.each([
    ['Secrets Manager ARN', 'DB_PASSWORD', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf'],
    ['SSM parameter ARN', 'API_KEY', 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key'],
    ['SSM parameter name', 'API_TOKEN', '/prod/partner/api-token'],
    ['dynamic reference', 'DB_PASSWORD', '{{resolve:secretsmanager:prod/db:SecretString:password}}'],
    ['Serverless variable', 'STRIPE_KEY', '${ssm:/prod/stripe/key}'],
    ['placeholder', 'DB_PASSWORD', 'changeme'],
    ['angle-bracket placeholder', 'API_KEY', '<your-api-key>'],
    ['empty value', 'TOKEN', ''],
    ['blank value', 'TOKEN', '   '],
    ['AWS documentation example key ID', 'AWS_ACCESS_KEY_ID', 'AKIA' + 'IOSFODNN7EXAMPLE'],
    ['templated password in a URL', 'DATABASE_URL', 'postgres://app:${DB_PASSWORD}@db:5432/app'],
    ['URL with a user and no password', 'DATABASE_URL', 'postgres://app@db:5432/app'],
    ['public key', 'JWT_PUBLIC_KEY', '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----'],
    ['number in a secret-named variable', 'SECRET_ROTATION_DAYS', '30'],
    ['metadata about a secret', 'GITHUB_TOKEN_SECRET_NAME', 'ci/github-token'],
  ])('does not report a %s', (_label, name, value) => {
    expect(detectPlaintextSecrets({ [name]: value })).toEqual([]);
  });

  it('reports an AWS secret key without / or + when another variable holds an access key ID', () => {
    const secretKey = fake.awsSecret(false);
    const keyId = 'AK' + 'IA' + fake.from('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16);
    // Changed deliberately (issue #13, gap 9): alone, it is now reported on its shape (a low-severity alert).
    expect(detectPlaintextSecrets({ UPLOAD_B: secretKey })).toEqual([{ name: 'UPLOAD_B', kind: 'random credential-shaped value', basis: 'shape' }]);
    expect(detectPlaintextSecrets({ UPLOAD_A: keyId, UPLOAD_B: secretKey })).toEqual([
      { name: 'UPLOAD_A', kind: 'AWS access key ID', basis: 'format' },
      { name: 'UPLOAD_B', kind: 'AWS secret access key', basis: 'context' },
    ]);
  });

  it('reports one finding per variable, in the variables’ order, with only name, kind and basis', () => {
    const environment = Object.fromEntries(LABELLED_SECRETS.slice(0, 12).map((entry, index) => [`VAR_${index}`, entry.value]));
    const findings = detectPlaintextSecrets({ LOG_LEVEL: 'info', ...environment });
    expect(findings.map((finding) => finding.name)).toEqual(Object.keys(environment));
    for (const finding of findings) expect(Object.keys(finding).sort()).toEqual(['basis', 'kind', 'name']);
  });

  it('skips values that are not strings at run time', () => {
    const environment = { A: 42, B: null, C: 'gh' + 'p_' + fake.from('abcdefghijklmnopqrstuvwxyz0123456789', 36) } as unknown as Record<string, string>;
    expect(detectPlaintextSecrets(environment)).toEqual([{ name: 'C', kind: 'GitHub token', basis: 'format' }]);
  });

  describe('properties', () => {
    const plainName = fc
      .stringMatching(/^[A-Z][A-Z0-9_]{0,30}$/)
      .filter((name) => !isSecretNamedVariable(name));

    it('never throws on any names and values', () => {
      const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii', maxLength: 300 }));
      fc.assert(
        fc.property(fc.dictionary(anyString, anyString), (environment) => {
          expect(Array.isArray(detectPlaintextSecrets(environment))).toBe(true);
        }),
        { numRuns: 500 },
      );
    });

    it('never throws on values built around credential shapes', () => {
      const piece = fc.oneof(
        fc.constantFrom(...LABELLED_ENV_VARS.map((entry) => entry.value)),
        fc.constantFrom('://', ':', '@', '?', '&', '=', ';', '"', '-----BEGIN ', 'eyJ', '.', 'LS0tLS1CRUdJT', 'sk-', 'xoxb-', '{{', '${'),
        fc.string({ unit: 'grapheme-ascii', maxLength: 20 }),
      );
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 8 }), fc.constantFrom('DB_PASSWORD', 'API_KEY', 'CONFIG'), (pieces, name) => {
          expect(() => detectPlaintextSecrets({ [name]: pieces.join('') })).not.toThrow();
        }),
        { numRuns: 500 },
      );
    });

    it('keeps reporting a format-based secret under any name that does not say secret', () => {
      expect(FORMAT_SECRETS.length).toBeGreaterThan(90);
      fc.assert(
        fc.property(fc.constantFrom(...FORMAT_SECRETS), plainName, (entry, name) => {
          const original = detectOne(entry.name, entry.value);
          expect(detectOne(name, entry.value)).toEqual({ name, kind: original?.kind, basis: 'format' });
        }),
        { numRuns: 1000 },
      );
    });

    it('never puts an 8-character fragment of any value in its result', () => {
      const value = fc.oneof(
        fc.constantFrom(...LABELLED_ENV_VARS.map((entry) => entry.value)),
        fc.string({ unit: 'grapheme-ascii', minLength: 8, maxLength: 80 }),
      );
      const name = fc.oneof(plainName, fc.constantFrom('DB_PASSWORD', 'API_KEY', 'SESSION_SECRET', 'AUTH_TOKEN', 'AWS_SECRET_ACCESS_KEY'));
      fc.assert(
        fc.property(fc.dictionary(name, value, { minKeys: 1, maxKeys: 12 }), (environment) => {
          const values = Object.values(environment);
          // What a finding may legitimately contain: the names, the kind labels, and the JSON around them.
          const legitimate =
            JSON.stringify(Object.keys(environment).map((key) => ({ name: key, kind: '', basis: 'context' }))) +
            JSON.stringify(SECRET_KINDS.map((kind) => ({ name: '', kind, basis: 'format' })));
          fc.pre(!containsSecretFragment(legitimate, values));
          const findings = detectPlaintextSecrets(environment);
          const rendered = findings.map((finding) => `${finding.name}\n${finding.kind}\n${finding.basis}`).join('\n');
          expect(containsSecretFragment(rendered, values)).toBe(false);
          expect(containsSecretFragment(JSON.stringify(findings), values)).toBe(false);
        }),
        { numRuns: 1000 },
      );
    });
  });

  it('imports nothing but its own pure modules, so rules can use it', () => {
    const directory = join(import.meta.dirname, '../../../../functions/shared/secrets');
    const imports = readdirSync(directory)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [...readFileSync(join(directory, file), 'utf8').matchAll(/\b(?:from|import)\s*\(?'([^']+)'/g)].map((m) => m[1]));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((source) => source !== '../errors' && !source?.startsWith('./'))).toEqual([]);
  });
});
