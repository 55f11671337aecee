/** Tests of the value shapes that are not credentials: references, placeholders, configuration. */
import { describe, expect, it } from 'vitest';
import {
  characterClasses,
  isOrdinaryConfiguration,
  isPlaceholder,
  isSecretReference,
  shannonEntropy,
} from '../../../../functions/shared/secrets/value-shapes';

describe('isSecretReference', () => {
  it.each([
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf', true],
    ['arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/password', true],
    ['arn:aws:s3:::bucket,arn:aws:sqs:us-east-1:123456789012:q', true],
    ['{{resolve:secretsmanager:prod/db:SecretString:password}}', true],
    ['{{resolve:ssm-secure:/prod/key:3}}', true],
    ['${ssm:/prod/key}', true],
    ['${{ secrets.TOKEN }}', true],
    ['$OTHER_VARIABLE', true],
    ['op://Production/OpenAI/credential', true],
    ['secretsmanager://ci/gitlab', true],
    ['arn:not-an-arn', false],
    ['{{resolve:secretsmanager:x}} plus text', false],
    ['hunter2', false],
  ])('answers %s → %s', (value, expected) => {
    expect(isSecretReference(value)).toBe(expected);
  });
});

describe('isPlaceholder', () => {
  it.each([
    ['changeme', true],
    ['CHANGE_ME', true],
    ['<password>', true],
    ['your-api-key-here', true],
    ['xxxxxxxx', true],
    ['********', true],
    ['[REDACTED]', true],
    ['AKIA' + 'IOSFODNN7EXAMPLE', true],
    ['aaaaaaaaaaaa', true],
    ['Summer2024!', false],
    ['enterprise', false],
  ])('answers %s → %s', (value, expected) => {
    expect(isPlaceholder(value)).toBe(expected);
  });
});

describe('isOrdinaryConfiguration', () => {
  it.each([
    ['true', false, true],
    ['3600', false, true],
    ['/var/task', false, true],
    ['https://api.example.com', false, true],
    ['ops@example.com', false, true],
    ['db.internal.example.com', false, true],
    ['us-gov-west-1', false, true],
    ['cron(0 12 * * ? *)', false, true],
    ['prod/orders/db', false, true],
    ['{"retries":3}', false, true],
    ['{"retries":3', false, false],
    ['cognito-user-pool', false, true],
    ['cognito-user-pool', true, false],
    ['Zq8vTn3wLpXr6sYb', false, false],
  ])('answers %s (words may be secret: %s) → %s', (value, wordsMayBeSecret, expected) => {
    expect(isOrdinaryConfiguration(value, wordsMayBeSecret)).toBe(expected);
  });
});

describe('shannonEntropy', () => {
  it.each([
    ['', 0],
    ['aaaa', 0],
    ['abab', 1],
    ['abcd', 2],
    ['0123456789abcdef', 4],
  ])('of %s is %s bits per character', (value, bits) => {
    expect(shannonEntropy(value)).toBeCloseTo(bits, 10);
  });
});

describe('characterClasses', () => {
  it.each([
    ['abc', 1],
    ['aB', 2],
    ['aB3', 3],
    ['aB3!', 4],
  ])('of %s is %s', (value, classes) => {
    expect(characterClasses(value)).toBe(classes);
  });
});
