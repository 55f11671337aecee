import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';
import { trust, updateAssumeRolePolicyEvent } from '../fixtures/iam';

async function simulateJson(file: string, apply = false): Promise<{ findings: { ruleId: string; mode: string; remediation: { action: string } | null }[]; outcomes: { status: string }[] }[]> {
  const out: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => out.push(line) };
  const args = ['simulate', '--state', 'examples/state.json', '--config', 'warden.config.example.yaml', '--json', ...(apply ? ['--apply'] : []), file];
  expect(await main(args, io)).toBe(0);
  return out.map((line) => JSON.parse(line) as { findings: { ruleId: string; mode: string; remediation: { action: string } | null }[]; outcomes: { status: string }[] });
}

describe('execution-role examples', () => {
  it.each([
    ['21-role-inline-admin-policy.json', [['execution-role-admin-access', 'approve', 'delete-role-policy']]],
    ['22-role-privilege-escalation-url-encoded.json', [['execution-role-privilege-escalation', 'approve', 'delete-role-policy']]],
    ['23-role-trust-opened-to-foreign-account.json', [['execution-role-trust-opened', 'approve', 'restore-trust-policy']]],
    ['24-role-logging-removed.json', [['execution-role-logging-removed', 'alert', null]]],
    ['25-role-policy-version-service-admin.json', [['execution-role-admin-access', 'approve', 'detach-role-policy']]],
    ['26-role-basic-execution-attached.json', []],
    ['27-role-conditioned-passrole.json', []],
    ['28-role-shared-by-new-function.json', [['execution-role-shared', 'alert', null]]],
  ])('%s gives the expected findings in warden simulate', async (file, expected) => {
    const [record] = await simulateJson(`examples/events/${file}`);
    expect(record?.findings.map((f) => [f.ruleId, f.mode, f.remediation?.action ?? null])).toEqual(expected);
  });

  it('restores the trust policy from the baseline at once with --apply', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'warden-')), 'trust.json');
    writeFileSync(file, JSON.stringify([updateAssumeRolePolicyEvent(trust.lambda, 'image-resizer-role'), updateAssumeRolePolicyEvent(trust.anyone, 'image-resizer-role', { eventTime: '2025-03-14T10:00:00Z' })]));
    const [benign, opened] = await simulateJson(file, true);
    expect(benign?.findings).toEqual([]);
    expect(opened?.findings.map((f) => [f.ruleId, f.mode])).toEqual([['execution-role-trust-opened', 'auto']]);
    expect(opened?.outcomes.map((o) => o.status)).toEqual(['remediated']);
  });
});
