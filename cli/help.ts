/**
 * The `warden` commands as data: each command's options (what `parseArgs` accepts and what `--help` says are
 * one table, so they cannot drift), its help text, and usage errors worded for people instead of Node's raw
 * `parseArgs` messages.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a command writes: stdout, stderr, and a terminal's status line. */
export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Rewrites one status line on a terminal; absent when stderr is not a TTY or in CI. */
  readonly progress?: (line: string) => void;
}

/** Exit status of a usage error (BSD `EX_USAGE`). */
export const EXIT_USAGE = 64;

interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in help (`FILE`, `ID,…`). */
  readonly value?: string;
  readonly help: string;
}

export interface CommandSpec {
  readonly name: 'simulate' | 'rules' | 'scan';
  readonly summary: string;
  readonly usage: string;
  readonly description: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals: boolean;
  readonly exit: readonly string[];
  readonly examples: readonly string[];
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'simulate',
    summary: 'replay CloudTrail events into an in-memory organization and show what the bot would find and do',
    usage: 'warden simulate [--config FILE] [--state FILE] [--apply] [--json | --slack | --slack-json] EVENT.json…',
    description: [
      'Each EVENT.json is one CloudTrail event (EventBridge envelope or bare record), an array of them, or a CloudTrail',
      'log file ({"Records": […]}). Events run in order on the same in-memory organization, with the same engine, executor',
      'and messages as the deployed bot. Nothing leaves this machine: no AWS call, no Slack post.',
    ],
    options: {
      config: { type: 'string', value: 'FILE', help: 'the Warden configuration (YAML or JSON). Without it: the defaults, with an empty organization, so every account counts as outside it' },
      state: { type: 'string', value: 'FILE', help: 'seed the in-memory organization with functions, layers and roles (see examples/state.json); without it, it starts empty' },
      apply: { type: 'boolean', help: 'let the bot change the in-memory organization: auto reverts and verifies, approve stays pending (default: dry-run)' },
      json: { type: 'boolean', help: 'one JSON object per event: findings and outcomes' },
      slack: { type: 'boolean', help: 'also show each Slack message the notifier would post, as text, with its channel' },
      'slack-json': { type: 'boolean', help: 'print only the Block Kit JSON of each message the notifier would post, one {"blocks": […]} per line (paste one into Slack\'s Block Kit Builder)' },
    },
    positionals: true,
    exit: ['0 every event was read', '2 an event file was invalid (the others still ran)', '64 usage error', '78 invalid configuration or state file'],
    examples: [
      'warden simulate --config warden.config.example.yaml --state examples/state.json examples/events/*.json',
      'warden simulate --config warden.config.example.yaml --slack examples/events/01-public-invoke-permission.json',
    ],
  },
  {
    name: 'rules',
    summary: 'list the rule catalog: id, severity, default mode, triggers, remediation and the IAM permissions it needs',
    usage: 'warden rules [--json | --markdown]',
    description: ['The ids are the keys of `rules`, `accounts.*.rules`, `ous.*.rules` and `exemptions.resources[].rules` in the configuration.'],
    options: {
      json: { type: 'boolean', help: 'the catalog as JSON' },
      markdown: { type: 'boolean', help: 'the catalog as the Markdown of docs/RULES.md' },
    },
    positionals: false,
    exit: ['0 always (64 on a usage error)'],
    examples: ['warden rules', 'warden rules --json'],
  },
  {
    name: 'scan',
    summary: 'judge the functions, layer versions and execution roles that exist today, with your AWS credentials (read-only)',
    usage: 'warden scan [--config FILE] [--accounts ID,…] [--regions R,…] [--role-name NAME] [--concurrency N] [--json | --sarif] [--plan]',
    description: [
      'Uses the standard AWS credential chain (AWS_PROFILE, `aws sso login`, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, …).',
      'Lists the organization\'s accounts with organizations:ListAccounts (or takes --accounts), assumes the read-only audit',
      'role in each, and evaluates every rule. It never changes anything.',
    ],
    options: {
      config: { type: 'string', value: 'FILE', help: 'the Warden configuration (regions, organization, audit role, rule modes)' },
      accounts: { type: 'string', value: 'ID,…', help: 'scan these 12-digit account ids instead of listing the organization' },
      regions: { type: 'string', value: 'R,…', help: 'scan these regions (default: deployment.regions of the configuration)' },
      'role-name': { type: 'string', value: 'NAME', help: 'the role to assume in each account (default: auditRoleName, WardenAuditor)' },
      concurrency: { type: 'string', value: 'N', help: 'accounts scanned at once, 1–64' },
      json: { type: 'boolean', help: 'one JSON document (findings in the shape of simulate --json)' },
      sarif: { type: 'boolean', help: 'SARIF 2.1.0 for code-scanning tools; each result is located at its resource ARN' },
      plan: { type: 'boolean', help: 'add the remediation each finding would get' },
    },
    positionals: false,
    exit: ['0 complete, nothing found', '1 findings', '4 incomplete (an account or region could not be read)', '64 usage error', '78 invalid configuration, options or credentials'],
    examples: ['AWS_PROFILE=security warden scan --config warden.config.yaml --regions us-east-1,eu-west-1 --plan', 'warden scan --accounts 111122223333 --sarif > warden.sarif'],
  },
];

