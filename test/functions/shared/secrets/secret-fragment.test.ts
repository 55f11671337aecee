/** Tests of the secret-fragment check used to prove that output carries no part of a secret. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsSecretFragment, InvalidFragmentLengthError } from '../../../../functions/shared/secrets/secret-fragment';

describe('containsSecretFragment', () => {
  const secret = 'Zq8' + 'vTn3wLp' + 'Xr6sYb';

  it.each([
    ['the whole secret', `token=${secret}`, true],
    ['its first 8 characters', `starts ${secret.slice(0, 8)}…`, true],
    ['8 characters from its middle', `…${secret.slice(5, 13)}…`, true],
    ['only 7 consecutive characters', `…${secret.slice(0, 7)}…${secret.slice(7, 14)}`, false],
    ['nothing of it', 'DB_PASSWORD: connection string with password', false],
    ['an empty text', '', false],
  ])('with a text holding %s answers %s', (_label, text, expected) => {
    expect(containsSecretFragment(text, [secret])).toBe(expected);
  });

  it('ignores secrets shorter than the fragment length', () => {
    expect(containsSecretFragment('abc is everywhere: abc', ['abc'])).toBe(false);
  });

  it('honours another fragment length', () => {
    expect(containsSecretFragment(`x${secret.slice(2, 6)}x`, [secret], 4)).toBe(true);
    expect(containsSecretFragment(`x${secret.slice(2, 6)}x`, [secret], 5)).toBe(false);
  });

  it('accepts any iterable of secrets', () => {
    expect(containsSecretFragment(`a${secret}b`, new Set(['nothing-here-at-all', secret]))).toBe(true);
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects fragment length %s without naming a secret', (length) => {
    let thrown: unknown;
    try {
      containsSecretFragment('text', [secret], length);
    } catch (e: unknown) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvalidFragmentLengthError);
    expect(String(thrown)).not.toContain(secret.slice(0, 8));
  });

  it('finds every 8-character window of a secret embedded in any text', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 8, maxLength: 60 }),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.nat(),
        (value, before, after, offset) => {
          const start = offset % (value.length - 7);
          expect(containsSecretFragment(before + value.slice(start, start + 8) + after, [value])).toBe(true);
        },
      ),
    );
  });

  it('finds nothing when text and secrets share no character', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-m]{0,80}$/), fc.array(fc.stringMatching(/^[n-z0-9]{8,40}$/)), (text, secrets) => {
        expect(containsSecretFragment(text, secrets)).toBe(false);
      }),
    );
  });
});
