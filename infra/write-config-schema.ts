/** `npm run schema`: writes the configuration's JSON Schema for editors. */
import { writeFileSync } from 'node:fs';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from './config-json-schema';

writeFileSync(CONFIG_SCHEMA_FILE, configJsonSchema());
console.log(`wrote ${CONFIG_SCHEMA_FILE}`);
