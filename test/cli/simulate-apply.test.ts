import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';

const ARGS = ['--config', 'warden.config.example.yaml', '--state', 'examples/state.json'];
const PUBLIC = 'examples/events/01-public-invoke-permission.json';
const URL = 'examples/events/04-function-url-auth-none.json';

async function run(argv: readonly string[]): Promise<{ status: number; out: string[] }> {
  const out: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: () => undefined };
  return { status: await main(argv, io), out };
}

type Outcome = { ruleId: string; status: string; call: string | null; detail: string; verified?: boolean; approval?: { id: string } };

function outcomes(out: readonly string[]): Outcome[][] {
  return out.map((line) => (JSON.parse(line) as { outcomes: Outcome[] }).outcomes);
}

describe('warden simulate --apply', () => {
  it('is dry-run by default: each outcome says what would be done', async () => {
    const { status, out } = await run(['simulate', '--json', ...ARGS, PUBLIC, PUBLIC]);
    expect(status).toBe(0);
    const [first, second] = outcomes(out);
    expect(first?.map((o) => o.status)).toEqual(['dry-run']);
    expect(first?.[0]?.detail).toMatch(/^dry-run: would run lambda:RemovePermission .*StatementId=allow-everyone$/);
    // The same event delivered again: the finding is found again, but handled once.
    expect(second?.map((o) => o.status)).toEqual(['duplicate']);
  });

  it('changes the in-memory account with --apply: auto remediates and verifies, approve stays pending', async () => {
    const { out } = await run(['simulate', '--json', '--apply', ...ARGS, PUBLIC, URL]);
    const [publicOutcomes, urlOutcomes, urlPolicyOutcomes] = outcomes(out);
    expect(publicOutcomes?.map((o) => [o.ruleId, o.status, o.verified])).toEqual([['function-public-access', 'remediated', true]]);
    expect(urlOutcomes?.map((o) => [o.ruleId, o.status])).toEqual([['function-url-public', 'pending-approval']]);
    expect(urlOutcomes?.[0]?.approval?.id).toMatch(/^wa-[0-9a-f]{24}$/);
    expect(urlPolicyOutcomes?.map((o) => [o.ruleId, o.status])).toEqual([['function-public-access', 'remediated']]);
  });

  it('prints the outcome of each action in text', async () => {
    const { out } = await run(['simulate', '--apply', ...ARGS, PUBLIC]);
    expect(out.join('\n')).toContain('Outcome: remediated (verified): removed statement "allow-everyone"');
  });
});
