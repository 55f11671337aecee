/**
 * Issue #17: an unauthenticated deployed API route to an organization function, in mode approve, runs end to end —
 * finding, approval in Slack (the decision the approval function puts on the bus), `set-api-route-auth-iam` on the
 * responder's API Gateway clients — and the in-memory account then serves the route with AWS_IAM; a route changed
 * between the finding and the approval is refused with nothing changed.
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { afterEach, describe, expect, it } from 'vitest';
import { deployedRoutes } from '../../../functions/shared/apigateway/deployed-routes';
import { ApiGatewayStateReader, withApiReader } from '../../../functions/shared/aws/api-gateway-state-reader';
import type { ExecutionOutcome } from '../../../functions/shared/contract/outcome';
import type { CloudTrailEvent } from '../../../functions/shared/event/cloudtrail-event';
import { installApiGatewayMock, type ApiGatewayMockHandle } from '../../../sim/api-gateway-mock';
import { seedApiGateway, StateHttpApiSchema, StateRestApiSchema } from '../../../sim/api-gateway-state';
import type { StoredApi } from '../../../sim/in-memory-api-gateway';
import { ACCOUNT, FUNCTION_NAME, REGION } from '../../fixtures/accounts';
import { apiGatewayState, createDeployment, HTTP_API_ID, lambdaInvocationUri, putIntegration, REST_API_ID, updateMethod, updateRoute } from '../../fixtures/api-gateway';
import { createHarness, harnessConfig, type Harness } from './responder-harness';

const RULE = 'function-api-route-unauthenticated';
const OPEN = [{ op: 'replace', path: '/authorizationType', value: 'NONE' }];

let h: Harness | undefined;
let apis: ApiGatewayMockHandle | undefined;
afterEach(() => {
  h?.dispose();
  apis?.restore();
  h = undefined;
  apis = undefined;
});

/** The responder with the API Gateway reader wired (as deployed), the fixture APIs seeded and answered by the mock. */
function harness(): Harness {
  const made = createHarness({
    config: harnessConfig({ rules: { [RULE]: { mode: 'approve' } } }),
    readerWith: (base, clients) => withApiReader(base, new ApiGatewayStateReader((a, r) => clients.client(APIGatewayClient, a, r), (a, r) => clients.client(ApiGatewayV2Client, a, r))),
  });
  h = made;
  made.account.lambda.createFunction({ account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME }, { Runtime: 'nodejs22.x', Role: `arn:aws:iam::${ACCOUNT}:role/orders-api-role` });
  made.account.lambda.createFunction({ account: ACCOUNT, region: REGION, functionName: 'orders-v2' }, { Runtime: 'nodejs22.x', Role: `arn:aws:iam::${ACCOUNT}:role/orders-api-role` });
  const state = apiGatewayState();
  seedApiGateway(made.account.apigateway, (state.restApis ?? []).map((api) => StateRestApiSchema.parse(api)), (state.httpApis ?? []).map((api) => StateHttpApiSchema.parse(api)));
  apis = installApiGatewayMock(made.account.apigateway);
  return made;
}

/** The "Warden Decision" the approval function puts on the bus after an allowed approver clicked. */
function decisionOf(outcome: ExecutionOutcome, recordId: string) {
  const detail = { recordId, findingId: outcome.findingId, eventId: outcome.eventId, ruleId: outcome.ruleId, resource: outcome.resource, account: outcome.account, region: outcome.region, decision: 'approved', by: { userId: 'U0APPROVER1' }, at: '2025-03-14T09:31:00.000Z', plan: null };
  return { version: '0', source: 'lambda-warden', 'detail-type': 'Warden Decision', detail };
}

/** Replays the events into the account and has the responder judge the last one: its pending approval. */
async function pendingAfter(made: Harness, ...events: CloudTrailEvent[]): Promise<ExecutionOutcome & { approval: NonNullable<ExecutionOutcome['approval']> }> {
  for (const event of events) made.account.replay(event);
  const last = events.at(-1);
  if (last === undefined) throw new Error('no event');
  const routed = await made.responder.handle(last);
  const pending = routed.outcomes.find((o) => o.ruleId === RULE);
  expect(pending?.status).toBe('pending-approval');
  if (pending?.approval === undefined) throw new Error('no approval');
  return { ...pending, approval: pending.approval };
}

/** Approves in the store (the approval function's conditional write) and runs the decision on the responder. */
async function approve(made: Harness, pending: ExecutionOutcome & { approval: NonNullable<ExecutionOutcome['approval']> }) {
  await made.store.decideApproval({ id: pending.approval.id, decision: 'approved', by: 'U0APPROVER1', now: made.clock() });
  return made.decisions.handle(decisionOf(pending, pending.approval.id));
}

