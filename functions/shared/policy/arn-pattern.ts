/** ARN patterns of the config (allow-lists, the bot's own resources): `*` matches any run of characters, `?` one. */

const cache = new Map<string, RegExp>();

function patternBody(pattern: string): string {
  return pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
}

function compile(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^${patternBody(pattern)}$`);
    cache.set(pattern, re);
  }
  return re;
}

/** One expression matching an ARN that any of the patterns matches (as {@link arnMatches} would). */
export function anyArnPattern(patterns: readonly string[]): RegExp {
  // An empty list matches nothing.
  return patterns.length === 0 ? /(?!)/ : new RegExp(`^(?:${patterns.map(patternBody).join('|')})$`);
}

/** True when the ARN matches the pattern (whole string, case-sensitive, like IAM ARN matching). */
export function arnMatches(pattern: string, arn: string): boolean {
  return compile(pattern).test(arn);
}

/** The ARN without a function qualifier (`…:function:name:alias` → `…:function:name`). */
export function unqualifiedArn(arn: string): string {
  const match = /^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+):[^:]+$/.exec(arn);
  return match?.[1] ?? arn;
}
