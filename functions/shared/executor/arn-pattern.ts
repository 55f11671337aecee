/** ARN patterns of the config (allow-lists, the bot's own resources): `*` matches any run of characters, `?` one. */

const cache = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re === undefined) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`);
    cache.set(pattern, re);
  }
  return re;
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
