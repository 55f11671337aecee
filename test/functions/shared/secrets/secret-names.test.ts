/** Tests of the reading of environment-variable names. */
import { describe, expect, it } from 'vitest';
import { nameWords, secretNameClass } from '../../../../functions/shared/secrets/secret-names';

describe('secretNameClass', () => {
  it.each([
    ['DB_PASSWORD', 'password'],
    ['dbPassword', 'password'],
    ['SMTP_PASS', 'password'],
    ['LDAP_BIND_PASSWORD_PROD', 'password'],
    ['KEYSTORE_PASSPHRASE', 'password'],
    ['API_KEY', 'secret'],
    ['stripeApiKey', 'secret'],
    ['APIKey', 'secret'],
    ['AWS_SECRET_ACCESS_KEY', 'secret'],
    ['SECRET_KEY_BASE', 'secret'],
    ['SLACK_BOT_TOKEN', 'secret'],
    ['GITHUB_TOKEN_V2', 'secret'],
    ['NEXTAUTH_SECRET', 'secret'],
    ['BASIC_AUTH', 'secret'],
    ['GOOGLE_APPLICATION_CREDENTIALS_JSON', 'secret'],
    ['ENCRYPTION_KEY_B64', 'secret'],
    ['DB_PASSWORD_SECRET_ARN', null],
    ['DB_PASSWORD_PARAMETER', null],
    ['GITHUB_TOKEN_SECRET_NAME', null],
    ['TOKEN_TTL_SECONDS', null],
    ['API_KEY_ID', null],
    ['API_KEY_HEADER', null],
    ['PASSWORD_MIN_LENGTH', null],
    ['PASSWORD_RESET_TEMPLATE', null],
    ['SECRETS_EXTENSION_HTTP_PORT', null],
    ['TOKENIZER_MODEL', null],
    ['CACHE_KEY', null],
    ['KMS_KEY', null],
    ['PARTITION_KEY', null],
    ['BYPASS', null],
    ['KEY', null],
    ['', null],
    // Issue #13, gap 9: abbreviations as name parts; KEY after a vendor or purpose, not after a non-secret qualifier.
    ['MAIL_PW', 'password'],
    ['FTP_PWD', 'password'],
    ['SMTP_PW_PROD', 'password'],
    ['STRIPE_KEY', 'secret'],
    ['MAPS_KEY', 'secret'],
    ['geocoderKey', 'secret'],
    ['PUBLIC_KEY', null],
    ['JWT_PUBLIC_KEY', null],
    ['STRIPE_PUBLISHABLE_KEY', null],
    ['SORT_KEY', null],
    ['IDEMPOTENCY_KEY', null],
    ['S3_KEY', null],
    ['STRIPE_KEY_ID', null],
    ['PW_MIN_LENGTH', null],
  ])('classifies %s as %s', (name, expected) => {
    expect(secretNameClass(name)).toBe(expected);
  });
});

describe('nameWords', () => {
  it.each([
    ['stripeApiKey', ['STRIPE', 'API', 'KEY']],
    ['DBPassword', ['DB', 'PASSWORD']],
    ['stripe.api-key', ['STRIPE', 'API', 'KEY']],
    ['__X__', ['X']],
  ])('splits %s', (name, words) => {
    expect(nameWords(name)).toEqual(words);
  });
});
