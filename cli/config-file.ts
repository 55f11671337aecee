/** Reads the Warden configuration file (YAML or JSON) for the CLI. */
import { readFile } from 'node:fs/promises';
import { DEFAULT_CONFIG, type WardenConfig } from '../functions/shared/config/config';
import { parseConfigText } from '../functions/shared/config/config-file';
import { InvalidConfigError } from '../functions/shared/errors';

/** The configuration in `file`, or the defaults (dry-run, no organization) when no file is given. */
export async function loadConfigFile(file: string | undefined): Promise<WardenConfig> {
  if (file === undefined) return DEFAULT_CONFIG;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e: unknown) {
    throw new InvalidConfigError(`Cannot read configuration file ${file}`, { cause: e });
  }
  return parseConfigText(text, `configuration file ${file}`);
}
