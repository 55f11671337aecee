/** A deployed API Gateway route (REST method or HTTP API route) with no authentication invokes a Lambda function of the organization. */
import { API_GATEWAY_EVENTS, API_GATEWAY_SOURCE } from '../../functions/shared/apigateway/api-events';
import { isOrganizationAccount } from '../../functions/shared/config/config';
import { EXEMPT_TAG, exemptionTagKeysIn, isTagPrincipal, tagExemption } from '../../functions/shared/exemption/exemption-tags';
import { isProtectedResource } from '../../functions/shared/self/protected-resources';
import { parseFunctionName } from '../../functions/shared/state/resources';
import { defineRule, nonCompliant, notApplicable, type RuleFinding } from '../rule';
import type { RemediationPlan } from '../../functions/shared/contract/finding';

const METHODS: ReadonlySet<string> = new Set(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'ANY']);

/**
 * IAM auth on this one route, and this one stage redeployed (mode `approve` or `auto` by config). None for a stage
 * with no deployment, a route to one of the bot's own functions (its Slack endpoint is public by design) or a method
 * API Gateway does not define.
 */
function requireIamPlan(api: string, protocol: 'rest' | 'http', stage: { readonly stageName: string; readonly deploymentId: string | null; readonly autoDeploy: boolean }, route: { readonly method: string; readonly path: string }, fn: string, own: boolean): RemediationPlan | null {
  if (stage.deploymentId === null || own || !METHODS.has(route.method)) return null;
  const how =
    protocol === 'rest'
      ? `apigateway:UpdateMethod sets authorizationType AWS_IAM on ${route.method} ${route.path} only, then apigateway:CreateDeployment redeploys stage ${stage.stageName} (a deployment publishes the API's whole current draft; the draft is checked to still hold this route as judged)`
      : `apigateway:UpdateRoute sets AuthorizationType AWS_IAM on ${route.method} ${route.path} only${stage.autoDeploy ? ` (stage ${stage.stageName} and every other auto-deploy stage serve it at once)` : `, then apigateway:CreateDeployment redeploys stage ${stage.stageName}`}`;
  return {
    action: 'set-api-route-auth-iam',
    params: { api, stage: stage.stageName, method: route.method, path: route.path, functionArn: fn, deploymentId: stage.deploymentId, authorizationType: 'AWS_IAM' },
    description: `${how}: callers must then sign requests with SigV4 (unsigned ones get 403). Restore sets it back to NONE and redeploys the stage.`,
  };
}

const RULE_ID = 'function-api-route-unauthenticated';

export const functionApiRouteUnauthenticated = defineRule({
  id: RULE_ID,
  title: 'A deployed API Gateway route with no authentication invokes a Lambda function',
  severity: 'high',
  defaultMode: 'alert',
  resourceType: 'apigateway-api',
  triggers: [{ eventSource: API_GATEWAY_SOURCE, eventNames: API_GATEWAY_EVENTS }],
  reads: [],
  rationale:
    'A route with authorization NONE (and, on a REST API, no API key) lets anyone on the internet invoke the function behind it, as often as they like. Judged on what each stage serves: a REST change is live once deployed; an auto-deploy HTTP stage serves it at once.',
  references: [
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html',
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html',
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/security-best-practices.html',
  ],
  falsePositives: [
    'A public webhook or public endpoint that authenticates requests itself (a signature header): tag the API or the stage warden:exempt = function-api-route-unauthenticated (optional warden:exempt-until). Setting, changing or removing that tag is itself reported, with who did it.',
    'A REST API resource policy that admits only some source IPs or VPCs still leaves the route unauthenticated for them: exempt it if that is the intended control. Private REST APIs (VPC endpoints only), WebSocket APIs and routes to functions outside the organization are not reported.',
  ],
  remediationAction: 'set-api-route-auth-iam',
  evaluate(state, context) {
    if (state.api === undefined || state.stages === undefined) return notApplicable('the API was not read');
    if (state.api === null) return notApplicable('the API no longer exists');
    const { api } = state;
    if (api.endpointTypes.includes('PRIVATE')) return notApplicable('a private API is reachable only through VPC endpoints');
    const event = context.event;
    const changedTags = event === undefined ? [] : exemptionTagKeysIn(event.requestParameters);
    const byTagPrincipal = event !== undefined && isTagPrincipal(context.config, event.actor);
    // An exemption tag set in this very event excuses nothing yet, unless a configured tag principal set it.
    const honourTags = changedTags.length === 0 || byTagPrincipal;
    const apiName = `${api.name} (${state.ref.apiId}, ${state.ref.protocol === 'rest' ? 'REST API' : 'HTTP API'})`;
    const who = event === undefined ? 'found by a scan' : `after ${event.eventName} by ${event.actor.arn ?? event.actor.type}`;
    const findings: RuleFinding[] = [];
    if (event !== undefined && changedTags.length > 0) {
      findings.push({
        key: `exemption-tag ${event.eventName}@${event.eventTime}`,
        summary: `${event.actor.arn ?? event.actor.type} changed ${changedTags.join(', ')} on ${apiName} (${event.eventName}): ${EXEMPT_TAG} on the API is now ${api.tags[EXEMPT_TAG] === undefined ? 'unset' : `"${api.tags[EXEMPT_TAG]}"`}; a tag naming this rule on the API or a stage silences it there.`,
        details: { api: state.arn, apiName: api.name, changedTags, apiExemptTag: api.tags[EXEMPT_TAG] ?? null, setByTagPrincipal: byTagPrincipal },
        remediation: null,
      });
    }
    for (const stage of state.stages) {
      if (honourTags && (tagExemption(api.tags, RULE_ID, context.now) !== null || tagExemption(stage.tags, RULE_ID, context.now) !== null)) continue;
      for (const route of stage.routes) {
        if (route.authorization !== 'NONE' || route.functionArn === null) continue;
        const fn = parseFunctionName(route.functionArn, state.ref.account, state.ref.region);
        if (fn === null || !isOrganizationAccount(context.config, fn.account)) continue;
        const routeName = `${route.method} ${route.path}`;
        findings.push({
          key: `${stage.stageName} ${routeName}`,
          summary: `Route ${routeName} of ${apiName}, stage ${stage.stageName}, invokes ${route.functionArn} with no authentication (authorization NONE${state.ref.protocol === 'rest' ? ', no API key' : ''}): anyone who finds the URL can call the function; ${who}.`,
          details: {
            api: state.arn,
            apiName: api.name,
            protocol: state.ref.protocol,
            stage: stage.stageName,
            deploymentId: stage.deploymentId,
            autoDeploy: stage.autoDeploy,
            route: routeName,
            function: route.functionArn,
          },
          remediation: requireIamPlan(state.arn, state.ref.protocol, stage, route, route.functionArn, isProtectedResource(context.config, route.functionArn)),
        });
      }
    }
    return nonCompliant(findings);
  },
});
