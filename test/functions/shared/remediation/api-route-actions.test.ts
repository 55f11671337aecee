import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { deployedRoutes } from '../../../../functions/shared/apigateway/deployed-routes';
import { parseConfig } from '../../../../functions/shared/config/config';
import { Engine } from '../../../../functions/shared/engine/engine';
import type { Finding } from '../../../../functions/shared/contract/finding';
import { inversePlan } from '../../../../functions/shared/executor/inverse-plans';
import type { ActionClients } from '../../../../functions/shared/remediation/action';
import { setApiRouteAuthIam } from '../../../../functions/shared/remediation/actions/set-api-route-auth-iam';
import { setApiRouteAuthNone } from '../../../../functions/shared/remediation/actions/set-api-route-auth-none';
import { targetsFindingResource } from '../../../../functions/shared/responder/decision-checks';
import { RULES } from '../../../../rules';
import { installApiGatewayMock, type ApiGatewayMockHandle } from '../../../../sim/api-gateway-mock';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import type { StateFileInput } from '../../../../sim/state-file';
import { ACCOUNT, FUNCTION_ARN, ORG_ACCOUNT, ORG_ID, REGION } from '../../../fixtures/accounts';
import { apiGatewayState, createDeployment, HTTP_API_ARN, HTTP_API_ID, REST_API_ARN, REST_API_ID, updateMethod, updateRoute } from '../../../fixtures/api-gateway';
import { TEST_NOW } from '../../../fixtures/rule-context';

const RULE = 'function-api-route-unauthenticated';
const OPEN = [{ op: 'replace', path: '/authorizationType', value: 'NONE' }];
/** `approve` reached by config: the rule's default stays `alert`. */
const APPROVE = parseConfig({ organization: { id: ORG_ID, accounts: [ACCOUNT, ORG_ACCOUNT] }, rules: { [RULE]: { mode: 'approve' } } });

/** The IAM action an API Gateway command needs: API Gateway's IAM actions are the HTTP verbs. */
function verbOf(command: string): string {
  if (/^(Get|Export)/.test(command)) return 'apigateway:GET';
  if (command.startsWith('Update')) return 'apigateway:PATCH';
  if (command.startsWith('Create')) return 'apigateway:POST';
  return `apigateway:unknown(${command})`;
}

let handle: ApiGatewayMockHandle | undefined;
afterEach(() => {
  handle?.restore();
  handle = undefined;
});

function clients(): ActionClients {
  return {
    lambda: new LambdaClient({ region: REGION }),
    apiGateway: { rest: () => Promise.resolve(new APIGatewayClient({ region: REGION })), http: () => Promise.resolve(new ApiGatewayV2Client({ region: REGION })) },
  };
}

/** The account after `events`, the mock installed, and the rule's findings on the last event (mode approve). */
async function judged(state: StateFileInput, ...events: Parameters<InMemoryAccount['replay']>[0][]): Promise<{ account: InMemoryAccount; findings: Finding[] }> {
  const account = InMemoryAccount.fromStateFile(state, { defaultAccount: ACCOUNT, defaultRegion: REGION });
  const engine = new Engine({ rules: RULES, config: APPROVE, reader: account.reader(), now: () => TEST_NOW });
  let findings: Finding[] = [];
  for (const event of events) {
    account.replay(event);
    findings = (await engine.evaluateParsed(event)).findings.filter((f) => f.ruleId === RULE);
  }
  handle = installApiGatewayMock(account.apigateway);
  return { account, findings };
}

/** What a stage serves for a route, from its export (as the rule reads it). */
function served(account: InMemoryAccount, apiId: string, stage: string, method: string, path: string): string | undefined {
  const api = account.apigateway.find({ region: REGION, apiId });
  const doc = api === undefined ? null : account.apigateway.stageExport(api, stage);
  return doc === null ? undefined : deployedRoutes(doc).find((r) => r.method === method && r.path === path)?.authorization;
}

