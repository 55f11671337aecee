/** Which Slack channel a message goes to: per account, else per severity, else the default channel. */
import type { WardenConfig } from '../config/config';

export type SlackConfig = WardenConfig['slack'];

/** `channelsByAccount` > `channelsBySeverity` > `defaultChannel`; null when none applies (Slack is skipped, SNS still gets it). */
export function channelFor(slack: SlackConfig, target: { readonly account?: string; readonly severity: string }): string | null {
  if (target.account !== undefined) {
    const byAccount = slack.channelsByAccount[target.account];
    if (byAccount !== undefined) return byAccount;
  }
  const bySeverity = (slack.channelsBySeverity as Readonly<Record<string, string | undefined>>)[target.severity];
  return bySeverity ?? slack.defaultChannel ?? null;
}
