/** The events after which the configuration rules judge a function, and how a finding names the change. */
import type { RuleContext, Trigger } from '../rule';

/** `CreateFunction`, `UpdateFunctionConfiguration`, `UpdateFunctionCode` (every versioned spelling). */
export const CONFIGURATION_TRIGGER: Trigger = {
  eventSource: 'lambda.amazonaws.com',
  eventNames: ['CreateFunction', 'UpdateFunctionConfiguration', 'UpdateFunctionCode'],
};

/** "by <who> (<event>)", or "found by a scan" without an event. */
export function changeOrigin(context: RuleContext): string {
  const event = context.event;
  if (event === undefined) return 'found by a scan';
  return `after ${event.eventName} by ${event.actor.arn ?? event.actor.type}`;
}

/** The account of an ARN (`arn:aws:lambda:us-east-1:123456789012:layer:x:1` → `123456789012`), or null. */
export function accountOfArn(arn: string): string | null {
  return /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? null;
}
