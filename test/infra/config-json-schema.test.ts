import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from '../../infra/config-json-schema';

describe('configuration JSON Schema', () => {
  it('is committed exactly as generated from the zod schema (run `npm run schema` after changing it)', () => {
    expect(readFileSync(CONFIG_SCHEMA_FILE, 'utf8')).toBe(configJsonSchema());
  });

  it('describes the fields people write, with their constraints', () => {
    const schema = JSON.parse(configJsonSchema()) as {
      additionalProperties: boolean;
      properties: Record<string, { properties?: Record<string, { pattern?: string; items?: { pattern?: string } }> }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.organization?.properties?.id?.pattern).toBe('^o-[a-z0-9]{10,32}$');
    expect(schema.properties.deployment?.properties?.regions?.items?.pattern).toBeDefined();
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['organization', 'dryRun', 'rules', 'deployment', 'slack', 'deployerRoles', 'allowList']));
  });

  it('is the schema the example configuration names for editors', () => {
    expect(readFileSync('warden.config.example.yaml', 'utf8')).toContain(`$schema=./${CONFIG_SCHEMA_FILE}`);
  });
});
