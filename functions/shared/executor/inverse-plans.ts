/**
 * The inverse of an automatic revert, run by Slack's "Restore" button: it puts back exactly what the
 * revert removed, from the finding (the statement as it was judged), or says why it cannot.
 */
import type { RemediationPlan, Finding } from '../contract/finding';
import { PolicyStatementSchema, type PolicyStatement } from '../state/resources';
import { IsolationParams, mappingIdsOf } from '../remediation/function-isolation';
import { EventSourceParams } from '../remediation/actions/disable-event-source-mapping';

export type InversePlan = { readonly plan: RemediationPlan; readonly reason?: never } | { readonly plan: null; readonly reason: string };

/**
 * Plans whose approved run is offered a "Restore" too, like an automatic revert: an isolation, and the issue #17
 * changes a working system may depend on (a public route now requiring IAM, code signing enforced again).
 */
export const RESTORABLE_AFTER_APPROVAL: ReadonlySet<RemediationPlan['action']> = new Set(['isolate-function', 'set-api-route-auth-iam', 'restore-function-code-signing-config', 'set-code-signing-config-enforce']);

/** How long a "Restore" button stays usable after an automatic revert. */
export const RESTORE_EXPIRY_DAYS = 7;

const none = (reason: string): InversePlan => ({ plan: null, reason });

function single(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  return null;
}

/** The `Principal` parameter of AddPermission / AddLayerVersionPermission for a statement's principal. */
function principalParameter(statement: PolicyStatement): string | null {
  const principal = statement.Principal;
  if (principal === undefined || statement.NotPrincipal !== undefined) return null;
  if (principal === '*') return '*';
  const entries = Object.entries(principal);
  if (entries.length !== 1) return null;
  const [kind, value] = entries[0] ?? [];
  const one = single(value);
  if (one === null) return null;
  if (kind === 'Service') return one;
  if (kind !== 'AWS') return null;
  if (one === '*') return '*';
  return /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(one)?.[1] ?? one;
}

/**
 * The AddPermission parameters for a statement's conditions, or why they cannot be written: a
 * condition AddPermission cannot write (it writes only these five, each with one value), or one
 * parameter set twice (keys differing only in case), which one value would silently broaden.
 */
function conditionParameters(statement: PolicyStatement): { readonly params: Record<string, string> } | { readonly params: null; readonly duplicate: boolean; readonly reason: string } {
  const params: Record<string, string> = {};
  const expressible: Readonly<Record<string, string>> = {
    'stringequals aws:sourceaccount': 'sourceAccount',
    'stringequals aws:principalorgid': 'principalOrgId',
    'stringequals lambda:eventsourcetoken': 'eventSourceToken',
    'stringequals lambda:functionurlauthtype': 'functionUrlAuthType',
    'arnlike aws:sourcearn': 'sourceArn',
  };
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    for (const [key, value] of Object.entries(block)) {
      const target = expressible[`${operator.toLowerCase()} ${key.toLowerCase()}`];
      const one = single(value);
      if (target === undefined || one === null) return { params: null, duplicate: false, reason: 'the removed statement has a condition lambda:AddPermission cannot express' };
      if (target in params) {
        return { params: null, duplicate: true, reason: `the removed statement sets the condition ${operator} ${key} twice (keys differing only in case); lambda:AddPermission takes one value, so it could re-add a broader statement` };
      }
      params[target] = one;
    }
  }
  return { params };
}

/** Why the statement in the finding is not the one the revert removed (`statementId`), or null. */
function otherStatement(statement: PolicyStatement, plan: RemediationPlan): string | null {
  return statement.Sid === plan.params.statementId ? null : `the statement in the finding ("${statement.Sid ?? ''}") is not the one the revert removed ("${String(plan.params.statementId)}")`;
}

function statementOf(finding: Finding): PolicyStatement | null {
  const parsed = PolicyStatementSchema.safeParse(finding.details.statement);
  return parsed.success ? parsed.data : null;
}

function restoreFunctionPermission(plan: RemediationPlan, finding: Finding): InversePlan {
  const statement = statementOf(finding);
  if (statement?.Sid === undefined || statement.Effect !== 'Allow' || statement.NotAction !== undefined) {
    return none('the removed statement is not in the finding in a form lambda:AddPermission can re-add');
  }
  const other = otherStatement(statement, plan);
  if (other !== null) return none(other);
  const action = single(statement.Action);
  const principal = principalParameter(statement);
  const conditions = conditionParameters(statement);
  if (action === null) return none('the removed statement grants several actions; lambda:AddPermission adds one per statement');
  if (principal === null) return none('the removed statement names several principals or a NotPrincipal; lambda:AddPermission takes one principal');
  if (conditions.params === null) return none(conditions.reason);
  return {
    plan: {
      action: 'add-function-permission',
      params: {
        functionName: String(plan.params.functionName),
        ...(plan.params.qualifier === undefined ? {} : { qualifier: String(plan.params.qualifier) }),
        statementId: statement.Sid,
        action,
        principal,
        ...conditions.params,
      },
      description: `lambda:AddPermission puts statement "${statement.Sid}" back as it was judged, and the resource is exempt from ${finding.ruleId} for 30 days.`,
    },
  };
}

