/**
 * Who may press the decision buttons: Slack user ids from the config, or members of the config's
 * user groups (`usergroups.users.list` through the real WebClient, cached briefly). Fails closed.
 */
import type { WebClient } from '@slack/web-api';
import type { WardenConfig } from '../config/config';
import { WardenError } from '../errors';

/** Slack could not say whether a user is in an approver group: nobody is let through. */
export class ApproverCheckError extends WardenError {}

export interface ApproverCheckOptions {
  readonly approvers: WardenConfig['slack']['approvers'];
  /** The bot's WebClient (created lazily: the token comes from Secrets Manager). */
  readonly client: () => Promise<WebClient>;
  /** How long a group's members are cached (default 60 s). */
  readonly cacheSeconds?: number;
  readonly now?: () => Date;
}

/**
 * @example
 * const approvers = new ApproverCheck({ approvers: config.slack.approvers, client: () => slackClient() });
 * if (!(await approvers.isAllowed(interaction.userId))) return notAllowed();
 */
export class ApproverCheck {
  private readonly groups = new Map<string, { readonly members: ReadonlySet<string>; readonly until: number }>();
  private readonly now: () => Date;

  constructor(private readonly options: ApproverCheckOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** @throws ApproverCheckError when a group's members cannot be read. */
  async isAllowed(userId: string): Promise<boolean> {
    if (this.options.approvers.userIds.includes(userId)) return true;
    for (const group of this.options.approvers.userGroups) {
      if ((await this.members(group)).has(userId)) return true;
    }
    return false;
  }

  private async members(group: string): Promise<ReadonlySet<string>> {
    const now = this.now().getTime();
    const cached = this.groups.get(group);
    if (cached !== undefined && cached.until > now) return cached.members;
    let users: readonly string[];
    try {
      const client = await this.options.client();
      const out = await client.usergroups.users.list({ usergroup: group });
      users = out.users ?? [];
    } catch (e: unknown) {
      throw new ApproverCheckError(`Reading the members of user group ${group} failed: ${e instanceof Error ? e.message : 'unknown error'}`, { cause: e });
    }
    const members = new Set(users);
    this.groups.set(group, { members, until: now + (this.options.cacheSeconds ?? 60) * 1000 });
    return members;
  }
}