export function commandSpec(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

const column = (items: readonly (readonly [string, string])[]): string[] => {
  const width = Math.max(...items.map(([left]) => left.length));
  return items.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
};

/** The top-level help: every command and what it does, the global options. */
export function topLevelHelp(version: string): string {
  return [
    `warden ${version}: Lambda Warden's command line`,
    '',
    'Usage: warden <command> [options]',
    '',
    'Commands:',
    ...column(COMMANDS.map((c) => [c.name, c.summary])),
    '',
    'Options:',
    ...column([
      ['-h, --help', 'show this help; `warden <command> --help` shows a command\'s options'],
      ['--version', 'print the version'],
    ]),
    '',
    'Examples:',
    ...COMMANDS.map((c) => `  ${c.examples[0] ?? ''}`),
  ].join('\n');
}

/** One command's help: usage, what it does, every option, the exit statuses. */
export function commandHelp(spec: CommandSpec): string {
  const options: (readonly [string, string])[] = Object.entries(spec.options).map(([name, o]) => [`--${name}${o.value === undefined ? '' : ` ${o.value}`}`, o.help]);
  options.push(['-h, --help', 'show this help']);
  return [
    `Usage: ${spec.usage}`,
    '',
    `${spec.summary[0]?.toUpperCase() ?? ''}${spec.summary.slice(1)}.`,
    ...spec.description,
    '',
    'Options:',
    ...column(options),
    '',
    'Exit status:',
    ...spec.exit.map((e) => `  ${e}`),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
  ].join('\n');
}

/** A command line the command does not accept: `message` is one line for people. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command: CommandSpec | undefined,
  ) {
    super(message);
  }
}

/** True when the arguments ask for help (before a `--` that ends the options). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Node's parseArgs error, said in one line (its own messages carry an unbalanced quote and a hint about `--`). */
function usageMessage(e: Error & { code: string }): string {
  const quoted = /'([^']*)'/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? e.message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted === undefined ? '' : `"${quoted}"`}: this command takes options only`.replace('  ', ' ');
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = quoted?.split(' ')[0] ?? 'an option';
      return e.message.includes('does not take an argument') ? `option ${option} takes no value` : `option ${option} needs a value`;
    }
    default:
      return e.message;
  }
}

const isParseArgsError = (e: unknown): e is Error & { code: string } => e instanceof TypeError && 'code' in e && typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS');

/**
 * Parses a command's arguments against its table.
 * @throws UsageError with a one-line message instead of Node's parseArgs errors.
 */
export function parseCommandArgs(spec: CommandSpec, args: readonly string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries(spec.options)) options[name] = o.type === 'boolean' ? { type: 'boolean', default: false } : { type: 'string' };
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: spec.positionals, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e: unknown) {
    if (isParseArgsError(e)) throw new UsageError(usageMessage(e), spec);
    throw e;
  }
}

/** Parsed option values. */
export type Values = Readonly<Record<string, string | boolean | undefined>>;
export const str = (values: Values, name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
export const flag = (values: Values, name: string): boolean => values[name] === true;

/** At most one of `names` may be given. @throws UsageError */
export function exclusive(spec: CommandSpec, values: Values, names: readonly string[]): void {
  const given = names.filter((n) => flag(values, n));
  if (given.length > 1) throw new UsageError(`${given.map((n) => `--${n}`).join(' and ')}: choose one`, spec);
}
