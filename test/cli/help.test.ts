import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/help';
import { exitQuietlyOnClosedPipe, main, nodeVersionWarning, type Io } from '../../cli/main';

async function run(argv: readonly string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const status = await main(argv, io);
  return { status, out: out.join('\n'), err: err.join('\n') };
}

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('warden help and version', () => {
  it.each(COMMANDS.flatMap((c) => [[c.name, '--help'], [c.name, '-h']]))('warden %s %s prints the command\'s help and exits 0', async (command, option) => {
    const { status, out, err } = await run([command, option]);
    expect(status).toBe(0);
    expect(err).toBe('');
    const spec = COMMANDS.find((c) => c.name === command);
    expect(out.startsWith(`Usage: warden ${command}`)).toBe(true);
    for (const [name, o] of Object.entries(spec?.options ?? {})) expect(out).toContain(`--${name}${o.value === undefined ? '' : ` ${o.value}`}  `);
    expect(out).toContain('Exit status:');
  });

  it('prints help even after other (even unknown) options', async () => {
    const { status, out } = await run(['scan', '--bogus', '--help']);
    expect(status).toBe(0);
    expect(out).toContain('Usage: warden scan');
  });

  it.each([['--help'], ['-h'], ['help']])('warden %s says what each command does and exits 0', async (option) => {
    const { status, out } = await run([option]);
    expect(status).toBe(0);
    for (const c of COMMANDS) expect(out).toMatch(new RegExp(`^  ${c.name} +${c.summary.replace(/[()]/g, '\\$&')}$`, 'm'));
    expect(out).toMatch(/^ {2}--version +print the version$/m);
  });

  it('warden help <command> prints that command\'s help', async () => {
    expect((await run(['help', 'simulate'])).out).toContain('--slack-json');
  });

  it('warden --version prints the package version and exits 0', async () => {
    expect(await run(['--version'])).toEqual({ status: 0, out: VERSION, err: '' });
  });

  it('warden without a command prints the help on stderr and exits 64', async () => {
    const { status, err } = await run([]);
    expect(status).toBe(64);
    expect(err).toContain('Commands:');
  });
});

describe('warden usage errors', () => {
  it.each([
    [['simulate', '--bogus', 'x.json'], 'warden simulate: unknown option --bogus'],
    [['scan', '--config'], 'warden scan: option --config needs a value'],
    [['rules', '--json=yes'], 'warden rules: option --json takes no value'],
    [['rules', 'extra'], 'warden rules: unexpected argument "extra": this command takes options only'],
    [['rules', '--json', '--markdown'], 'warden rules: --json and --markdown: choose one'],
    [['simulate', '--json', '--slack-json', 'x.json'], 'warden simulate: --json and --slack-json: choose one'],
    [['simulate'], 'warden simulate: no event file given'],
    [['frobnicate'], 'warden: unknown command "frobnicate" (commands: simulate, rules, scan)'],
  ])('%j: one line saying what is wrong, the usage, exit 64', async (argv, message) => {
    const { status, out, err } = await run(argv);
    expect(status).toBe(64);
    expect(out).toBe('');
    const lines = err.split('\n');
    expect(lines[0]).toBe(message);
    expect(lines[1]).toMatch(/^Usage: warden/);
    expect(err).not.toContain('To specify a positional argument');
  });
});

describe('warden process behaviour', () => {
  it('ends quietly with status 0 when stdout is a closed pipe, and rethrows other write errors', () => {
    const stream = new EventEmitter();
    const exits: number[] = [];
    exitQuietlyOnClosedPipe(stream, (code) => exits.push(code));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(exits).toEqual([0]);
    expect(() => stream.emit('error', Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toThrow('no space');
    expect(exits).toEqual([0]);
  });

  it('warns once, in one line, on a Node older than 22', () => {
    expect(nodeVersionWarning('v20.20.2')).toBe('warden: running on Node v20.20.2; AWS SDK v3 versions published from January 2027 need Node 22 or later (the versions pinned here still run on Node 20)');
    expect(nodeVersionWarning('v22.0.0')).toBeNull();
    expect(nodeVersionWarning('v24.11.1')).toBeNull();
  });
});
