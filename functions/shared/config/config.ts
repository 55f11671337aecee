/**
 * The Warden configuration (`warden.config.yaml` or JSON), validated at the edge.
 * Field names are a contract: extend them, never rename them.
 */
import * as z from 'zod';
import { lazyObject, lazySchema } from '../lazy-schema';
import { InvalidConfigError } from '../errors';
import { describeIssues } from '../validation';
import { DEFAULT_PROTECTED_ROLES, PROTECTED_ROLE_ENTRY } from './protected-role-entries';
import { RuleIdSchema } from './rule-id';
import { ModeSchema, type Mode } from '../contract/finding';

const accountId = lazySchema(() => z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));
const slackChannel = lazySchema(() => z.string().regex(/^[CDG][A-Z0-9]{2,}$/, 'must be a Slack channel id such as "C012ABCDEF"'));

const RuleOverrideSchema = lazySchema(() => z.strictObject({
  mode: ModeSchema.optional(),
}));

export const WardenConfigSchema = lazySchema(() => z.strictObject({
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
  /** The read-only role scans (`warden scan`, the scheduled scan) assume in member accounts: only the reads the scan calls. */
  auditRoleName: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
    .default('WardenAuditor'),
  dryRun: z.boolean().default(true),
  rules: z.record(RuleIdSchema, RuleOverrideSchema).default({}),
  /** Per-account overrides (win over OU and rule); `ou` places the account in an OU of `ous`. */
  accounts: z
    .record(accountId, z.strictObject({ ou: z.string().regex(/^ou-[a-z0-9]+-[a-z0-9]+$/, 'must be an OU id such as "ou-ab12-cd34ef56"').optional(), rules: z.record(RuleIdSchema, RuleOverrideSchema).default({}) }))
    .default({}),
  /** Per-OU overrides (win over the rule's); `accounts` lists the OU's member accounts. */
  ous: z.record(z.string(), z.strictObject({ accounts: z.array(accountId).default([]), rules: z.record(RuleIdSchema, RuleOverrideSchema).default({}) })).default({}),
  /** Resources never remediated: ARN patterns (`*`, `?`), each for all rules or the listed ones. */
  exemptions: z
    .strictObject({
      resources: z.array(z.strictObject({ arn: z.string().min(1), rules: z.array(RuleIdSchema).optional(), reason: z.string().optional() })).default([]),
      /**
       * Roles whose `warden:exempt*` tag changes count at once: role names or role ARNs, `*` and `?` allowed.
       * Any other tag counts only once it was in place before the change it would excuse (recorded by a scan).
       */
      tagPrincipals: z.array(z.string().min(1)).default([]),
    })
    .default({ resources: [], tagPrincipals: [] }),
  /**
   * The bot's own resources: never remediated, every change reported. They are the central stack's resources in
   * the security account (names starting with `centralStack`, else `stackPrefix`), exactly what the member
   * template creates in every account (`functions/shared/self/member-resources.ts`), and `resources`.
   */
  selfProtection: z
    .strictObject({
      stackPrefix: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be a CloudFormation stack name prefix').default('Warden'),
      resources: z.array(z.string().min(1)).default([]),
      /** The security account holding the central stack. The deployed functions get it from their stack (`WARDEN_SECURITY_ACCOUNT`); set it for `warden simulate` and `warden scan`. */
      securityAccount: accountId.optional(),
      /** The central stack's name (deployed: `WARDEN_STACK_NAME`); its resources in the security account are named `<centralStack>-…`. */
      centralStack: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a CloudFormation stack name').optional(),
    })
    .default({ stackPrefix: 'Warden', resources: [] }),
  /**
   * What the remediator may change. `iamWrites: false` removes every IAM write from the member role (the
   * execution-role fixes become instructions for a person); `protectedRoles` are never written by the bot
   * (an explicit Deny on the role, and the executor refuses first): role names (any path) or `path/name`
   * patterns, `*` and `?` allowed.
   */
  remediation: z
    .strictObject({
      iamWrites: z.boolean().default(true),
      protectedRoles: z.array(z.string().regex(PROTECTED_ROLE_ENTRY, 'must be a role name or a "path/name" pattern such as "aws-reserved/sso.amazonaws.com/*" (letters, digits, +=,.@_-, / between path parts, * and ?)')).default([...DEFAULT_PROTECTED_ROLES]),
    })
    .default({ iamWrites: true, protectedRoles: [...DEFAULT_PROTECTED_ROLES] }),
  /** Pending approvals expire after this many hours. */
  approvalExpiryHours: z.number().positive().max(24 * 30).default(24),
  /**
   * Within `windowMinutes`, more than `maxRemediations` automatic remediations in one account, more than
   * `maxPerPrincipal` for changes by one principal, or more than `maxGlobal` in all, switch `auto` to `approve`
   * for that account, principal, or everything — one account's burst never changes what happens in another.
   */
  circuitBreaker: z
    .strictObject({
      /** Per account. */
      maxRemediations: z.number().int().positive().default(10),
      windowMinutes: z.number().int().positive().default(15),
      /** Per principal whose changes are reverted (the role behind a session). */
      maxPerPrincipal: z.number().int().positive().default(5),
      /** Across the organization. */
      maxGlobal: z.number().int().positive().default(100),
    })
    .default({ maxRemediations: 10, windowMinutes: 15, maxPerPrincipal: 5, maxGlobal: 100 }),
  /** What a scan of existing resources reads beyond its budget of about three calls per function. */
  scan: z
    .strictObject({
      /**
       * Read each function's asynchronous invocation config (`GetFunctionEventInvokeConfig`, one more call per
       * function) so `function-destination-outside-org` judges destinations too; dead-letter queues are judged
       * from the listing either way.
       */
      readAsyncDestinations: z.boolean().default(false),
      /**
       * List every REST and HTTP API of each region and read what each stage serves (`GetRestApis`/`GetApis`, then per
       * API `GetRestApi`/`GetApi` + `GetStages` + one export per deployed stage: about 2 + stages calls per API, not
       * bounded by the number of functions) so `function-api-route-unauthenticated` is judged in scans.
       */
      readApis: z.boolean().default(false),
      /** Read each function's recursion config (`GetFunctionRecursionConfig`, one more call per function) for `function-recursive-loop-allowed`. */
      readRecursion: z.boolean().default(false),
      /** Read each function's reserved concurrency (`GetFunctionConcurrency`, one more call per function) for `function-concurrency-zeroed`. */
      readConcurrency: z.boolean().default(false),
      /**
       * Read each function's code-signing config (`GetFunctionCodeSigningConfig`, one more call per function, plus
       * `GetCodeSigningConfig` per function using one) for `function-code-signing-weakened`.
       */
      readCodeSigning: z.boolean().default(false),
    })
    .default({ readAsyncDestinations: false, readApis: false, readRecursion: false, readConcurrency: false, readCodeSigning: false }),
  /** Where and how the CDK app deploys (read by `infra/`, ignored by the functions). */
  deployment: z
    .strictObject({
      /** The security (delegated administrator) account's region for the central stack. */
      homeRegion: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as "eu-west-1"').default('us-east-1'),
      /** Regions watched in every member account; IAM events arrive in us-east-1 only, so it is always watched. */
      regions: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as "eu-west-1"')).min(1).default(['us-east-1']),
      /** Organizational units (or the root `r-…`) the member StackSet deploys to. */
      memberOus: z.array(z.string().regex(/^(ou-[a-z0-9]+-[a-z0-9]+|r-[a-z0-9]+)$/, 'must be an OU id ("ou-ab12-cd34ef56") or the root id ("r-ab12")')).default([]),
      /** Days CloudWatch keeps the bot's own logs. */
      logRetentionDays: z.number().int().positive().default(90),
      /** Role ARNs besides the scheduled scanner's that may assume the audit role (operators running `warden scan`). */
      auditorPrincipals: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN such as "arn:aws:iam::111122223333:role/SecurityAudit"')).default([]),
    })
    .default({ homeRegion: 'us-east-1', regions: ['us-east-1'], memberOus: [], logRetentionDays: 90, auditorPrincipals: [] }),
  /** Slack: where alerts go, who may approve, and when a burst becomes one digest. */
  slack: z
    .strictObject({
      /** Channel id (`C…`) for everything not routed elsewhere. */
      defaultChannel: slackChannel.optional(),
      /** Channel per severity (wins over `defaultChannel`). */
      channelsBySeverity: z.partialRecord(z.enum(['critical', 'high', 'medium', 'low', 'info']), slackChannel).default({}),
      /** Channel per account (wins over severity). */
      channelsByAccount: z.record(accountId, slackChannel).default({}),
      /** Who may press Approve / Reject / Quarantine / Restore: Slack user ids and/or members of user groups. */
      approvers: z
        .strictObject({
          userIds: z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as "U012ABCDEF"')).default([]),
          userGroups: z.array(z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id such as "S012ABCDEF"')).default([]),
        })
        .default({ userIds: [], userGroups: [] }),
      /** More than `maxFindings` findings from one principal within `windowSeconds` are posted as one digest. */
      digest: z
        .strictObject({ maxFindings: z.number().int().positive().default(5), windowSeconds: z.number().int().positive().default(60) })
        .default({ maxFindings: 5, windowSeconds: 60 }),
    })
    .default({ channelsBySeverity: {}, channelsByAccount: {}, approvers: { userIds: [], userGroups: [] }, digest: { maxFindings: 5, windowSeconds: 60 } }),
  /** A runtime whose deprecation date is at most this many days away is reported as soon deprecated. */
  runtimeDeprecationWarningDays: z.number().int().nonnegative().max(3650).default(90),
  /**
   * A function's log group kept for fewer days than this is reported when its retention is set (`PutRetentionPolicy`,
   * rule `function-log-retention-shortened`); 0 turns the check off. "Never expire" always passes.
   */
  minimumLogRetentionDays: z.number().int().nonnegative().max(3653).default(30),
  /** Roles allowed to change function code (`UpdateFunctionCode`): role names or role ARNs, `*` and `?` allowed. */
  deployerRoles: z.array(z.string().min(1)).default([]),
  /** Accounts whose functions must run in a VPC. */
  requireVpc: z.strictObject({ accounts: z.array(accountId).default([]) }).default({ accounts: [] }),
  /** Accounts outside the organization whose layers functions may use (for example AWS-published layers). */
  layerAllowList: z.strictObject({ accounts: z.array(accountId).default([]) }).default({ accounts: [] }),
  /**
   * Member heartbeats: every account × region sends one every `rateMinutes` (a scheduled rule of the member
   * stack, through the forwarder role); one silent for more than `silenceMinutes` is a critical alert.
   */
  heartbeat: z
    .strictObject({
      rateMinutes: z.number().int().min(1).max(60).default(5),
      silenceMinutes: z.number().int().min(2).max(7 * 24 * 60).default(30),
    })
    .refine((h) => h.silenceMinutes >= 2 * h.rateMinutes, { message: 'silenceMinutes must be at least twice rateMinutes (one late heartbeat is not silence)', path: ['silenceMinutes'] })
    .default({ rateMinutes: 5, silenceMinutes: 30 }),
}));

export type WardenConfig = z.infer<typeof WardenConfigSchema>;

/** The configuration used when none is given: dry-run, no organization, no overrides (parsed on first use). */
export const DEFAULT_CONFIG: WardenConfig = lazyObject(() => WardenConfigSchema.parse({}));

/**
 * Validates a configuration object.
 * @throws InvalidConfigError naming each offending field.
 */
export function parseConfig(input: unknown, origin = 'configuration'): WardenConfig {
  const result = WardenConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new InvalidConfigError(`Invalid ${origin}: ${describeIssues(result.error, '(top level)')}`, { cause: result.error });
}

/**
 * Parses the configuration as JSON text (the form the functions get it in, `WARDEN_CONFIG`);
 * YAML files are read by `config-file.ts`, which keeps the YAML parser out of the functions' bundles.
 */
export function parseConfigJson(text: string, origin = 'configuration'): WardenConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e: unknown) {
    throw new InvalidConfigError(`${origin} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return parseConfig(data, origin);
}

/**
 * The mode a rule runs in for an account. Precedence: account override > OU override > rule
 * override > the rule's default. Without `account`, only the rule override applies.
 */
export function resolveMode(config: WardenConfig, ruleId: string, defaultMode: Mode, account?: string): Mode {
  if (account !== undefined) {
    const accountMode = config.accounts[account]?.rules[ruleId]?.mode;
    if (accountMode !== undefined) return accountMode;
    const ou = ouOf(config, account);
    const ouMode = ou === undefined ? undefined : config.ous[ou]?.rules[ruleId]?.mode;
    if (ouMode !== undefined) return ouMode;
  }
  return config.rules[ruleId]?.mode ?? defaultMode;
}

/** The OU an account belongs to by the config: its own `ou`, else the OU listing it. */
export function ouOf(config: WardenConfig, account: string): string | undefined {
  const own = config.accounts[account]?.ou;
  if (own !== undefined) return own;
  return Object.entries(config.ous).find(([, ou]) => ou.accounts.includes(account))?.[0];
}

/** Accounts the bot treats as "ours": the organization's members. */
export function isOrganizationAccount(config: WardenConfig, account: string): boolean {
  return config.organization.accounts.includes(account);
}

/** Accounts trusted although outside the organization (config allow-list). */
export function isAllowListedAccount(config: WardenConfig, account: string): boolean {
  return config.allowList.accounts.includes(account);
}
