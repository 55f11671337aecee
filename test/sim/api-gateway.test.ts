import { describe, expect, it } from 'vitest';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { parseStateFile } from '../../sim/state-file';
import { InvalidStateError } from '../../functions/shared/errors';
import { ACCOUNT, REGION } from '../fixtures/accounts';
import { apiGatewayEvent, apiGatewayState, createDeployment, HTTP_API_ID, REST_API_ID, tagApi, updateMethod, updateRoute, REST_API_ARN } from '../fixtures/api-gateway';

const OPEN = [{ op: 'replace', path: '/authorizationType', value: 'NONE' }];

function servedAuth(account: InMemoryAccount, apiId: string, stage: string): string[] {
  const api = account.apigateway.find({ region: REGION, apiId });
  const doc = api === undefined ? null : account.apigateway.stageExport(api, stage);
  const paths = (doc?.paths ?? {}) as Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
  return Object.entries(paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => `${m.toUpperCase()} ${path} ${Object.keys(op.security?.[0] ?? {}).join('+') || 'none'}`)).sort();
}

describe('in-memory API Gateway (issue #17)', () => {
  it('round-trips the state file, also a draft changed since its stage’s deployment', () => {
    const account = InMemoryAccount.fromStateFile(apiGatewayState(), { defaultAccount: ACCOUNT });
    account.replay(updateMethod(OPEN));
    const first = account.toStateFile();
    const again = InMemoryAccount.fromStateFile(first);
    expect(again.toStateFile()).toEqual(first);
    expect(first.restApis[0]?.Resources.find((r) => r.Path === '/orders')?.Methods.POST?.AuthorizationType).toBe('NONE');
    expect(servedAuth(again, REST_API_ID, 'prod')).toEqual(['GET /orders none', 'POST /orders sigv4']);
  });

  it('serves a REST change only once deployed; an HTTP auto-deploy stage at once', () => {
    const account = InMemoryAccount.fromStateFile(apiGatewayState(), { defaultAccount: ACCOUNT });
    expect(account.replay(updateMethod(OPEN)).applied).toBe(true);
    expect(servedAuth(account, REST_API_ID, 'prod')).toEqual(['GET /orders none', 'POST /orders sigv4']);
    account.replay(createDeployment('prod'));
    expect(servedAuth(account, REST_API_ID, 'prod')).toEqual(['GET /orders none', 'POST /orders none']);
    account.replay(updateRoute('NONE'));
    expect(servedAuth(account, HTTP_API_ID, '$default')).toEqual(['POST /orders none']);
  });

  it('applies tags to the API and to a stage, and creates an API an event names when unknown', () => {
    const account = InMemoryAccount.fromStateFile(apiGatewayState(), { defaultAccount: ACCOUNT });
    account.replay(tagApi(`${REST_API_ARN}/stages/prod`, { 'warden:exempt': 'x' }));
    account.replay(apiGatewayEvent('UntagResource', { resourceArn: REST_API_ARN, tagKeys: ['team'] }));
    expect(account.toStateFile().restApis[0]?.Stages[0]?.Tags).toEqual({ 'warden:exempt': 'x' });
    const created = account.replay(apiGatewayEvent('CreateStage', { restApiId: 'newapi0001', stageName: 'dev' }));
    expect(created.created).toEqual([{ kind: 'apigateway-api', account: ACCOUNT, region: REGION, protocol: 'rest', apiId: 'newapi0001' }]);
  });

  it('builds a quick-created HTTP API (CreateApi with a target): $default route and auto-deploy stage', () => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
    account.replay(apiGatewayEvent('CreateApi', { name: 'hook', protocolType: 'HTTP', target: 'arn:aws:lambda:us-east-1:111122223333:function:orders-api' }, { responseElements: { apiId: 'qk00000001', name: 'hook', protocolType: 'HTTP' } }));
    expect(servedAuth(account, 'qk00000001', '$default')).toEqual(['X-AMAZON-APIGATEWAY-ANY-METHOD $default none']);
  });

  it('refuses a misspelled state-file key by name', () => {
    expect(() => parseStateFile({ restApis: [{ Account: ACCOUNT, Region: REGION, Id: REST_API_ID, Stagez: [] }] })).toThrow(InvalidStateError);
  });
});
