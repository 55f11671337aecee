import { describe, expect, it } from 'vitest';
import { Engine } from '../../functions/shared/engine/engine';
import type { Finding } from '../../functions/shared/contract/finding';
import type { CloudTrailEvent } from '../../functions/shared/event/cloudtrail-event';
import { parseConfig } from '../../functions/shared/config/config';
import { RULES } from '../../rules';
import { InMemoryAccount } from '../../sim/in-memory-account';
import type { StateFileInput } from '../../sim/state-file';
import { ACCOUNT, FUNCTION_ARN, ORG_ID, REGION } from '../fixtures/accounts';
import {
  apiGatewayEvent,
  apiGatewayState,
  createDeployment,
  createIntegration,
  createRoute,
  FOREIGN_FUNCTION_ARN,
  HTTP_API_ARN,
  HTTP_API_ID,
  lambdaInvocationUri,
  putIntegration,
  putMethod,
  REST_API_ARN,
  REST_API_ID,
  tagApi,
  updateMethod,
  updateRoute,
} from '../fixtures/api-gateway';
import { assumedRole, identities } from '../fixtures/cloudtrail';
import { TEST_CONFIG, TEST_NOW } from '../fixtures/rule-context';

const RULE = 'function-api-route-unauthenticated';
const OPEN = [{ op: 'replace', path: '/authorizationType', value: 'NONE' }];

function harness(state: StateFileInput = apiGatewayState(), config = TEST_CONFIG) {
  const account = InMemoryAccount.fromStateFile(state, { defaultAccount: ACCOUNT, defaultRegion: REGION });
  const engine = new Engine({ rules: RULES, config, reader: account.reader(), now: () => TEST_NOW });
  return {
    account,
    /** Replays the events in order and returns this rule's findings on the last one. */
    async run(...events: CloudTrailEvent[]): Promise<readonly Finding[]> {
      let findings: readonly Finding[] = [];
      for (const event of events) {
        account.replay(event);
        findings = (await engine.evaluateParsed(event)).findings.filter((f) => f.ruleId === RULE);
      }
      return findings;
    },
    engine,
  };
}

