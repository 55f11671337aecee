/** How validation failures are worded: every zod issue as `path.to.field: what is wrong`. */
import type * as z from 'zod';

/** The dotted path of an issue, or `whole` for the top level. */
export function issuePath(path: readonly PropertyKey[], whole: string): string {
  return path.length === 0 ? whole : path.map(String).join('.');
}

/** `field: message; other.field: message` for a zod error. */
export function describeIssues(error: z.ZodError, whole: string): string {
  // A record key that fails its own schema (an unknown rule id) says why, not zod's generic "Invalid key in record".
  return error.issues
    .map((issue) => `${issuePath(issue.path, whole)}: ${issue.code === 'invalid_key' ? issue.issues.map((i) => i.message).join(', ') : issue.message}`)
    .join('; ');
}
