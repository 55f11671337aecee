import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';

interface SimulatedRecord {
  ignored: string | null;
  findings: { ruleId: string; severity: string; mode: string; summary: string; remediation: unknown }[];
  outcomes: { status: string }[];
}

async function simulateJson(args: readonly string[]): Promise<SimulatedRecord[]> {
  const out: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => out.push(line) };
  expect(await main(['simulate', '--state', 'examples/state.json', '--config', 'warden.config.example.yaml', '--json', ...args], io)).toBe(0);
  return out.map((line) => JSON.parse(line) as SimulatedRecord);
}

describe('Access Analyzer example (issue #18)', () => {
  it('judges the function the documented sample names on its current policy in examples/state.json: the foreign grant is asked for approval, removing that statement only', async () => {
    const [record] = await simulateJson(['examples/events/43-access-analyzer-cross-account-function.json']);
    expect(record?.ignored).toBeNull();
    expect(record?.findings).toEqual([
      expect.objectContaining({
        ruleId: 'function-cross-account-principal',
        severity: 'high',
        mode: 'approve',
        summary: expect.stringContaining('reported by IAM Access Analyzer (finding 22222222-dcba-4444-dcba-333333333333)') as unknown,
        remediation: expect.objectContaining({
          action: 'remove-function-permission',
          params: expect.objectContaining({ functionName: 'arn:aws:lambda:us-east-1:111122223333:function:reports-export', statementId: 'partner-invoke' }) as unknown,
        }) as unknown,
      }),
    ]);
    expect(record?.outcomes.map((o) => o.status)).toEqual(['dry-run']);
  });
});