describe('function-api-route-unauthenticated', () => {
  describe('REST APIs: what the stage serves, not the draft', () => {
    it('a method opened in the draft is not reported until it is deployed; CreateDeployment reports it, naming API, route, stage and function', async () => {
      const h = harness();
      expect(await h.run(updateMethod(OPEN))).toEqual([]);
      // The draft did change; the stage still serves the IAM-protected deployment.
      const api = h.account.apigateway.find({ region: REGION, apiId: REST_API_ID });
      expect(api === undefined ? undefined : h.account.apigateway.draftRoutes(api).find((r) => r.method === 'POST')?.authorizationType).toBe('NONE');
      const [finding, ...rest] = await h.run(createDeployment('prod'));
      expect(rest).toEqual([]);
      // Alert by default; the plan (issue #17: IAM auth on this one method, this one stage redeployed) waits for `approve` or `auto` in the config.
      expect(finding).toMatchObject({ mode: 'alert', severity: 'high', resource: REST_API_ARN, account: ACCOUNT });
      expect(finding?.remediation).toMatchObject({
        action: 'set-api-route-auth-iam',
        params: { api: REST_API_ARN, stage: 'prod', method: 'POST', path: '/orders', functionArn: FUNCTION_ARN, deploymentId: 'dep2x1', authorizationType: 'AWS_IAM' },
      });
      expect(finding?.summary).toContain('POST /orders');
      expect(finding?.summary).toContain('orders-rest (a1b2c3d4e5, REST API)');
      expect(finding?.summary).toContain('stage prod');
      expect(finding?.summary).toContain(FUNCTION_ARN);
      expect(finding?.summary).toContain('CreateDeployment by arn:aws:iam::111122223333:user/alice');
      expect(finding?.details).toMatchObject({ stage: 'prod', route: 'POST /orders', function: FUNCTION_ARN, deploymentId: 'dep2x1', protocol: 'rest' });
    });

    it('UpdateStage pointing a stage at a deployment with the open method reports it', async () => {
      const h = harness();
      await h.run(updateMethod(OPEN), createDeployment('staging', {}, 'dep3x1'));
      const moved = apiGatewayEvent('UpdateStage', { restApiId: REST_API_ID, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/deploymentId', value: 'dep3x1' }] });
      const findings = await h.run(moved);
      expect(findings.map((f) => f.details.stage).sort()).toEqual(['prod', 'staging']);
    });

    it.each([
      ['an API key required', putMethod('POST', 'NONE', { apiKeyRequired: true })],
      ['a Lambda (custom) authorizer', putMethod('POST', 'CUSTOM', { authorizerId: 'auth01' })],
      ['a Cognito user pool authorizer', putMethod('POST', 'COGNITO_USER_POOLS', { authorizerId: 'cog001' })],
      ['IAM auth', putMethod('POST', 'AWS_IAM')],
    ])('a deployed method with %s is not reported', async (_what, method) => {
      const h = harness();
      expect(await h.run(method, createDeployment())).toEqual([]);
    });

    it('an open method whose integration is not a Lambda function, or a function outside the organization, is not reported', async () => {
      const h = harness();
      // GET /orders is open in the state file, to an HTTP backend.
      expect(await h.run(createDeployment())).toEqual([]);
      expect(await h.run(putMethod('PUT', 'NONE'), putIntegration('PUT', lambdaInvocationUri(FOREIGN_FUNCTION_ARN)), createDeployment())).toEqual([]);
      const [finding] = await h.run(putMethod('PATCH', 'NONE'), putIntegration('PATCH', lambdaInvocationUri()), createDeployment());
      expect(finding?.details.route).toBe('PATCH /orders');
    });
  });

  it('a private REST API (VPC endpoints only) is not reported', async () => {
    const state = apiGatewayState();
    const h = harness({ ...state, restApis: (state.restApis ?? []).map((api) => ({ ...api, EndpointConfiguration: { Types: ['PRIVATE' as const] } })) });
    expect(await h.run(updateMethod(OPEN), createDeployment('prod'))).toEqual([]);
    expect(h.account.toStateFile().restApis[0]?.EndpointConfiguration).toEqual({ Types: ['PRIVATE'] });
  });

  describe('HTTP APIs', () => {
    it('UpdateRoute to NONE is live at once on an auto-deploy stage and reported', async () => {
      const h = harness();
      const [finding] = await h.run(updateRoute('NONE'));
      expect(finding).toMatchObject({ resource: HTTP_API_ARN, details: { stage: '$default', route: 'POST /orders', function: FUNCTION_ARN, autoDeploy: true, protocol: 'http' } });
      expect(finding?.summary).toContain(`orders-http (${HTTP_API_ID}, HTTP API)`);
    });

    it('a new open route to a new Lambda integration is reported', async () => {
      const h = harness();
      const findings = await h.run(createIntegration(FUNCTION_ARN, 'in0099'), createRoute('GET /orders/{id}', 'NONE', 'integrations/in0099'));
      expect(findings.map((f) => f.details.route)).toEqual(['GET /orders/{id}']);
    });

    it('a stage without auto-deploy serves the change only after CreateDeployment', async () => {
      const state = apiGatewayState();
      const http = state.httpApis?.[0];
      if (http === undefined) throw new Error('fixture');
      const h = harness({ ...state, httpApis: [{ ...http, Stages: [{ StageName: 'live', AutoDeploy: false }] }] });
      expect(await h.run(updateRoute('NONE'))).toEqual([]);
      const deploy = apiGatewayEvent('CreateDeployment', { apiId: HTTP_API_ID, stageName: 'live' }, { responseElements: { deploymentId: 'hd0002', deploymentStatus: 'DEPLOYED', autoDeployed: false } });
      expect((await h.run(deploy)).map((f) => f.details.stage)).toEqual(['live']);
    });

    it('a JWT authorizer is not reported', async () => {
      const h = harness();
      expect(await h.run(apiGatewayEvent('UpdateRoute', { apiId: HTTP_API_ID, routeId: 'rt0001', authorizationType: 'JWT', authorizerId: 'jw0001' }))).toEqual([]);
    });
  });

  describe('failed and own calls', () => {
    it('a failed UpdateRoute changes nothing and is not judged', async () => {
      const h = harness();
      const denied = updateRoute('NONE', { errorCode: 'AccessDeniedException' });
      expect(h.account.replay(denied).applied).toBe(false);
      const result = await h.engine.evaluateParsed(denied);
      expect(result.ignored?.kind).toBe('failed-call');
      expect(await h.run(apiGatewayEvent('CreateDeployment', { apiId: HTTP_API_ID, stageName: '$default' }))).toEqual([]);
    });

    it('the bot’s own call is ignored before any rule runs', async () => {
      const h = harness();
      const own = updateRoute('NONE', { identity: identities.remediator() });
      h.account.replay(own);
      const result = await h.engine.evaluateParsed(own);
      expect(result.ignored?.kind).toBe('own-action');
      expect(result.findings).toEqual([]);
    });
  });

  describe('exemption by tag on the API or the stage', () => {
    it.each([
      ['the API', (s: StateFileInput) => ({ ...s, httpApis: (s.httpApis ?? []).map((a) => ({ ...a, Tags: { 'warden:exempt': RULE } })) })],
      ['the stage', (s: StateFileInput) => ({ ...s, httpApis: (s.httpApis ?? []).map((a) => ({ ...a, Stages: [{ StageName: '$default', AutoDeploy: true, Tags: { 'warden:exempt': `${RULE},function-url-public` } }] })) })],
    ])('a warden:exempt tag naming the rule on %s silences it', async (_where, tag) => {
      const h = harness(tag(apiGatewayState()));
      expect(await h.run(updateRoute('NONE'))).toEqual([]);
    });

    it('an expired exemption does not', async () => {
      const state = apiGatewayState();
      const h = harness({ ...state, httpApis: (state.httpApis ?? []).map((a) => ({ ...a, Tags: { 'warden:exempt': RULE, 'warden:exempt-until': '2025-01-01T00:00:00Z' } })) });
      expect(await h.run(updateRoute('NONE'))).toHaveLength(1);
    });

    it('setting the tag is itself reported with who set it, and excuses nothing in that event', async () => {
      const h = harness();
      await h.run(updateRoute('NONE'));
      const findings = await h.run(tagApi(HTTP_API_ARN, { 'warden:exempt': RULE }));
      expect(findings.map((f) => f.details.route ?? 'tag')).toEqual(['tag', 'POST /orders']);
      expect(findings[0]?.summary).toContain('arn:aws:iam::111122223333:user/alice changed warden:exempt');
      // From now on the tag is in place: the next change is not reported.
      expect(await h.run(createDeployment('prod'))).toEqual([]);
      expect(await h.run(updateRoute('NONE', { eventID: 'again' }))).toEqual([]);
    });

    it('a tag set by a configured tag principal counts at once', async () => {
      const config = parseConfig({ organization: { id: ORG_ID, accounts: [ACCOUNT] }, exemptions: { tagPrincipals: ['platform-admin'] } });
      const h = harness(apiGatewayState(), config);
      await h.run(updateRoute('NONE'));
      const findings = await h.run(tagApi(`${HTTP_API_ARN}/stages/$default`, { 'warden:exempt': RULE }, { identity: assumedRole('platform-admin', 'jo') }));
      expect(findings.map((f) => f.details.setByTagPrincipal)).toEqual([true]);
    });
  });

  it('a scan of the API (no event) reports what is deployed', async () => {
    const h = harness();
    h.account.replay(updateRoute('NONE'));
    const findings = await h.engine.evaluateResource({ kind: 'apigateway-api', account: ACCOUNT, region: REGION, protocol: 'http', apiId: HTTP_API_ID });
    expect(findings.map((f) => f.summary)).toEqual([expect.stringContaining('found by a scan')]);
  });
});
