import { describe, expect, it } from 'vitest';
import type { FunctionRef } from '../../functions/shared/state/resources';
import { functionUrlPublic } from '../../rules/lambda/function-url-public';
import { FUNCTION_ARN } from '../fixtures/accounts';
import { addPermissionEvent, createFunctionUrlConfigEvent, identities, updateFunctionUrlConfigEvent } from '../fixtures/cloudtrail';
import { findingsOf, ruleContext } from '../fixtures/rule-context';
import { functionRef, functionSnapshot, functionUrlOf, urlConfig } from '../fixtures/snapshots';

const rule = functionUrlPublic;

describe('function-url-public', () => {
  it.each<[string, FunctionRef, Record<string, string>]>([
    ['the unqualified function', functionRef(), { functionName: FUNCTION_ARN, authType: 'AWS_IAM', judgedAuthType: 'NONE' }],
    ['an alias', functionRef({ qualifier: 'live' }), { functionName: FUNCTION_ARN, qualifier: 'live', authType: 'AWS_IAM', judgedAuthType: 'NONE' }],
  ])('reports AuthType NONE on %s and plans AWS_IAM', (_label, ref, params) => {
    const findings = findingsOf(rule.evaluate(functionSnapshot({ ref, urlConfig: urlConfig('NONE', ref) }), ruleContext()));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.summary).toContain(functionUrlOf());
    expect(findings[0]?.summary).toContain('AuthType NONE');
    expect(findings[0]?.remediation?.action).toBe('set-function-url-auth-iam');
    expect(findings[0]?.remediation?.params).toEqual(params);
  });

  it.each([
    ['a URL with AWS_IAM', urlConfig('AWS_IAM')],
    ['no URL', null],
  ])('does not report %s', (_label, config) => {
    expect(rule.evaluate(functionSnapshot({ urlConfig: config }), ruleContext())).toEqual({ status: 'compliant' });
  });

  it('is not applicable when the URL config was not read', () => {
    expect(rule.evaluate(functionSnapshot(), ruleContext())).toEqual({ status: 'not-applicable', reason: 'URL config not read' });
  });

  it.each([
    ['CreateFunctionUrlConfig', createFunctionUrlConfigEvent({ authType: 'NONE' }), `set by ${identities.alice.arn ?? ''} (CreateFunctionUrlConfig)`],
    ['UpdateFunctionUrlConfig', updateFunctionUrlConfigEvent({ authType: 'NONE' }), `set by ${identities.alice.arn ?? ''} (UpdateFunctionUrlConfig)`],
    ['another event', addPermissionEvent({ statementId: 'x', principal: '*' }), `present after a change by ${identities.alice.arn ?? ''} (AddPermission20150331v2)`],
  ])('names who set it after %s', (_label, event, expected) => {
    const [finding] = findingsOf(rule.evaluate(functionSnapshot({ urlConfig: urlConfig('NONE') }), ruleContext({ event })));
    expect(finding?.summary).toContain(expected);
  });

  it('says a scan found it when there is no event', () => {
    const [finding] = findingsOf(rule.evaluate(functionSnapshot({ urlConfig: urlConfig('NONE') }), ruleContext()));
    expect(finding?.summary).toContain('found by a scan');
  });
});
