import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';
import { summaryLine, type SimulationRecord } from '../../cli/simulate';

async function run(argv: readonly string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const status = await main(argv, io);
  return { status, out: out.join('\n'), err: err.join('\n') };
}

function configFile(content: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'warden-simulate-output-')), 'warden.config.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const SEEDED = ['--state', 'examples/state.json', '--config', 'warden.config.example.yaml'];
const PUBLIC = 'examples/events/01-public-invoke-permission.json';
const S3 = 'examples/events/02-s3-permission-without-source-arn.json';
const CROSS = 'examples/events/03-cross-account-invoke-permission.json';
const URL = 'examples/events/04-function-url-auth-none.json';
const FAILED = 'examples/events/09-failed-add-permission.json';
const TRUST = 'examples/events/23-role-trust-opened-to-foreign-account.json';

describe('warden simulate output', () => {
  it('closes with a summary line: findings by severity, clean, ignored, invalid', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'warden-broken-')), 'broken.json');
    writeFileSync(broken, '{ not json');
    const { status, out } = await run(['simulate', ...SEEDED, PUBLIC, S3, FAILED, 'examples/events/07-function-url-aws-iam.json', broken]);
    expect(status).toBe(2);
    expect(out.split('\n').at(-1)).toBe('5 event(s): 2 finding(s) (1 critical, 1 high, 0 medium, 0 low); 1 clean, 1 ignored, 1 invalid');
  });

  it('counts from the records', () => {
    const base = { file: 'f', eventId: 'e', eventName: 'n', ignored: null, error: null, findings: [], outcomes: [] };
    const records: SimulationRecord[] = [base, { ...base, ignored: 'failed call' }, { ...base, error: 'bad' }];
    expect(summaryLine(records)).toBe('3 event(s): 0 finding(s) (0 critical, 0 high, 0 medium, 0 low); 1 clean, 1 ignored, 1 invalid');
  });

  it('says the status of an outcome once, and prints no empty field', async () => {
    const { out } = await run(['simulate', '--slack', ...SEEDED, PUBLIC, CROSS]);
    expect(out).toContain('    Outcome: dry-run: would run lambda:RemovePermission');
    expect(out).not.toContain('dry-run: dry-run:');
    // A field with nothing after its name ("organizations: ") is left out.
    expect(out).not.toMatch(/: +$/m);
    expect(out).not.toContain('organizations:');
  });

  it('prints What and Why once: the Slack rendering only with --slack, and then in place of the terminal lines', async () => {
    const plain = (await run(['simulate', ...SEEDED, PUBLIC])).out;
    expect(plain.match(/Anyone on the internet, in any AWS account/g)).toHaveLength(1);
    expect(plain).not.toContain('Slack message');
    const slack = (await run(['simulate', '--slack', ...SEEDED, PUBLIC])).out;
    expect(slack.match(/Anyone on the internet, in any AWS account/g)).toHaveLength(1);
    expect(slack).toContain('    Slack message to C012ABCDEF:');
    expect(slack).not.toContain('    What: ');
  });

  it('--slack-json prints the Block Kit the notifier would post, one {"blocks": […]} per message and nothing else', async () => {
    const { status, out } = await run(['simulate', '--slack-json', ...SEEDED, PUBLIC, S3, FAILED]);
    expect(status).toBe(0);
    const messages = out.split('\n').map((line) => JSON.parse(line) as { blocks: { type: string; text?: { text: string } }[] });
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(Object.keys(message)).toEqual(['blocks']);
    expect(messages[0]?.blocks[0]?.type).toBe('header');
    expect(messages[0]?.blocks[0]?.text?.text).toContain('Function resource policy lets any principal invoke it');
    expect(messages[1]?.blocks.map((b) => b.type)).toContain('section');
  });

  it('without --config says the organization is empty, so every account counts as outside it', async () => {
    const { err } = await run(['simulate', PUBLIC]);
    expect(err).toContain('warden simulate: no --config: the organization is empty (no organization.accounts), so every account counts as outside it');
    expect((await run(['simulate', ...SEEDED, PUBLIC])).err).toBe('');
  });

  it('refuses a configuration with a misspelled rule id (exit 78), naming the field and the likely id', async () => {
    const file = configFile({ organization: { accounts: ['111122223333'] }, rules: { 'function-url-publc': { mode: 'alert' } } });
    const { status, out, err } = await run(['simulate', '--config', file, PUBLIC]);
    expect(status).toBe(78);
    expect(out).toBe('');
    expect(err).toContain('rules.function-url-publc: unknown rule id "function-url-publc"; did you mean "function-url-public"?');
  });

  it('says why a rule runs in another mode than configured (no saved baseline)', async () => {
    const { out } = await run(['simulate', ...SEEDED, TRUST]);
    expect(out).toContain('    Mode: approve instead of auto (the rule\'s default): no saved baseline to restore, so the fix would be a guess and a person decides');
  });

  it('lets an explicit override win over the rule\'s own choice, and then says nothing about it', async () => {
    const file = configFile({ organization: { accounts: ['111122223333'] }, ous: { 'ou-ab12-cd34ef56': { accounts: ['111122223333'], rules: { 'execution-role-trust-opened': { mode: 'auto' } } } } });
    const { out } = await run(['simulate', '--state', 'examples/state.json', '--config', file, TRUST]);
    expect(out).toContain('    Plan (auto, dry-run): would revert at once iam:UpdateAssumeRolePolicy');
    expect(out).not.toContain('    Mode: ');
  });

  it('says when the circuit breaker turned auto into approve', async () => {
    const file = configFile({ organization: { accounts: ['111122223333'] }, circuitBreaker: { maxRemediations: 1, windowMinutes: 15 } });
    const { out } = await run(['simulate', '--apply', '--state', 'examples/state.json', '--config', file, PUBLIC, URL]);
    expect(out).toContain('    Outcome: remediated (verified): removed statement "allow-everyone"');
    expect(out).toContain('    Mode: approve instead of auto: circuit breaker open (more than 1 automatic remediations within 15 minutes)');
  });

  it('says why nothing will be changed on an exempt resource', async () => {
    const file = configFile({ organization: { accounts: ['111122223333'] }, exemptions: { resources: [{ arn: 'arn:aws:lambda:*:*:function:orders-api', rules: ['function-public-access'], reason: 'public API, reviewed' }] } });
    const { out } = await run(['simulate', '--state', 'examples/state.json', '--config', file, PUBLIC]);
    expect(out).toMatch(/ {4}Exempt \(allow-list\): .*public API, reviewed.*; nothing will be changed/);
  });

  it('says when two rules act differently on one change (a console-made public function URL)', async () => {
    const { out } = await run(['simulate', ...SEEDED, URL]);
    expect(out).toContain(
      '  Note: two rules act differently on one change: function-public-access (auto) is reverted at once while function-url-public (approve), on the same resource, waits for an approver.',
    );
  });
});
