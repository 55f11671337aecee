/** The tool's version, from the package.json above this module (`cli/` from source, `dist/cli/` when prebuilt). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from 'zod';

const PackageSchema = z.object({ name: z.literal('lambda-warden'), version: z.string() });

export function toolVersion(): string {
  let dir = import.meta.dirname;
  for (let depth = 0; depth < 3; depth++) {
    dir = dirname(dir);
    try {
      return PackageSchema.parse(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).version;
    } catch {
      // not this directory's package.json: look one level up
    }
  }
  return '0.0.0';
}
