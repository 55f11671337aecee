/**
 * The Warden configuration (`warden.config.yaml` or JSON), validated at the edge.
 * Field names are a contract: extend them, never rename them.
 */
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { InvalidConfigError } from '../errors';

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
export const ModeSchema = z.enum(['alert', 'approve', 'auto']);
export type Mode = z.infer<typeof ModeSchema>;

const RuleOverrideSchema = z.strictObject({
  mode: ModeSchema.optional(),
});

export const WardenConfigSchema = z.strictObject({
  organization: z
    .strictObject({
      id: z
        .string()
        .regex(/^o-[a-z0-9]{10,32}$/, 'must be an AWS Organizations id such as "o-a1b2c3d4e5"')
        .optional(),
      accounts: z.array(accountId).default([]),
    })
    .default({ accounts: [] }),
  allowList: z
    .strictObject({
      accounts: z.array(accountId).default([]),
    })
    .default({ accounts: [] }),
  remediatorRoleName: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
    .default('WardenRemediator'),
  dryRun: z.boolean().default(true),
  rules: z.record(z.string(), RuleOverrideSchema).default({}),
});

export type WardenConfig = z.infer<typeof WardenConfigSchema>;

/** The configuration used when none is given: dry-run, no organization, no overrides. */
export const DEFAULT_CONFIG: WardenConfig = WardenConfigSchema.parse({});

/**
 * Validates a configuration object.
 * @throws InvalidConfigError naming each offending field.
 */
export function parseConfig(input: unknown, origin = 'configuration'): WardenConfig {
  const result = WardenConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const reasons = result.error.issues.map((issue) => {
    const path = issue.path.length === 0 ? '(top level)' : issue.path.map(String).join('.');
    return `${path}: ${issue.message}`;
  });
  throw new InvalidConfigError(`Invalid ${origin}: ${reasons.join('; ')}`, { cause: result.error });
}

/** Parses configuration text (YAML, of which JSON is a subset). */
export function parseConfigText(text: string, origin = 'configuration'): WardenConfig {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e: unknown) {
    throw new InvalidConfigError(`${origin} is not valid YAML or JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return parseConfig(data, origin);
}

/** The mode a rule runs in for an account: the config override, else the rule's default. */
export function resolveMode(config: WardenConfig, ruleId: string, defaultMode: Mode): Mode {
  return config.rules[ruleId]?.mode ?? defaultMode;
}

/** Accounts the bot treats as "ours": the organization's members. */
export function isOrganizationAccount(config: WardenConfig, account: string): boolean {
  return config.organization.accounts.includes(account);
}

/** Accounts trusted although outside the organization (config allow-list). */
export function isAllowListedAccount(config: WardenConfig, account: string): boolean {
  return config.allowList.accounts.includes(account);
}
