/** `npm run docs:security`: regenerates the README's security-model tables from the synthesized templates (example configuration). */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseDeployConfig } from './deploy-config';
import { securityModelBlocks, withGeneratedBlocks } from './security-model';

const config = parseDeployConfig(readFileSync('warden.config.example.yaml', 'utf8'), 'warden.config.example.yaml');
writeFileSync('README.md', withGeneratedBlocks(readFileSync('README.md', 'utf8'), securityModelBlocks(config)));
console.log('wrote README.md (security model tables)');
