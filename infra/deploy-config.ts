/**
 * Reads the deployment's `warden.config.yaml` for the CDK app: the same validated schema as the
 * functions, plus what only a deployment needs (an organization id). An invalid file fails
 * `cdk synth` with the field and what is wrong.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { WardenConfig } from '../functions/shared/config/config';
import { parseConfigText } from '../functions/shared/config/config-file';
import { InvalidConfigError } from '../functions/shared/errors';

export type DeployConfig = WardenConfig & { readonly organization: { readonly id: string } };

/** Validates configuration text for a deployment. @throws InvalidConfigError naming the field. */
export function parseDeployConfig(text: string, origin: string): DeployConfig {
  const config = parseConfigText(text, origin);
  const orgId = config.organization.id;
  if (orgId === undefined) {
    throw new InvalidConfigError(`Invalid ${origin}: organization.id: required to deploy (the event bus and the remediator role trust only this organization)`);
  }
  if (!config.deployment.regions.includes(config.deployment.homeRegion)) {
    throw new InvalidConfigError(`Invalid ${origin}: deployment.regions: must include deployment.homeRegion (${config.deployment.homeRegion})`);
  }
  return { ...config, organization: { ...config.organization, id: orgId } };
}

/** The file named by `WARDEN_CONFIG_FILE`, else `warden.config.yaml`, else the bundled example. */
export function loadDeployConfig(env: NodeJS.ProcessEnv = process.env): { config: DeployConfig; file: string } {
  const candidates = [env.WARDEN_CONFIG_FILE, 'warden.config.yaml', 'warden.config.example.yaml'].filter((f): f is string => f !== undefined && f !== '');
  const file = candidates.find((f) => existsSync(f));
  if (file === undefined) throw new InvalidConfigError(`No configuration file: looked for ${candidates.join(', ')}`);
  return { config: parseDeployConfig(readFileSync(file, 'utf8'), `configuration file ${file}`), file };
}
