import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const manifest = parse(readFileSync(new URL('../../slack/manifest.yaml', import.meta.url), 'utf8')) as {
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean; event_subscriptions?: unknown };
  features: { slash_commands?: unknown; bot_user: { display_name: string } };
};

describe('slack/manifest.yaml', () => {
  it('asks for the least scopes: posting its own messages and reading user groups (approvers)', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(['chat:write', 'usergroups:read']);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  it('enables interactivity only, with a placeholder for the stack output SlackInteractivityUrl', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toMatch(/^https:\/\/.*SlackInteractivityUrl.*\/slack\/interactions$/);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.event_subscriptions).toBeUndefined();
    expect(manifest.features.slash_commands).toBeUndefined();
  });
});
