/**
 * The CDK app `cdk synth` runs: reads and validates the configuration, then builds the central
 * stack and the management account's member stack. An invalid configuration exits with status 78
 * and a message naming the field.
 * @example
 * npx cdk synth          # offline, no credentials
 * npx cdk deploy WardenCentral
 */
import { WardenError } from '../functions/shared/errors';
import { loadDeployConfig } from './deploy-config';
import { buildWardenApp } from './warden-app';

try {
  const { config, file } = loadDeployConfig();
  if (file === 'warden.config.example.yaml') console.error('warden: no warden.config.yaml, synthesizing the example configuration (copy and edit it before deploying)');
  buildWardenApp(config).app.synth();
} catch (e: unknown) {
  if (e instanceof WardenError) {
    console.error(`warden: ${e.message}`);
    process.exit(78);
  }
  throw e;
}
