import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { afterEach, describe, expect, it } from 'vitest';
import { API_GATEWAY_READ_PERMISSIONS, ApiGatewayStateReader } from '../../../../functions/shared/aws/api-gateway-state-reader';
import type { ApiRef } from '../../../../functions/shared/state/resources';
import { installApiGatewayMock, type ApiGatewayMockHandle } from '../../../../sim/api-gateway-mock';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { ACCOUNT, FUNCTION_ARN, REGION } from '../../../fixtures/accounts';
import { apiGatewayState, HTTP_API_ID, REST_API_ID, updateMethod, updateRoute } from '../../../fixtures/api-gateway';

let handle: ApiGatewayMockHandle | undefined;
afterEach(() => handle?.restore());

const REST: ApiRef = { kind: 'apigateway-api', account: ACCOUNT, region: REGION, protocol: 'rest', apiId: REST_API_ID };
const HTTP: ApiRef = { ...REST, protocol: 'http', apiId: HTTP_API_ID };

function setUp() {
  const account = InMemoryAccount.fromStateFile(apiGatewayState(), { defaultAccount: ACCOUNT });
  handle = installApiGatewayMock(account.apigateway);
  const reader = new ApiGatewayStateReader(() => new APIGatewayClient({ region: REGION }), () => new ApiGatewayV2Client({ region: REGION }));
  return { account, reader, handle };
}

describe('ApiGatewayStateReader', () => {
  it('reads each stage’s deployed routes through the SDK exactly as the in-memory reader sees them', async () => {
    const { account, reader } = setUp();
    account.replay(updateRoute('NONE'));
    for (const ref of [REST, HTTP]) expect(await reader.readApi(ref)).toEqual(await account.reader().readApi?.(ref));
    const http = await reader.readApi(HTTP);
    expect(http.stages?.map((s) => ({ ...s, deploymentId: typeof s.deploymentId }))).toEqual([
      { stageName: '$default', deploymentId: 'string', autoDeploy: true, tags: {}, routes: [{ method: 'POST', path: '/orders', authorization: 'NONE', integrationUri: FUNCTION_ARN, functionArn: FUNCTION_ARN }] },
    ]);
  });

  it('reads the deployment, not the draft: an undeployed REST method change is not seen', async () => {
    const { account, reader } = setUp();
    account.replay(updateMethod([{ op: 'replace', path: '/authorizationType', value: 'NONE' }]));
    const rest = await reader.readApi(REST);
    expect(rest.api).toEqual({ name: 'orders-rest', tags: {}, endpointTypes: ['EDGE'] });
    expect(rest.stages?.[0]?.routes.map((r) => `${r.method} ${r.path} ${r.authorization}`)).toEqual(['GET /orders NONE', 'POST /orders AWS_IAM']);
  });

  it('sends only apigateway:GET calls (GetRestApi, GetStages, GetExport, GetApi, ExportApi), one export per stage', async () => {
    const { reader, handle: h } = setUp();
    await reader.readApi(REST);
    await reader.readApi(HTTP);
    expect(h.calls.map((c) => c.command)).toEqual(['GetRestApi', 'GetStages', 'GetExport', 'GetApi', 'GetStages', 'ExportApi']);
    expect([...API_GATEWAY_READ_PERMISSIONS]).toEqual(['apigateway:GET']);
  });

  it('reads a deleted API as null', async () => {
    const { reader } = setUp();
    expect(await reader.readApi({ ...REST, apiId: 'gone000001' })).toMatchObject({ api: null, stages: [] });
    expect(await reader.readApi({ ...HTTP, apiId: 'gone000002' })).toMatchObject({ api: null, stages: [] });
  });
});
