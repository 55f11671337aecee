/**
 * `warden`: the command line.
 * @example
 * npx warden simulate --config examples/warden.config.yaml examples/events/*.json
 * npx warden rules --json
 * npx warden scan --config warden.config.yaml --regions us-east-1,eu-west-1 --plan
 */
import { WardenError } from '../functions/shared/errors';
import { RULES } from '../rules';
import { loadConfigFile } from './config-file';
import { loadEventFile } from './event-files';
import { commandHelp, commandSpec, COMMANDS, EXIT_USAGE, parseCommandArgs, topLevelHelp, UsageError, wantsHelp, type CommandSpec } from './help';
import { listRules, renderRulesMarkdown, renderRulesText } from './rules-command';
import { renderRecordText, RuleOverlap, Simulator, slackJsonLines, summaryLine, toJsonRecord, type SimulationRecord } from './simulate';
import { parseScanArgs, runScan } from './scan-command';
import { toolVersion } from './version';
import { loadStateFile } from '../sim/state-file';

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Rewrites one status line on a terminal; absent when stderr is not a TTY or in CI. */
  readonly progress?: (line: string) => void;
}

const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  ...(process.stderr.isTTY && (process.env.CI ?? '') === '' ? { progress: (line: string) => process.stderr.write(`\r\x1b[K${line}`) } : {}),
};

type Values = Record<string, string | boolean | undefined>;
const str = (values: Values, name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
const flag = (values: Values, name: string): boolean => values[name] === true;

/** The outputs of `simulate` that print JSON on stdout: at most one. */
function exclusive(spec: CommandSpec, values: Values, names: readonly string[]): void {
  const given = names.filter((n) => flag(values, n));
  if (given.length > 1) throw new UsageError(`${given.map((n) => `--${n}`).join(' and ')}: choose one`, spec);
}

async function simulate(spec: CommandSpec, args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(spec, args);
  exclusive(spec, values, ['json', 'slack', 'slack-json']);
  if (positionals.length === 0) throw new UsageError('no event file given', spec);
  const configFile = str(values, 'config');
  const stateFile = str(values, 'state');
  const config = await loadConfigFile(configFile);
  if (configFile === undefined) {
    io.err('warden simulate: no --config: the organization is empty (no organization.accounts), so every account counts as outside it and every cross-account grant is a finding; give --config (see examples/warden.config.yaml)');
  }
  const state = stateFile === undefined ? undefined : await loadStateFile(stateFile);
  const apply = flag(values, 'apply');
  const simulator = new Simulator({ rules: RULES, config, apply, ...(state ? { state } : {}) });
  const all: SimulationRecord[] = [];
  const text = !flag(values, 'json') && !flag(values, 'slack-json');
  const overlap = new RuleOverlap();
  try {
    for (const file of positionals) {
      const loaded = await loadEventFile(file);
      const records =
        loaded.error === null
          ? await sequential(loaded.events, (event) => simulator.run(event, file))
          : [{ file, eventId: null, eventName: null, ignored: null, error: loaded.error, findings: [], outcomes: [] }];
      for (const record of records) {
        all.push(record);
        if (flag(values, 'json')) io.out(JSON.stringify(toJsonRecord(record)));
        else if (flag(values, 'slack-json')) for (const line of slackJsonLines(record)) io.out(line);
        else io.out(`${renderRecordText(record, { dryRun: !apply, config, rules: RULES, slack: flag(values, 'slack'), overlap })}\n`);
      }
    }
  } finally {
    simulator.dispose();
  }
  // The totals close the text; JSON output stays one document per line (its consumers count for themselves).
  if (text) io.out(summaryLine(all));
  return all.some((r) => r.error !== null) ? 2 : 0;
}

/** Runs one at a time, in order: each event sees the state the previous ones left. */
async function sequential<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await run(item));
  return results;
}

async function scan(spec: CommandSpec, args: readonly string[], io: Io): Promise<number> {
  const { values } = parseCommandArgs(spec, args);
  const { config: file, ...options } = values;
  const parsed = parseScanArgs(options);
  return runScan(parsed, await loadConfigFile(typeof file === 'string' ? file : undefined), RULES, io);
}

function rules(spec: CommandSpec, args: readonly string[], io: Io): number {
  const { values } = parseCommandArgs(spec, args);
  exclusive(spec, values, ['json', 'markdown']);
  if (flag(values, 'json')) io.out(JSON.stringify(listRules(RULES), null, 2));
  else if (flag(values, 'markdown')) io.out(renderRulesMarkdown(RULES).trimEnd());
  else io.out(renderRulesText(RULES));
  return 0;
}

async function runCommand(spec: CommandSpec, args: readonly string[], io: Io): Promise<number> {
  switch (spec.name) {
    case 'simulate':
      return simulate(spec, args, io);
    case 'rules':
      return rules(spec, args, io);
    case 'scan':
      return scan(spec, args, io);
  }
}

/** Runs a `warden` command; returns the exit status (0 ok, 1 scan findings, 2 invalid events, 4 incomplete scan, 64 usage, 78 bad config/state/options/credentials). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version') {
    io.out(toolVersion());
    return 0;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    const spec = rest[0] === undefined ? undefined : commandSpec(rest[0]);
    io.out(spec === undefined ? topLevelHelp(toolVersion()) : commandHelp(spec));
    return 0;
  }
  if (command === undefined) {
    io.err(topLevelHelp(toolVersion()));
    return EXIT_USAGE;
  }
  const spec = commandSpec(command);
  try {
    if (spec === undefined) throw new UsageError(`unknown command "${command}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`, undefined);
    if (wantsHelp(rest)) {
      io.out(commandHelp(spec));
      return 0;
    }
    return await runCommand(spec, rest, io);
  } catch (e: unknown) {
    if (e instanceof UsageError) {
      const name = e.command === undefined ? 'warden' : `warden ${e.command.name}`;
      const usage = e.command === undefined ? 'Usage: warden <command> [options]' : `Usage: ${e.command.usage}`;
      io.err(`${name}: ${e.message}\n${usage}\nRun "${name} --help" for details.`);
      return EXIT_USAGE;
    }
    if (e instanceof WardenError) {
      io.err(`warden: ${e.message}`);
      return 78;
    }
    throw e;
  }
}
