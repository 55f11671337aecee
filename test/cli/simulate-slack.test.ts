import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';

async function run(argv: readonly string[]): Promise<{ status: number; out: string }> {
  const out: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => out.push(line) };
  const status = await main(argv, io);
  return { status, out: out.join('\n') };
}

function config(content: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-slack-'));
  const file = join(dir, 'warden.config.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const EVENTS = ['examples/events/01-public-invoke-permission.json', 'examples/events/02-s3-permission-without-source-arn.json', 'examples/events/09-failed-add-permission.json'];

describe('warden simulate: the Slack messages', () => {
  it('prints each message it would post, with its channel, under the finding', async () => {
    const file = config({ organization: { accounts: ['111122223333'] }, slack: { defaultChannel: 'C0WARDEN', channelsBySeverity: { critical: 'C0CRITICAL' } } });
    const { status, out } = await run(['simulate', '--slack', '--state', 'examples/state.json', '--config', file, ...EVENTS]);
    expect(status).toBe(0);
    expect(out).toContain('    Slack message to C0CRITICAL:\n    │ 🔴 CRITICAL · Function resource policy lets any principal invoke it\n    │ Account: 111122223333 · Region: us-east-1 · Rule: function-public-access · Mode: auto (dry-run)');
    expect(out).toContain('    │   It would run: lambda:RemovePermission FunctionName=arn:aws:lambda:us-east-1:111122223333:function:orders-api StatementId=allow-everyone');
    expect(out).toContain('    │   AddPermission20150331v2 at 2025-03-14 09:26:53 UTC · CloudTrail event <https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/');
    expect(out).toContain('    Slack message to C0WARDEN:\n    │ 🟠 HIGH · Function resource policy lets an AWS service invoke it for any account');
    // An ignored event posts nothing.
    expect(out.split('Slack message')).toHaveLength(3);
  });

  it('shows the buttons of a pending approval when remediations are applied', async () => {
    const file = config({ organization: { accounts: ['111122223333'] }, slack: { defaultChannel: 'C0WARDEN' } });
    const { out } = await run(['simulate', '--slack', '--apply', '--state', 'examples/state.json', '--config', file, EVENTS[1]!]);
    expect(out).toContain('    │ Buttons: [Approve] [Quarantine] [Reject (keep the change)] [Reject and exempt for 30 days]');
    expect(out).toContain('    │   Waiting for an approver (expires ');
  });

  it('says when no channel is configured', async () => {
    const file = config({ organization: { accounts: ['111122223333'] } });
    const { out } = await run(['simulate', '--slack', '--state', 'examples/state.json', '--config', file, EVENTS[0]!]);
    expect(out).toContain('    Slack message (no channel configured: SNS only):');
  });
});