function draftAuth(account: InMemoryAccount, apiId: string, method: string, path: string): string | undefined {
  const api = account.apigateway.find({ region: REGION, apiId });
  return api === undefined ? undefined : account.apigateway.draftRoutes(api).find((r) => r.method === method && r.path === path)?.authorizationType;
}

describe('set-api-route-auth-iam', () => {
  it('REST: requires IAM on exactly the judged method, redeploys exactly the judged stage, verifies on the export, and sends only declared calls', async () => {
    const { account, findings } = await judged(apiGatewayState(), updateMethod(OPEN), createDeployment('prod'));
    const [finding] = findings;
    expect(finding?.mode).toBe('approve');
    const plan = finding?.remediation;
    expect(plan?.action).toBe('set-api-route-auth-iam');
    if (finding === undefined || plan === null || plan === undefined) throw new Error('no plan');
    expect(targetsFindingResource(plan, finding)).toBe(true);
    const params = setApiRouteAuthIam.paramsSchema.parse(plan.params);
    expect(setApiRouteAuthIam.describe(params)).toBe(
      `apigateway:UpdateMethod restApiId=${REST_API_ID} resource=/orders httpMethod=POST patchOperations=replace /authorizationType AWS_IAM; then apigateway:CreateDeployment restApiId=${REST_API_ID} stageName=prod`,
    );
    expect(served(account, REST_API_ID, 'prod', 'POST', '/orders')).toBe('NONE');

    expect(await setApiRouteAuthIam.execute(clients(), params)).toMatchObject({ status: 'remediated', verified: true });
    expect(draftAuth(account, REST_API_ID, 'POST', '/orders')).toBe('AWS_IAM');
    expect(served(account, REST_API_ID, 'prod', 'POST', '/orders')).toBe('AWS_IAM');
    // The other method of the resource is untouched.
    expect(draftAuth(account, REST_API_ID, 'GET', '/orders')).toBe('NONE');
    const calls = handle?.calls ?? [];
    expect(calls.map((c) => c.command)).toEqual(['GetStage', 'GetResources', 'GetMethod', 'UpdateMethod', 'CreateDeployment', 'GetExport']);
    expect(calls.find((c) => c.command === 'UpdateMethod')?.input).toEqual({ restApiId: REST_API_ID, resourceId: 'x9y8z7', httpMethod: 'POST', patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'AWS_IAM' }] });
    expect(calls.find((c) => c.command === 'CreateDeployment')?.input).toMatchObject({ restApiId: REST_API_ID, stageName: 'prod' });
    expect([...new Set(calls.map((c) => verbOf(c.command)))].filter((p) => !setApiRouteAuthIam.permissions.includes(p))).toEqual([]);
    expect(await setApiRouteAuthIam.verify(clients(), params)).toBe(true);
  });

  it('REST: verify reads what the stage serves, not the draft', async () => {
    const { account, findings } = await judged(apiGatewayState(), updateMethod(OPEN), createDeployment('prod'));
    const params = setApiRouteAuthIam.paramsSchema.parse(findings[0]?.remediation?.params);
    await setApiRouteAuthIam.execute(clients(), params);
    // Someone points the stage back at the open deployment: the draft still says AWS_IAM, the stage does not.
    const api = account.apigateway.find({ region: REGION, apiId: REST_API_ID });
    const stage = api?.stages.get('prod');
    if (stage !== undefined) stage.deploymentId = 'dep2x1';
    expect(draftAuth(account, REST_API_ID, 'POST', '/orders')).toBe('AWS_IAM');
    expect(await setApiRouteAuthIam.verify(clients(), params)).toBe(false);
  });

  it.each([
    ['the stage was redeployed since the finding', (account: InMemoryAccount) => account.replay(createDeployment('prod', {}, 'dep9x9')), /now serves deployment dep9x9, not dep2x1/],
    ['the draft method now uses a Lambda authorizer', (account: InMemoryAccount) => account.replay(updateMethod([{ op: 'replace', path: '/authorizationType', value: 'CUSTOM' }])), /authorization CUSTOM, not NONE/],
    ['the draft method now requires an API key', (account: InMemoryAccount) => account.replay(updateMethod([{ op: 'replace', path: '/apiKeyRequired', value: 'true' }])), /with an API key/],
    [
      'the method now invokes another function',
      (account: InMemoryAccount) => {
        const method = account.apigateway.find({ region: REGION, apiId: REST_API_ID })?.resources.get('x9y8z7')?.methods.get('POST');
        if (method?.integration) method.integration.uri = `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${REGION}:${ACCOUNT}:function:other/invocations`;
      },
      /now invokes arn:aws:lambda:.*:function:other/,
    ],
  ])('REST: refuses, changing nothing, when %s', async (_what, change, reason) => {
    const { account, findings } = await judged(apiGatewayState(), updateMethod(OPEN), createDeployment('prod'));
    const params = setApiRouteAuthIam.paramsSchema.parse(findings[0]?.remediation?.params);
    change(account);
    const before = { draft: draftAuth(account, REST_API_ID, 'POST', '/orders'), stage: account.apigateway.find({ region: REGION, apiId: REST_API_ID })?.stages.get('prod')?.deploymentId };
    const outcome = await setApiRouteAuthIam.execute(clients(), params);
    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' ? (outcome.error as Error).name : '').toBe('StaleFindingError');
    expect(outcome.detail).toMatch(reason);
    expect(outcome.detail).toContain('nothing was changed');
    expect(handle?.calls.map((c) => c.command).filter((c) => c.startsWith('Update') || c.startsWith('Create'))).toEqual([]);
    expect({ draft: draftAuth(account, REST_API_ID, 'POST', '/orders'), stage: account.apigateway.find({ region: REGION, apiId: REST_API_ID })?.stages.get('prod')?.deploymentId }).toEqual(before);
  });

  it('REST: a stage deleted since the finding serves nothing: already compliant, nothing sent', async () => {
    const { account, findings } = await judged(apiGatewayState(), updateMethod(OPEN), createDeployment('prod'));
    const params = setApiRouteAuthIam.paramsSchema.parse(findings[0]?.remediation?.params);
    account.apigateway.find({ region: REGION, apiId: REST_API_ID })?.stages.delete('prod');
    expect((await setApiRouteAuthIam.execute(clients(), params)).status).toBe('already-compliant');
    expect(handle?.calls.map((c) => c.command)).toEqual(['GetStage']);
  });

  it('HTTP, auto-deploy stage: UpdateRoute only (the stage serves it at once, no CreateDeployment), verified', async () => {
    const { account, findings } = await judged(apiGatewayState(), updateRoute('NONE'));
    const params = setApiRouteAuthIam.paramsSchema.parse(findings[0]?.remediation?.params);
    expect(params).toMatchObject({ api: HTTP_API_ARN, stage: '$default', method: 'POST', path: '/orders', functionArn: FUNCTION_ARN });
    expect(await setApiRouteAuthIam.execute(clients(), params)).toMatchObject({ status: 'remediated', verified: true });
    expect(served(account, HTTP_API_ID, '$default', 'POST', '/orders')).toBe('AWS_IAM');
    const calls = handle?.calls ?? [];
    expect(calls.map((c) => c.command)).toEqual(['GetStage', 'GetRoutes', 'GetIntegration', 'UpdateRoute', 'ExportApi']);
    expect(calls.find((c) => c.command === 'UpdateRoute')?.input).toEqual({ ApiId: HTTP_API_ID, RouteId: 'rt0001', AuthorizationType: 'AWS_IAM' });
    expect([...new Set(calls.map((c) => verbOf(c.command)))].filter((p) => !setApiRouteAuthIam.permissions.includes(p))).toEqual([]);
  });

  it('HTTP, stage without auto-deploy: UpdateRoute, then CreateDeployment to that stage', async () => {
    const state = apiGatewayState();
    const http = state.httpApis?.[0];
    if (http === undefined) throw new Error('fixture');
    const open = { ...http, Routes: [{ RouteId: 'rt0001', RouteKey: 'POST /orders', AuthorizationType: 'NONE', Target: 'integrations/in0001' }], Stages: [{ StageName: 'prod', AutoDeploy: false }] };
    const { account, findings } = await judged({ ...state, httpApis: [open] }, updateRoute('NONE'));
    const params = setApiRouteAuthIam.paramsSchema.parse(findings[0]?.remediation?.params);
    expect(params.stage).toBe('prod');
    expect(await setApiRouteAuthIam.execute(clients(), params)).toMatchObject({ status: 'remediated', verified: true });
    expect(handle?.calls.map((c) => c.command)).toEqual(['GetStage', 'GetRoutes', 'GetIntegration', 'UpdateRoute', 'CreateDeployment', 'ExportApi']);
    expect(handle?.calls.find((c) => c.command === 'CreateDeployment')?.input).toMatchObject({ ApiId: HTTP_API_ID, StageName: 'prod' });
    expect(served(account, HTTP_API_ID, 'prod', 'POST', '/orders')).toBe('AWS_IAM');
  });

  it('offers no plan for a route to one of the bot’s own functions (its Slack endpoint is public by design)', async () => {
    const config = parseConfig({ organization: { id: ORG_ID, accounts: [ACCOUNT, ORG_ACCOUNT] }, rules: { [RULE]: { mode: 'approve' } }, selfProtection: { resources: [FUNCTION_ARN] } });
    const account = InMemoryAccount.fromStateFile(apiGatewayState(), { defaultAccount: ACCOUNT, defaultRegion: REGION });
    const engine = new Engine({ rules: RULES, config, reader: account.reader(), now: () => TEST_NOW });
    const event = updateRoute('NONE');
    account.replay(event);
    const findings = (await engine.evaluateParsed(event)).findings.filter((f) => f.ruleId === RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.remediation).toBeNull();
  });
});

