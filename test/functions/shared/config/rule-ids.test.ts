import { describe, expect, it } from 'vitest';
import { parseConfig, parseConfigJson } from '../../../../functions/shared/config/config';
import { closestRuleId, editDistance } from '../../../../functions/shared/config/rule-id';
import { InvalidConfigError } from '../../../../functions/shared/errors';
import { configJsonSchema } from '../../../../infra/config-json-schema';
import { parseDeployConfig } from '../../../../infra/deploy-config';
import { RULES } from '../../../../rules';

const TYPO = 'function-url-publc';
const ACCOUNT = '111122223333';
const OU = 'ou-ab12-cd34ef56';

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (e: unknown) {
    expect(e).toBeInstanceOf(InvalidConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('rule ids in the configuration', () => {
  it.each([
    ['rules', { rules: { [TYPO]: { mode: 'alert' } } }, `rules.${TYPO}`],
    ['accounts.*.rules', { accounts: { [ACCOUNT]: { rules: { [TYPO]: { mode: 'alert' } } } } }, `accounts.${ACCOUNT}.rules.${TYPO}`],
    ['ous.*.rules', { ous: { [OU]: { rules: { [TYPO]: { mode: 'alert' } } } } }, `ous.${OU}.rules.${TYPO}`],
    ['exemptions.resources[].rules', { exemptions: { resources: [{ arn: 'arn:aws:lambda:*:*:function:x', rules: ['function-public-access', TYPO] }] } }, 'exemptions.resources.0.rules.1'],
  ])('rejects an unknown id under %s, naming the field and the id it was probably meant to be', (_where, config, path) => {
    expect(errorOf(() => parseConfig(config))).toBe(
      `Invalid configuration: ${path}: unknown rule id "${TYPO}"; did you mean "function-url-public"? (\`warden rules\` lists the ids)`,
    );
  });

  it('accepts every catalog id everywhere', () => {
    const overrides = Object.fromEntries(RULES.map((rule) => [rule.id, { mode: 'alert' }]));
    const config = parseConfig({ rules: overrides, accounts: { [ACCOUNT]: { rules: overrides } }, ous: { [OU]: { rules: overrides } }, exemptions: { resources: [{ arn: '*', rules: RULES.map((r) => r.id) }] } });
    expect(Object.keys(config.rules)).toEqual(RULES.map((r) => r.id));
  });

  it('offers no suggestion for an id that resembles none', () => {
    expect(errorOf(() => parseConfig({ rules: { 'my-own-rule': {} } }))).toBe('Invalid configuration: rules.my-own-rule: unknown rule id "my-own-rule" (`warden rules` lists the ids)');
  });

  it('is refused by the functions (WARDEN_CONFIG) and by cdk synth (the deploy configuration)', () => {
    expect(errorOf(() => parseConfigJson(JSON.stringify({ rules: { [TYPO]: { mode: 'auto' } } }), 'WARDEN_CONFIG'))).toContain(`rules.${TYPO}: unknown rule id`);
    expect(errorOf(() => parseDeployConfig(`organization:\n  id: o-a1b2c3d4e5\nrules:\n  ${TYPO}:\n    mode: alert\n`, 'configuration file x.yaml'))).toContain(
      `Invalid configuration file x.yaml: rules.${TYPO}: unknown rule id "${TYPO}"; did you mean "function-url-public"?`,
    );
  });

  it('lists the catalog ids in the JSON Schema for editors (rules keys and exemption rules)', () => {
    interface Node { properties?: Record<string, Node>; propertyNames?: { enum?: string[] }; additionalProperties?: Node | boolean; items?: Node; enum?: string[] }
    const schema = JSON.parse(configJsonSchema()) as Node;
    const ids = RULES.map((r) => r.id);
    expect(schema.properties?.rules?.propertyNames?.enum).toEqual(ids);
    const accountEntry = schema.properties?.accounts?.additionalProperties as Node;
    expect(accountEntry.properties?.rules?.propertyNames?.enum).toEqual(ids);
    const ouEntry = schema.properties?.ous?.additionalProperties as Node;
    expect(ouEntry.properties?.rules?.propertyNames?.enum).toEqual(ids);
    expect(schema.properties?.exemptions?.properties?.resources?.items?.properties?.rules?.items?.enum).toEqual(ids);
  });

  it('measures edit distance and picks the closest id', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closestRuleId('layer-version-publik')).toBe('layer-version-public');
    expect(closestRuleId('execution-role-admin')).toBe('execution-role-admin-access');
    expect(closestRuleId('zzz')).toBeUndefined();
  });
});
