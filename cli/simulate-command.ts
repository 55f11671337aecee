/** `warden simulate` as a command: options, output (text, --json, --slack, --slack-json) and the closing summary. */
import { RULES } from '../rules';
import { loadStateFile } from '../sim/state-file';
import { loadConfigFile } from './config-file';
import { loadEventFile } from './event-files';
import { exclusive, flag, parseCommandArgs, str, UsageError, type CommandSpec, type Io } from './help';
import { renderRecordText, RuleOverlap, Simulator, slackJsonLines, summaryLine, toJsonRecord, type SimulationRecord } from './simulate';

export async function simulateCommand(spec: CommandSpec, args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(spec, args);
  exclusive(spec, values, ['json', 'slack', 'slack-json']);
  if (positionals.length === 0) throw new UsageError('no event file given', spec);
  const configFile = str(values, 'config');
  const stateFile = str(values, 'state');
  const config = await loadConfigFile(configFile);
  if (configFile === undefined) {
    io.err('warden simulate: no --config: the organization is empty (no organization.accounts), so every account counts as outside it and every cross-account grant is a finding; give --config (see warden.config.example.yaml)');
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

