/** Configuration text as people write it (YAML, of which JSON is a subset): for the CLI and the CDK app. */
import { parse as parseYaml } from 'yaml';
import { InvalidConfigError } from '../errors';
import { parseConfig, type WardenConfig } from './config';

/** Parses and validates configuration text. @throws InvalidConfigError naming the field. */
export function parseConfigText(text: string, origin = 'configuration'): WardenConfig {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e: unknown) {
    throw new InvalidConfigError(`${origin} is not valid YAML or JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return parseConfig(data, origin);
}
