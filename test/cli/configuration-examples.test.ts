import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';

async function simulateJson(file: string): Promise<{ ruleId: string; remediation: unknown }[]> {
  const out: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => out.push(line) };
  expect(await main(['simulate', '--state', 'examples/state.json', '--config', 'warden.config.example.yaml', '--json', file], io)).toBe(0);
  return out.flatMap((line) => (JSON.parse(line) as { findings: { ruleId: string; remediation: unknown }[] }).findings);
}

describe('configuration examples', () => {
  it.each([
    ['31-env-plaintext-secret.json', 'function-env-plaintext-secret', { action: 'remove-function-env-variables', params: { functionName: 'arn:aws:lambda:us-east-1:111122223333:function:billing-worker', variableNames: 'DATABASE_URL' } }],
    [
      '32-layer-outside-org.json',
      'function-layer-outside-org',
      {
        action: 'restore-function-layers',
        params: {
          functionName: 'arn:aws:lambda:us-east-1:111122223333:function:image-resizer',
          layers: 'arn:aws:lambda:us-east-1:111122223333:layer:sharp-libvips:4',
          foreignLayers: 'arn:aws:lambda:us-east-1:444455556666:layer:perf-monitor:1',
        },
      },
    ],
    ['33-deprecated-runtime.json', 'function-runtime-deprecated', null],
    [
      '34-destination-outside-org.json',
      'function-destination-outside-org',
      {
        action: 'remove-function-destination',
        params: { functionName: 'arn:aws:lambda:us-east-1:111122223333:function:billing-worker', destination: 'OnFailure', targetArn: 'arn:aws:sqs:us-east-1:444455556666:invoice-collector' },
      },
    ],
    // Issue #17: the method opened by UpdateMethod is reported only once CreateDeployment puts it on stage prod.
    ['36-api-route-opened-and-deployed.json', 'function-api-route-unauthenticated', null],
    [
      '37-security-group-egress-opened.json',
      'function-security-group-egress-opened',
      {
        action: 'revoke-security-group-egress',
        params: { groupId: 'sg-0f1e2d3c4b5a69788', securityGroupRuleId: 'sgr-09be5c962afdc06ed', ipProtocol: '-1', fromPort: -1, toPort: -1, cidr: '0.0.0.0/0' },
      },
    ],
  ])('%s gives a %s finding with the expected plan', async (file, ruleId, remediation) => {
    expect(await simulateJson(`examples/events/${file}`)).toEqual([{ ruleId, remediation }].map((f) => expect.objectContaining(f) as unknown));
  });

  it('35-function-log-group-tampered.json alerts on the retention cut to 1 day, then on the deletion of orders-api’s log group (issue #17)', async () => {
    const findings = await simulateJson('examples/events/35-function-log-group-tampered.json');
    const orders = 'arn:aws:lambda:us-east-1:111122223333:function:orders-api';
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: 'function-log-retention-shortened', resource: orders, mode: 'alert', remediation: null, summary: expect.stringContaining('now keeps events for 1 day(s), under the minimum of 30') as unknown }),
      expect.objectContaining({ ruleId: 'function-log-group-deleted', resource: orders, mode: 'alert', remediation: null, summary: expect.stringContaining('was deleted after DeleteLogGroup') as unknown }),
    ]);
  });
});
