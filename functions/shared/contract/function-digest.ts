/**
 * A function's Inspector digest as the state table stores it (issue #18): one entry per Inspector finding,
 * named facts only (CVE, package, installed and fixed version, scores; detector and file for code findings).
 * The notifier writes and renders it; the store keeps it and validates each entry read back.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';

/** Packages named per entry (the Warden finding keeps up to ten; the digest names the first three). */
export const DIGEST_PACKAGES = 3;
/** Entries a digest stores; later new findings are counted (`overflow`), not stored. */
export const DIGEST_ENTRIES_MAX = 100;

const short = lazySchema(() => z.string().max(200));

export const DigestEntrySchema = lazySchema(() => z.strictObject({
  findingArn: z.string().min(1).max(200),
  findingType: short,
  severity: z.enum(['critical', 'high', 'medium', 'low']),
  vulnerabilityId: short.optional(),
  cvss: z.number().min(0).max(10).optional(),
  inspectorScore: z.number().min(0).max(10).optional(),
  packages: z.array(z.strictObject({ name: short, installedVersion: short, fixedInVersion: short.optional() })).max(DIGEST_PACKAGES),
  morePackages: z.number().int().min(0).optional(),
  detector: z.strictObject({ name: short, filePath: short }).optional(),
  updatedAt: short,
}));
export type DigestEntry = z.infer<typeof DigestEntrySchema>;

/** A function's digest as stored: its entries (by entry key), the message once posted, and new findings past the cap. */
export interface FunctionDigest {
  readonly entries: Readonly<Record<string, DigestEntry>>;
  readonly ts?: string;
  readonly overflow: number;
}

/** Whether `addToFunctionDigest` stored a new entry, replaced one (an update by Inspector), or only counted it (cap reached). */
export type DigestAddition = 'added' | 'replaced' | 'counted';

/** Stored entries read back: each validated, a malformed one dropped (they only feed a message). */
export function validEntries(raw: Readonly<Record<string, unknown>>): Record<string, DigestEntry> {
  const out: Record<string, DigestEntry> = {};
  for (const [key, value] of Object.entries(raw)) {
    const parsed = DigestEntrySchema.safeParse(value);
    if (parsed.success) out[key] = parsed.data;
  }
  return out;
}
