import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';

async function simulateJson(args: readonly string[]): Promise<{ findings: { ruleId: string; severity: string; mode: string; remediation: unknown }[]; outcomes: { status: string }[] }[]> {
  const out: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => out.push(line) };
  expect(await main(['simulate', '--state', 'examples/state.json', '--config', 'warden.config.example.yaml', '--json', ...args], io)).toBe(0);
  return out.map((line) => JSON.parse(line) as { findings: { ruleId: string; severity: string; mode: string; remediation: unknown }[]; outcomes: { status: string }[] });
}

describe('GuardDuty example (issue #18)', () => {
  it('judges the documented sample finding on examples/state.json: the high finding plans an isolation recording concurrency 25 and the one enabled mapping', async () => {
    const [record] = await simulateJson(['examples/events/41-guardduty-lambda-c2-activity.json']);
    expect(record?.findings).toEqual([
      expect.objectContaining({
        ruleId: 'function-runtime-threat',
        severity: 'high',
        mode: 'approve',
        remediation: {
          action: 'isolate-function',
          params: { functionName: 'arn:aws:lambda:us-east-1:111122223333:function:image-resizer', previousConcurrency: 25, mappings: '6d9bce8e-836b-442c-8070-74e77903c213' },
        },
      }),
    ]);
    expect(record?.outcomes.map((o) => o.status)).toEqual(['dry-run']);
  });
});
