/**
 * `warden`: the command line.
 * @example
 * npx warden simulate --config examples/warden.config.yaml examples/events/*.json
 * npx warden rules --json
 * npx warden scan --config warden.config.yaml --regions us-east-1,eu-west-1 --plan
 */
import { parseArgs } from 'node:util';
import { WardenError } from '../functions/shared/errors';
import { RULES } from '../rules';
import { loadConfigFile } from './config-file';
import { loadEventFile } from './event-files';
import { listRules, renderRulesMarkdown, renderRulesText } from './rules-command';
import { renderRecordText, Simulator, toJsonRecord } from './simulate';
import { parseScanArgs, runScan } from './scan-command';
import { loadStateFile } from '../sim/state-file';

const USAGE = `Usage:
  warden simulate [--state FILE] [--config FILE] [--json] [--apply] EVENT.json…
  warden rules [--json | --markdown]
  warden scan [--config FILE] [--accounts ID,…] [--regions R,…] [--role-name NAME] [--concurrency ACCOUNTS] [--json | --sarif] [--plan]
      exit status: 0 nothing found, 1 findings, 4 incomplete (an account or region could not be read)`;

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

async function simulate(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { state: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean', default: false }, apply: { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) {
    io.err(`warden simulate: no event file given\n${USAGE}`);
    return 64;
  }
  const config = await loadConfigFile(values.config);
  const state = values.state === undefined ? undefined : await loadStateFile(values.state);
  const simulator = new Simulator({ rules: RULES, config, apply: values.apply, ...(state ? { state } : {}) });
  let invalid = false;
  try {
    for (const file of positionals) {
      const loaded = await loadEventFile(file);
      const records =
        loaded.error === null
          ? await sequential(loaded.events, (event) => simulator.run(event, file))
          : [{ file, eventId: null, eventName: null, ignored: null, error: loaded.error, findings: [], outcomes: [] }];
      for (const record of records) {
        if (record.error !== null) invalid = true;
        io.out(values.json ? JSON.stringify(toJsonRecord(record)) : `${renderRecordText(record, !values.apply, config.slack)}\n`);
      }
    }
  } finally {
    simulator.dispose();
  }
  return invalid ? 2 : 0;
}

/** Runs one at a time, in order: each event sees the state the previous ones left. */
async function sequential<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await run(item));
  return results;
}

async function scan(args: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string' },
      accounts: { type: 'string' },
      regions: { type: 'string' },
      'role-name': { type: 'string' },
      concurrency: { type: 'string' },
      json: { type: 'boolean', default: false },
      sarif: { type: 'boolean', default: false },
      plan: { type: 'boolean', default: false },
    },
  });
  const { config: file, ...options } = values;
  const parsed = parseScanArgs(options);
  return runScan(parsed, await loadConfigFile(file), RULES, io);
}

function rules(args: readonly string[], io: Io): number {
  const { values } = parseArgs({ args: [...args], options: { json: { type: 'boolean', default: false }, markdown: { type: 'boolean', default: false } } });
  if (values.json) io.out(JSON.stringify(listRules(RULES), null, 2));
  else if (values.markdown) io.out(renderRulesMarkdown(RULES).trimEnd());
  else io.out(renderRulesText(RULES));
  return 0;
}

/** Runs a `warden` command; returns the exit status (0 ok, 1 scan findings, 2 invalid events, 4 incomplete scan, 64 usage, 78 bad config/state/options). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'simulate':
        return await simulate(rest, io);
      case 'rules':
        return rules(rest, io);
      case 'scan':
        return await scan(rest, io);
      case undefined:
      case '--help':
      case 'help':
        io.out(USAGE);
        return command === undefined ? 64 : 0;
      default:
        io.err(`warden: unknown command "${command}"\n${USAGE}`);
        return 64;
    }
  } catch (e: unknown) {
    if (e instanceof WardenError) {
      io.err(`warden: ${e.message}`);
      return 78;
    }
    if (e instanceof TypeError && 'code' in e && typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`warden: ${e.message}\n${USAGE}`);
      return 64;
    }
    throw e;
  }
}
