/** `npm run schema`: writes the configuration's JSON Schema for editors and its reference (docs/CONFIGURATION.md). */
import { writeFileSync } from 'node:fs';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from './config-json-schema';
import { CONFIG_REFERENCE_FILE, configReference } from './config-reference';

writeFileSync(CONFIG_SCHEMA_FILE, configJsonSchema());
writeFileSync(CONFIG_REFERENCE_FILE, configReference());
console.log(`wrote ${CONFIG_SCHEMA_FILE}, ${CONFIG_REFERENCE_FILE}`);