describe('set-api-route-auth-none (Restore)', () => {
  it('is the inverse of the revert, puts NONE back on the same route, redeploys the stage, and refuses a route changed since', async () => {
    const { account, findings } = await judged(apiGatewayState(), updateMethod(OPEN), createDeployment('prod'));
    const finding = findings[0];
    const plan = finding?.remediation;
    if (finding === undefined || plan === null || plan === undefined) throw new Error('no plan');
    await setApiRouteAuthIam.execute(clients(), setApiRouteAuthIam.paramsSchema.parse(plan.params));
    const inverse = inversePlan(plan, finding).plan;
    expect(inverse).toMatchObject({ action: 'set-api-route-auth-none', params: { api: REST_API_ARN, stage: 'prod', method: 'POST', path: '/orders', functionArn: FUNCTION_ARN, authorizationType: 'NONE' } });
    if (inverse === null) throw new Error('no inverse');
    expect(targetsFindingResource(inverse, finding)).toBe(true);
    const params = setApiRouteAuthNone.paramsSchema.parse(inverse.params);
    expect(await setApiRouteAuthNone.execute(clients(), params)).toMatchObject({ status: 'remediated', verified: true });
    expect(served(account, REST_API_ID, 'prod', 'POST', '/orders')).toBe('NONE');
    expect(draftAuth(account, REST_API_ID, 'POST', '/orders')).toBe('NONE');
    // Restoring again finds the draft at NONE, not the AWS_IAM the revert set: refused.
    const again = await setApiRouteAuthNone.execute(clients(), params);
    expect(again.status === 'failed' ? (again.error as Error).name : again.status).toBe('StaleFindingError');
  });

  it('does not target another API', () => {
    const finding = { resource: REST_API_ARN, account: ACCOUNT, region: REGION } as Finding;
    const plan = { action: 'set-api-route-auth-none' as const, params: { api: HTTP_API_ARN, stage: 'prod', method: 'POST', path: '/orders', functionArn: FUNCTION_ARN, authorizationType: 'NONE' }, description: '' };
    expect(targetsFindingResource(plan, finding)).toBe(false);
  });
});
