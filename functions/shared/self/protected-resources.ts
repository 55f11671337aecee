/**
 * The bot's own resources, recognised exactly: the central stack's in the security account, what the
 * member template creates in any account, and the configured `selfProtection.resources` patterns.
 * Pure: rules and the executor ask the same question.
 */
import type { WardenConfig } from '../config/config';
import { anyArnPattern, unqualifiedArn } from '../policy/arn-pattern';
import { isCentralStackResource } from './central-resources';
import { isMemberTemplateResource } from './member-resources';

/**
 * The configured ARN patterns of the bot's own resources (`selfProtection.resources`). The central stack's
 * resources and the member template's are recognised exactly, by {@link isProtectedResource}, not by pattern.
 */
export function protectedResourcePatterns(config: WardenConfig): readonly string[] {
  return config.selfProtection.resources;
}

/** The configured patterns as one expression, and the answers already given, per config (a rule asks for every function event). */
const protectedMatchers = new WeakMap<WardenConfig, { readonly matcher: RegExp; readonly answers: Map<string, boolean> }>();
/** Answers kept per config; past this the memo starts over (a container sees a bounded set of ARNs). */
const MAX_REMEMBERED_ARNS = 10_000;

/**
 * True when the resource is one of the bot's own: the central stack's in the security account, exactly what
 * the member template creates in any account, or one of `selfProtection.resources` (a qualified function
 * counts as its function). A member account's `WardenPayments` is an ordinary function.
 */
export function isProtectedResource(config: WardenConfig, arn: string): boolean {
  let entry = protectedMatchers.get(config);
  if (entry === undefined) {
    entry = { matcher: anyArnPattern(protectedResourcePatterns(config)), answers: new Map() };
    protectedMatchers.set(config, entry);
  }
  let answer = entry.answers.get(arn);
  if (answer === undefined) {
    answer = entry.matcher.test(arn) || entry.matcher.test(unqualifiedArn(arn)) || isCentralStackResource(config, arn) || isMemberTemplateResource(config, arn);
    if (entry.answers.size >= MAX_REMEMBERED_ARNS) entry.answers.clear();
    entry.answers.set(arn, answer);
  }
  return answer;
}