/** What a stage of an API serves now (its export), route by route. */
function served(api: StoredApi | undefined, stage: string): { route: string; authorization: string; functionArn: string | null }[] {
  const doc = api === undefined ? null : (h?.account.apigateway.stageExport(api, stage) ?? null);
  return doc === null ? [] : deployedRoutes(doc).map((r) => ({ route: `${r.method} ${r.path}`, authorization: r.authorization, functionArn: r.functionArn }));
}

const restApi = (): StoredApi | undefined => h?.account.apigateway.find({ region: REGION, apiId: REST_API_ID });
const httpApi = (): StoredApi | undefined => h?.account.apigateway.find({ region: REGION, apiId: HTTP_API_ID });
const FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION_NAME}`;

describe('function-api-route-unauthenticated approved from Slack', () => {
  it('REST: the deployed method gets AWS_IAM and the stage is redeployed, verified in the account', async () => {
    const made = harness();
    const before = restApi()?.stages.get('prod')?.deploymentId;
    const pending = await pendingAfter(made, updateMethod(OPEN), createDeployment('prod'));
    expect(served(restApi(), 'prod')).toContainEqual({ route: 'POST /orders', authorization: 'NONE', functionArn: FUNCTION });
    const deployedForFinding = restApi()?.stages.get('prod')?.deploymentId;
    expect(deployedForFinding).not.toBe(before);

    const approved = await approve(made, pending);
    expect(approved.outcome).toMatchObject({ status: 'remediated', verified: true, plan: { action: 'set-api-route-auth-iam' } });
    expect(served(restApi(), 'prod')).toContainEqual({ route: 'POST /orders', authorization: 'AWS_IAM', functionArn: FUNCTION });
    expect(restApi()?.stages.get('prod')?.deploymentId).not.toBe(deployedForFinding);
    expect(apis?.calls.map((c) => c.command)).toEqual(expect.arrayContaining(['UpdateMethod', 'CreateDeployment']));
    expect(apis?.calls.find((c) => c.command === 'UpdateMethod')?.input).toMatchObject({ restApiId: REST_API_ID, httpMethod: 'POST', patchOperations: [{ op: 'replace', path: '/authorizationType', value: 'AWS_IAM' }] });
  });

  it('HTTP (auto-deploy stage): the route gets AWS_IAM and the stage serves it, verified in the account', async () => {
    const made = harness();
    const pending = await pendingAfter(made, updateRoute('NONE'));
    expect(served(httpApi(), '$default')).toContainEqual({ route: 'POST /orders', authorization: 'NONE', functionArn: FUNCTION });

    const approved = await approve(made, pending);
    expect(approved.outcome).toMatchObject({ status: 'remediated', verified: true, plan: { action: 'set-api-route-auth-iam' } });
    expect(served(httpApi(), '$default')).toContainEqual({ route: 'POST /orders', authorization: 'AWS_IAM', functionArn: FUNCTION });
    expect(httpApi()?.routes.get('rt0001')?.auth.authorizationType).toBe('AWS_IAM');
  });

  it('refuses, changing nothing, when the route was changed and redeployed between the finding and the approval', async () => {
    const made = harness();
    const pending = await pendingAfter(made, updateMethod(OPEN), createDeployment('prod'));
    // Someone points the open method at another function and deploys again: the finding's plan no longer fits.
    const other = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-v2`;
    made.account.replay(putIntegration('POST', lambdaInvocationUri(other), 'AWS_PROXY', { eventID: 'e0000000-0000-4000-8000-0000000000a1' }));
    made.account.replay(createDeployment('prod', { eventID: 'e0000000-0000-4000-8000-0000000000a2' }, 'dep3x2'));
    const changed = restApi()?.stages.get('prod')?.deploymentId;
    const writesBefore = apis?.calls.filter((c) => /^(Update|Create)/.test(c.command)).length;

    const approved = await approve(made, pending);
    expect(approved.outcome?.status).toBe('refused');
    expect(approved.outcome?.detail).toContain('changed since the approval was asked');
    expect(served(restApi(), 'prod')).toContainEqual({ route: 'POST /orders', authorization: 'NONE', functionArn: other });
    expect(restApi()?.stages.get('prod')?.deploymentId).toBe(changed);
    expect(apis?.calls.filter((c) => /^(Update|Create)/.test(c.command)).length).toBe(writesBefore);
  });
});
