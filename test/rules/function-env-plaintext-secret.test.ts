import { describe, expect, it } from 'vitest';
import { functionEnvPlaintextSecret } from '../../rules/lambda/function-env-plaintext-secret';
import { containsSecretFragment } from '../../functions/shared/secrets/secret-fragment';
import { FUNCTION_ARN } from '../fixtures/accounts';
import { configurationHarness } from '../fixtures/configuration-harness';
import { createFunctionEvent, updateFunctionCodeEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';
import { findingsOf, ruleContext } from '../fixtures/rule-context';
import { functionSnapshot } from '../fixtures/snapshots';
import { LABELLED_ENV_VARS } from '../functions/shared/secrets/labelled-env-vars';

const RULE = functionEnvPlaintextSecret.id;

function secretOfKind(kind: string): string {
  const found = LABELLED_ENV_VARS.find((v) => v.expected === kind);
  if (found === undefined) throw new Error(`no labelled value of kind ${kind}`);
  return found.value;
}

const DB_URL = secretOfKind('connection string with password');
const STRIPE = secretOfKind('Stripe secret key');

const ORDINARY = {
  LOG_LEVEL: 'info',
  TABLE_NAME: 'orders-prod',
  REGION_NAME: 'eu-west-1',
  REQUEST_ID_NAMESPACE: '3f0c9a52-8d1e-4b7a-9c3e-5a1f2b6d7e80',
  HERO_IMAGE: 'aGVyby1iYW5uZXItMjAyNS0wMy5wbmc=.webp',
  DB_PASSWORD_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/orders/db-AbCdEf',
  API_TOKEN_PARAM: '/prod/orders/api-token',
  FEATURE_NEW_CHECKOUT: 'true',
};

describe('function-env-plaintext-secret', () => {
  it('reports a credential set before a create event whose environment CloudTrail redacted, naming variable and kind only', async () => {
    const h = configurationHarness();
    await h.run(createFunctionEvent({ setsEnvironment: true }), RULE);
    h.setVariables({ ...ORDINARY, DATABASE_URL: DB_URL });
    const [finding, ...rest] = await h.run(updateFunctionCodeEvent(), RULE);
    expect(rest).toEqual([]);
    expect(finding?.mode).toBe('approve');
    expect(finding?.remediation).toEqual({
      action: 'remove-function-env-variables',
      params: { functionName: FUNCTION_ARN, variableNames: 'DATABASE_URL' },
      description: expect.stringContaining('keeps every other one') as string,
    });
    expect(finding?.summary).toContain('DATABASE_URL (connection string with password)');
    expect(finding?.summary).toContain('Secrets Manager or Parameter Store');
    expect(containsSecretFragment(JSON.stringify(finding), [DB_URL])).toBe(false);
  });

  it('reports a variable added by an update as new compared with the last-known-good baseline', async () => {
    const h = configurationHarness();
    await h.run(createFunctionEvent(), RULE);
    h.setVariables(ORDINARY);
    expect(await h.run(updateFunctionConfigurationEvent({ setsEnvironment: true }), RULE)).toEqual([]);
    h.setVariables({ ...ORDINARY, STRIPE_API_KEY: STRIPE });
    const [finding] = await h.run(updateFunctionConfigurationEvent({ setsEnvironment: true }, { eventTime: '2025-03-14T10:00:00Z' }), RULE);
    expect(finding?.details).toEqual({ variables: [{ name: 'STRIPE_API_KEY', kind: 'Stripe secret key', basis: 'format', baseline: 'new' }] });
  });

  it('reports a variable whose value changed since the baseline as changed', async () => {
    const h = configurationHarness();
    await h.run(createFunctionEvent(), RULE);
    h.setVariables({ ...ORDINARY, PAYMENT_KEY: 'sk-placeholder' });
    expect(await h.run(updateFunctionConfigurationEvent({ setsEnvironment: true }), RULE)).toEqual([]);
    h.setVariables({ ...ORDINARY, PAYMENT_KEY: STRIPE });
    const [finding] = await h.run(updateFunctionConfigurationEvent({ setsEnvironment: true }, { eventTime: '2025-03-14T10:00:00Z' }), RULE);
    expect(finding?.details).toEqual({ variables: [{ name: 'PAYMENT_KEY', kind: 'Stripe secret key', basis: 'format', baseline: 'changed' }] });
  });

  it('leaves references, UUIDs, base64 image names and ordinary settings alone', async () => {
    const h = configurationHarness();
    await h.run(createFunctionEvent(), RULE);
    h.setVariables(ORDINARY);
    expect(await h.run(updateFunctionConfigurationEvent({ setsEnvironment: true }), RULE)).toEqual([]);
  });

  it('lists every flagged variable in one plan and never a value', () => {
    const state = functionSnapshot({ configuration: { Environment: { Variables: { ...ORDINARY, DATABASE_URL: DB_URL, STRIPE_API_KEY: STRIPE } } } });
    const [finding] = findingsOf(functionEnvPlaintextSecret.evaluate(state, ruleContext()));
    expect(finding?.remediation?.params).toEqual({ functionName: FUNCTION_ARN, variableNames: 'DATABASE_URL,STRIPE_API_KEY' });
    expect(containsSecretFragment(JSON.stringify(finding), [DB_URL, STRIPE])).toBe(false);
  });

  it.each([
    ['configuration not read', functionSnapshot()],
    ['the function no longer exists', functionSnapshot({ configuration: null })],
  ])('is not applicable when %s', (reason, state) => {
    expect(functionEnvPlaintextSecret.evaluate(state, ruleContext())).toEqual({ status: 'not-applicable', reason });
  });

  it('finds nothing on a function without environment variables', () => {
    expect(functionEnvPlaintextSecret.evaluate(functionSnapshot({ configuration: { Runtime: 'nodejs22.x' } }), ruleContext())).toEqual({ status: 'compliant' });
  });
});
