/**
 * `warden`: the command line.
 * @example
 * npx warden simulate --config warden.config.example.yaml examples/events/*.json
 * npx warden rules --json
 * npx warden scan --config warden.config.yaml --regions us-east-1,eu-west-1 --plan
 */
import { WardenError } from '../functions/shared/errors';
import { commandHelp, type Io, commandSpec, COMMANDS, EXIT_USAGE, topLevelHelp, UsageError, wantsHelp, type CommandSpec } from './help';
import { toolVersion } from './version';

export type { Io } from './help';

const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  ...(process.stderr.isTTY && (process.env.CI ?? '') === '' ? { progress: (line: string) => process.stderr.write(`\r\x1b[K${line}`) } : {}),
};

async function runCommand(spec: CommandSpec, args: readonly string[], io: Io): Promise<number> {
  // Each command is loaded when it runs: `warden rules` and `--help` never load the AWS SDK or the simulator.
  switch (spec.name) {
    case 'simulate':
      return (await import('./simulate-command')).simulateCommand(spec, args, io);
    case 'rules':
      return (await import('./rules-command')).rulesCommand(spec, args, io);
    case 'scan':
      return (await import('./scan-command')).scanCommand(spec, args, io);
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

/** The warning `warden` prints once on a Node the AWS SDK will stop supporting, or null. */
export function nodeVersionWarning(version: string): string | null {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? '0');
  if (major >= 22) return null;
  return `warden: running on Node ${version}; AWS SDK v3 versions published from January 2027 need Node 22 or later (the versions pinned here still run on Node 20)`;
}

/** A closed pipe (`warden rules | head`) ends the process quietly; any other write error stays an error. */
export function exitQuietlyOnClosedPipe(stream: NodeJS.EventEmitter, exit: (code: number) => void): void {
  stream.on('error', (e: unknown) => {
    if (e instanceof Error && 'code' in e && e.code === 'EPIPE') exit(0);
    else throw e;
  });
}

/** The process entry point (bin/warden.mjs): sets `process.exitCode`. */
export async function runCli(argv: readonly string[]): Promise<void> {
  exitQuietlyOnClosedPipe(process.stdout, (code) => process.exit(code));
  // The SDK's own warning is several lines per process and module copy: say it once, in one line.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Only `scan` calls AWS; the offline commands stay quiet.
  const warning = argv[0] === 'scan' && !wantsHelp(argv) ? nodeVersionWarning(process.version) : null;
  if (warning !== null) process.stderr.write(`${warning}\n`);
  process.exitCode = await main(argv);
}
