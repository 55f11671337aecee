import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';

interface JsonRecord {
  findings: { ruleId: string; severity: string; mode: string; remediation: unknown; summary: string }[];
  outcomes: { status: string }[];
}

async function simulateJson(args: readonly string[]): Promise<JsonRecord[]> {
  const out: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => out.push(line) };
  expect(await main(['simulate', '--state', 'examples/state.json', '--config', 'warden.config.example.yaml', '--json', ...args], io)).toBe(0);
  return out.map((line) => JSON.parse(line) as JsonRecord);
}

describe('Inspector example (issue #18)', () => {
  it('judges the documented sample finding on examples/state.json: a high alert naming the package, installed and fixed version, CVE and CVSS, with no plan', async () => {
    const [record] = await simulateJson(['examples/events/42-inspector-lambda-package-vulnerability.json']);
    expect(record?.findings).toEqual([expect.objectContaining({ ruleId: 'function-vulnerable-dependency', severity: 'high', mode: 'alert', remediation: null })]);
    expect(record?.findings[0]?.summary).toBe(
      'Inspector reports a vulnerable dependency in arn:aws:lambda:us-east-1:111122223333:function:image-resizer: CVE-2021-23337 in lodash 4.17.15 (fixed in 4.17.21), CVSS 7.2, Inspector score 7.2 (HIGH).',
    );
    expect(record?.outcomes.map((o) => o.status)).toEqual(['alerted']);
  });
});
