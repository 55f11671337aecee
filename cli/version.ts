/** The tool's version, from package.json (one level above both `cli/` and the prebuilt `dist/`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

export function toolVersion(): string {
  try {
    const text = readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8');
    return z.object({ version: z.string() }).parse(JSON.parse(text)).version;
  } catch {
    return '0.0.0';
  }
}