function restoreLayerPermission(plan: RemediationPlan, finding: Finding): InversePlan {
  const statement = statementOf(finding);
  if (statement?.Sid === undefined || statement.Effect !== 'Allow') return none('the removed statement is not in the finding');
  const other = otherStatement(statement, plan);
  if (other !== null) return none(other);
  const principal = principalParameter(statement);
  if (single(statement.Action) !== 'lambda:GetLayerVersion') return none('lambda:AddLayerVersionPermission grants lambda:GetLayerVersion only');
  if (principal === null || !/^(\*|\d{12})$/.test(principal)) return none('lambda:AddLayerVersionPermission takes * or one account as principal');
  const written = conditionParameters(statement);
  if (written.params === null && written.duplicate) return none(written.reason);
  const conditions = written.params;
  const keys = Object.keys(conditions ?? {});
  if (conditions === null || keys.some((k) => k !== 'principalOrgId')) return none('lambda:AddLayerVersionPermission can only condition on the organization id');
  return {
    plan: {
      action: 'add-layer-version-permission',
      params: {
        layerName: String(plan.params.layerName),
        versionNumber: Number(plan.params.versionNumber),
        statementId: statement.Sid,
        action: 'lambda:GetLayerVersion',
        principal,
        ...(conditions.principalOrgId === undefined ? {} : { organizationId: conditions.principalOrgId }),
      },
      description: `lambda:AddLayerVersionPermission puts statement "${statement.Sid}" back, and the layer version is exempt from ${finding.ruleId} for 30 days.`,
    },
  };
}

/**
 * Lifting an isolation: the same recorded state (concurrency before, the mappings it disabled), so the
 * restore puts back exactly what was judged; computed from the plan alone, like every inverse here.
 */
function liftIsolation(plan: RemediationPlan, finding: Finding): InversePlan {
  const parsed = IsolationParams.safeParse(plan.params);
  if (!parsed.success) return none('the isolation plan does not record the state it changed');
  const { functionName, qualifier, previousConcurrency, mappings } = parsed.data;
  return {
    plan: {
      action: 'lift-function-isolation',
      params: { functionName, ...(qualifier === undefined ? {} : { qualifier }), previousConcurrency, mappings },
      description: `puts the reserved concurrency back to ${String(previousConcurrency)} and enables again exactly the ${String(mappingIdsOf(parsed.data).length)} event-source mapping(s) the isolation disabled; the function is exempt from ${finding.ruleId} for 30 days.`,
    },
  };
}

/** The route's authorization back to NONE on the same route, stage and function (no deployment id: the revert made a new one). */
function routeAuthNone(plan: RemediationPlan, finding: Finding): InversePlan {
  const { api, stage, method, path, functionArn } = plan.params;
  if ([api, stage, method, path, functionArn].some((v) => typeof v !== 'string')) return none('the route plan does not name its route');
  return {
    plan: {
      action: 'set-api-route-auth-none',
      params: { api: String(api), stage: String(stage), method: String(method), path: String(path), functionArn: String(functionArn), authorizationType: 'NONE' },
      description: `sets the authorization of ${String(method)} ${String(path)} back to NONE and redeploys stage ${String(stage)} (a REST API deploys its whole current draft), and the API is exempt from ${finding.ruleId} for 30 days.`,
    },
  };
}

/**
 * Re-authorizing a revoked egress rule: exactly the permission the revert removed, from the plan alone (EC2
 * gives the rule a new id, which the bot's own call does not make a new finding of).
 */
function reauthorizeEgress(plan: RemediationPlan, finding: Finding): InversePlan {
  const { groupId, ipProtocol, fromPort, toPort, cidr } = plan.params;
  if (typeof groupId !== 'string' || typeof ipProtocol !== 'string' || typeof cidr !== 'string') return none('the revert does not record the rule it revoked');
  return {
    plan: {
      action: 'authorize-security-group-egress',
      params: { groupId, ipProtocol, ...(typeof fromPort === 'number' ? { fromPort } : {}), ...(typeof toPort === 'number' ? { toPort } : {}), cidr },
      description: `ec2:AuthorizeSecurityGroupEgress allows ${ipProtocol} to ${cidr} from ${groupId} again (a new rule id), and the rule is exempt from ${finding.ruleId} for 30 days.`,
    },
  };
}

