import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { installOrganizationMocks } from '../../../sim/organization-mock';
import { ACCOUNT, ORG_ID } from '../../fixtures/accounts';
import { plantedSecret, SCAN_ACCOUNTS, scanWorld, UNREACHABLE_ACCOUNT } from '../../fixtures/organization';
import { installDynamoDbFake } from '../shared/store/dynamodb-fake';

const ENV = {
  AWS_REGION: 'us-east-1',
  WARDEN_EVENT_BUS_NAME: 'WardenBus',
  WARDEN_TABLE_NAME: 'WardenState',
  WARDEN_CONFIG: JSON.stringify({ organization: { id: ORG_ID, accounts: [...SCAN_ACCOUNTS] }, dryRun: false }),
  WARDEN_BASELINE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:999988887777:secret:warden/baseline-key-AbCdEf',
  WARDEN_SECURITY_ACCOUNT: '999988887777',
  WARDEN_STACK_NAME: 'WardenCentral',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

const setup = scanWorld();
const org = installOrganizationMocks(setup.world, { unreachable: [UNREACHABLE_ACCOUNT] });
const table = installDynamoDbFake();
const eventBridge = mockClient(EventBridgeClient);
const secrets = mockClient(SecretsManagerClient);
const BASELINE_KEY = 'Zr4Tq9Lm2Wx7Kc1Vb8Np3Hs6Jd0Fg5Ya2Ue7Io4Qt9Rw1';
const entries: PutEventsRequestEntry[] = [];
const saved = { ...process.env };

const DetailSchema = z.object({
  finding: z.object({ ruleId: z.string(), resource: z.string() }),
  outcome: z.object({ status: z.string(), eventId: z.string(), detail: z.string(), plan: z.object({ call: z.string() }).nullable() }),
});

beforeAll(() => {
  Object.assign(process.env, ENV);
  secrets.on(GetSecretValueCommand, { SecretId: ENV.WARDEN_BASELINE_KEY_SECRET_ARN }).resolves({ SecretString: BASELINE_KEY });
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
    entries.push(...(input.Entries ?? []));
    return { FailedEntryCount: 0 };
  });
});
beforeEach(() => {
  entries.length = 0;
});
afterAll(() => {
  process.env = saved;
  org.restore();
  table.restore();
  eventBridge.restore();
  secrets.restore();
});

describe('scanner handler', () => {
  it('puts one "Warden Finding" (alerted, from the scheduled scan) per new finding of its account × region on the bus', async () => {
    const { handler } = await import('../../../functions/scanner/handler');
    const result = await handler({ account: ACCOUNT, region: 'us-east-1' });
    // Issue #17 scan coverage: public-fn's log group keeps 1 day, a third finding in this account × region.
    expect(result).toMatchObject({ account: ACCOUNT, region: 'us-east-1', status: 'scanned', functions: 3, findings: 3, reported: 3, alreadyReported: 0 });
    expect(entries.map((e) => [e.EventBusName, e.Source, e.DetailType])).toEqual([
      ['WardenBus', 'lambda-warden', 'Warden Finding'],
      ['WardenBus', 'lambda-warden', 'Warden Finding'],
      ['WardenBus', 'lambda-warden', 'Warden Finding'],
    ]);
    const details = entries.map((e) => DetailSchema.parse(JSON.parse(e.Detail ?? '{}')));
    expect(details.map((d) => d.finding.ruleId).sort()).toEqual(['function-env-plaintext-secret', 'function-log-retention-shortened', 'function-public-access']);
    for (const d of details) {
      expect(d.outcome.status).toBe('alerted');
      expect(d.outcome.eventId).toBe('scheduled-scan');
      expect(d.outcome.detail).toContain('scheduled scan');
    }
    expect(entries.map((e) => e.Detail).join('')).not.toContain(plantedSecret());
  });

  it('refreshes the last-known-good baseline of each clean function it judged, keyed with the secret it read once', () => {
    const clean = setup.clean.filter((arn) => arn.includes(`:us-east-1:${ACCOUNT}:`));
    expect(clean.length).toBeGreaterThan(0);
    expect(clean.filter((arn) => !table.items.has(`BASELINE#${arn}\u0000BASELINE`))).toEqual([]);
    const bad = [...table.items.keys()].filter((k) => k.startsWith('BASELINE#') && !setup.clean.some((arn) => k.startsWith(`BASELINE#${arn}\u0000`)) && k.includes(':function:'));
    expect(bad).toEqual([]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(JSON.stringify([...table.items.values()])).not.toContain(BASELINE_KEY);
    expect(JSON.stringify([...table.items.values()])).not.toContain(plantedSecret());
  });

  it('reports nothing again on the next run, and sends no mutating command', async () => {
    const { handler } = await import('../../../functions/scanner/handler');
    const result = await handler({ account: ACCOUNT, region: 'us-east-1' });
    expect(result).toMatchObject({ findings: 3, reported: 0, alreadyReported: 3 });
    expect(entries).toHaveLength(0);
    expect([...org.lambda.calls, ...org.iam.calls].filter((c) => !/^(Get|List)/.test(c.command))).toEqual([]);
  });

  it('returns an unreachable account as a result, without throwing', async () => {
    const { handler } = await import('../../../functions/scanner/handler');
    const result = await handler({ account: UNREACHABLE_ACCOUNT, region: 'eu-west-1' });
    expect(result).toMatchObject({ status: 'unreachable', reported: 0, errors: [expect.objectContaining({ stage: 'credentials' })] });
    expect(entries).toHaveLength(0);
  });

  it('refuses an invalid item, naming the field, before any call', async () => {
    const { handler } = await import('../../../functions/scanner/handler');
    const before = org.lambda.calls.length;
    await expect(handler({ account: 'nope', region: 'us-east-1' })).rejects.toThrow(/account/);
    expect(org.lambda.calls.length).toBe(before);
  });
});
