/**
 * The JSON Schema of `warden.config.yaml` for editors, generated from the same zod schema that
 * validates it (`npm run schema` writes `warden.config.schema.json`; a test keeps it current).
 */
import * as z from 'zod';
import { WardenConfigSchema } from '../functions/shared/config/config';

/** Where the generated schema is committed (the example configuration points its editors there). */
export const CONFIG_SCHEMA_FILE = 'warden.config.schema.json';

/** The schema as written to {@link CONFIG_SCHEMA_FILE}: what a person may write (defaults make fields optional). */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(WardenConfigSchema, { io: 'input', target: 'draft-2020-12' });
  const titled = {
    $schema: schema.$schema,
    title: 'Lambda Warden configuration (warden.config.yaml)',
    description: 'Generated from WardenConfigSchema (functions/shared/config/config.ts) by `npm run schema`: do not edit by hand. `cdk synth` also requires organization.id.',
    ...schema,
  };
  return `${JSON.stringify(titled, null, 2)}\n`;
}