/** Enabling again the event-source mapping an automatic revert disabled (issue #17): the same mapping, function and source. */
function enableMapping(plan: RemediationPlan, finding: Finding): InversePlan {
  const parsed = EventSourceParams.safeParse(plan.params);
  if (!parsed.success) return none('the plan does not name the mapping it disabled');
  const { functionName, uuid, eventSourceArn } = parsed.data;
  return {
    plan: {
      action: 'enable-event-source-mapping',
      params: { functionName, uuid, eventSourceArn },
      description: `lambda:UpdateEventSourceMapping Enabled=true resumes mapping ${uuid} (records from ${eventSourceArn}), and the function is exempt from ${finding.ruleId} for 30 days.`,
    },
  };
}

/**
 * The plan that undoes `plan` (an automatic revert that succeeded), or why none is offered.
 * @example
 * const inverse = inversePlan(finding.remediation, finding);
 * if (inverse.plan !== null) await store.createApproval({ ...record, kind: 'restore', plan: inverse.plan });
 */
export function inversePlan(plan: RemediationPlan, finding: Finding): InversePlan {
  switch (plan.action) {
    case 'remove-function-permission':
      return restoreFunctionPermission(plan, finding);
    case 'remove-layer-version-permission':
      return restoreLayerPermission(plan, finding);
    case 'set-function-url-auth-iam':
      return {
        plan: {
          action: 'set-function-url-auth-none',
          params: {
            functionName: String(plan.params.functionName),
            ...(plan.params.qualifier === undefined ? {} : { qualifier: String(plan.params.qualifier) }),
            authType: 'NONE',
          },
          description: `lambda:UpdateFunctionUrlConfig sets AuthType back to NONE, and the function is exempt from ${finding.ruleId} for 30 days.`,
        },
      };
    case 'set-function-recursion-terminate':
      return none('switching recursive loop detection off again is a deliberate change: run PutFunctionRecursionConfig RecursiveLoop=Allow and exempt the function');
    case 'isolate-function':
      return liftIsolation(plan, finding);
    case 'revoke-security-group-egress':
      return reauthorizeEgress(plan, finding);
    case 'set-api-route-auth-iam':
      return routeAuthNone(plan, finding);
    case 'restore-function-code-signing-config':
      return {
        plan: {
          action: 'reattach-function-code-signing-config',
          params: { functionName: String(plan.params.functionName), codeSigningConfigArn: String(plan.params.judgedConfigArn), restoredConfigArn: String(plan.params.codeSigningConfigArn) },
          description: `${plan.params.judgedConfigArn === 'none' ? 'lambda:DeleteFunctionCodeSigningConfig removes the restored config again' : `lambda:PutFunctionCodeSigningConfig attaches ${String(plan.params.judgedConfigArn)} again`} (future deployments only), and the function is exempt from ${finding.ruleId} for 30 days.`,
        },
      };
    case 'set-code-signing-config-enforce':
      return {
        plan: {
          action: 'set-code-signing-config-warn',
          params: { codeSigningConfigArn: String(plan.params.codeSigningConfigArn) },
          description: `lambda:UpdateCodeSigningConfig sets ${String(plan.params.codeSigningConfigArn)} back to Warn for every function using it (future deployments only), and the function is exempt from ${finding.ruleId} for 30 days.`,
        },
      };
    case 'start-trail-logging':
      return none('a tamper fix is never undone from Slack: stop the trail again on purpose if that is really wanted');
    case 'restore-trust-policy':
      return none('the replaced trust policy is not kept in the finding, and re-opening an execution role is not a one-click change');
    case 'disable-event-source-mapping':
      return enableMapping(plan, finding);
    case 'remove-function-destination':
    case 'remove-function-dead-letter-queue':
    case 'remove-event-source-mapping-destination':
      return none('sending invocation records outside the organization again is not a one-click change: set the destination again on purpose if that is really wanted');
    case 'remove-function-env-variables':
    case 'restore-function-layers':
    case 'delete-role-policy':
    case 'restore-role-policy':
    case 'detach-role-policy':
    case 'set-default-policy-version':
      return none('the values or documents this revert replaced are not kept (secrets are never stored): no restore is offered');
    case 'quarantine-function':
    case 'add-function-permission':
    case 'set-function-url-auth-none':
    case 'add-layer-version-permission':
    case 'lift-function-isolation':
    case 'authorize-security-group-egress':
    case 'set-api-route-auth-none':
    case 'reattach-function-code-signing-config':
    case 'set-code-signing-config-warn':
    case 'enable-event-source-mapping':
      return none('this plan is itself a decision or a restore');
  }
}
