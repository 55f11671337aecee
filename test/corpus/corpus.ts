/**
 * The project's labelled corpus (issue #13): CloudTrail events as EventBridge delivers them, each
 * labelled dangerous / benign / ignore, with the rule family that should (or must not) fire, the
 * source it was modelled on, and a state file where CloudTrail does not carry what matters (variables,
 * the role's policies). Built from the fixtures' base records plus overrides, never pasted.
 */
import type { CloudTrailEvent } from '../../functions/shared/event/cloudtrail-event';
import type { StateFileInput } from '../../sim/state-file';
import { ACCOUNT, ALLOWED_ACCOUNT, FOREIGN_ACCOUNT, FOREIGN_ORG_ID, FUNCTION_ARN, LAYER_ARN, ORG_ACCOUNT, ORG_ID, REGION } from '../fixtures/accounts';
import {
  addLayerVersionPermissionEvent,
  addPermissionEvent,
  assumedRole,
  cloudTrailEvent,
  createFunctionUrlConfigEvent,
  identities,
  iamUser,
  lambdaEvent,
  updateFunctionUrlConfigEvent,
  type EventOverrides,
} from '../fixtures/cloudtrail';
import { createFunctionEvent, updateFunctionCodeEvent, updateFunctionConfigurationEvent } from '../fixtures/function-configuration';
import { putFunctionEventInvokeConfigEvent, updateFunctionEventInvokeConfigEvent } from '../fixtures/event-invoke-config';
import {
  attachRolePolicyEvent,
  AWS_POLICY,
  BASIC_EXECUTION_ARN,
  createPolicyVersionEvent,
  deleteRolePolicyEvent,
  detachRolePolicyEvent,
  documents,
  iamEvent,
  putRolePolicyEvent,
  trust,
  updateAssumeRolePolicyEvent,
} from '../fixtures/iam';
import { forwarderRoleName, forwardingRuleName } from '../../functions/shared/self/member-resources';
import { LABELLED_ENV_VARS } from '../functions/shared/secrets/labelled-env-vars';
import { ALL_TO_WORLD, authorizeEgressEvent, createSecurityGroupEvent, egressState, GROUP_ID, modifySecurityGroupRuleEvent, NARROW_RULE_ID, OTHER_GROUP_ID, revokeEgressEvent } from '../fixtures/ec2';
import { apiGatewayEvent, apiGatewayState, createDeployment, createIntegration, createRoute, FOREIGN_FUNCTION_ARN, HTTP_API_ID, lambdaInvocationUri, putIntegration, putMethod, REST_API_ID, updateMethod, updateRoute } from '../fixtures/api-gateway';

export type Label = 'dangerous' | 'benign' | 'ignore';

/** Rule families and the rules whose findings count for each. */
export const FAMILIES = {
  'public invoke': ['function-public-access'],
  'public URL': ['function-url-public'],
  'public layer': ['layer-version-public'],
  'cross-account': ['function-cross-account-principal', 'layer-version-public'],
  'confused deputy': ['function-service-principal-unrestricted'],
  'trust opened': ['execution-role-trust-opened'],
  'admin access': ['execution-role-admin-access'],
  'privilege escalation': ['execution-role-privilege-escalation'],
  'dangerous role': ['function-execution-role-swapped'],
  'logging disabled': ['trail-logging-stopped'],
  tamper: ['warden-forwarding-rule-changed', 'warden-member-role-changed'],
  'plaintext secret': ['function-env-plaintext-secret', 'function-env-random-value'],
  'layer outside org': ['function-layer-outside-org'],
  'role logging removed': ['execution-role-logging-removed'],
  'recursion guard off': ['function-recursive-loop-allowed'],
  'function throttled': ['function-concurrency-zeroed'],
  'code signing weakened': ['function-code-signing-weakened'],
  'logs redirected': ['function-log-group-redirected'],
  'log group deleted': ['function-log-group-deleted'],
  'log retention cut': ['function-log-retention-shortened'],
  'data sent outside org': ['function-destination-outside-org'],
  'unauthenticated API route': ['function-api-route-unauthenticated'],
  'egress opened': ['function-security-group-egress-opened'],
} as const satisfies Record<string, readonly string[]>;

export type Family = keyof typeof FAMILIES;

export interface CorpusEntry {
  readonly id: string;
  readonly label: Label;
  /** The family that must fire (dangerous) or whose rules must not (benign); none for ignore. */
  readonly family: Family | null;
  /** What the record was modelled on. */
  readonly source: string;
  readonly event: CloudTrailEvent;
  /** The account before the event, where CloudTrail does not carry what matters. */
  readonly state?: StateFileInput;
  /** Events replayed (and evaluated) before, to build a last-known-good baseline. */
  readonly setup?: readonly CloudTrailEvent[];
}

const SRC = {
  stratusBackdoor: 'Stratus Red Team aws.persistence.lambda-backdoor-function (AddPermission, principal *)',
  stratusOverwrite: 'Stratus Red Team aws.persistence.lambda-overwrite-code (UpdateFunctionCode)',
  stratusRoleBackdoor: 'Stratus Red Team aws.persistence.iam-backdoor-role (UpdateAssumeRolePolicy)',
  stratusStop: 'Stratus Red Team aws.defense-evasion.cloudtrail-stop',
  stratusDelete: 'Stratus Red Team aws.defense-evasion.cloudtrail-delete',
  stratusSelectors: 'Stratus Red Team aws.defense-evasion.cloudtrail-event-selectors',
  addPermissionRef: 'AWS Lambda API reference, AddPermission examples',
  urlDocs: 'AWS Lambda developer guide, function URL access control (AuthType NONE / AWS_IAM)',
  layerDocs: 'AWS Lambda developer guide, granting layer access to other accounts; AddLayerVersionPermission reference',
  servicesDocs: 'AWS Lambda developer guide, permissions for AWS services (SourceArn, SourceAccount)',
  passRole: 'Rhino Security Labs privilege escalation method 15 (iam:PassRole + lambda:CreateFunction)',
  iamExamples: 'AWS IAM API reference examples (PutRolePolicy, AttachRolePolicy, CreatePolicyVersion, CreateRole)',
  sigmaTrail: 'Sigma rule aws_cloudtrail_disable_logging and Panther AWS.CloudTrail.Stopped tests',
  pantherLambda: 'Panther AWS.Lambda.* detections test cases',
  elasticLambda: 'Elastic rule "AWS Lambda function policy updated to allow public invocation" examples',
  invictus: 'Invictus-IR AWS lab logs (Lambda persistence scenario)',
  iamRoleDocs: 'IAM API reference (UpdateAssumeRolePolicy, DeleteRolePolicy, DetachRolePolicy, DeleteRole, TagRole) against the bot’s member roles',
  tamperDocs: 'EventBridge DisableRule/DeleteRule/RemoveTargets API reference, against the bot’s forwarding rule',
  secretsDocs: 'AWS Lambda developer guide, environment variables (CloudTrail redacts them: state file holds them)',
  recursionDocs: 'AWS Lambda developer guide, recursive loop detection; PutFunctionRecursionConfig API reference',
  codeSigningDocs: 'AWS Lambda developer guide, code signing (Enforce / Warn); DeleteFunctionCodeSigningConfig and UpdateCodeSigningConfig API reference',
  loggingDocs: 'AWS Lambda developer guide, sending function logs to a custom log group (LoggingConfig.LogGroup)',
  logGroupDocs: 'CloudWatch Logs API reference (DeleteLogGroup, PutRetentionPolicy: requestParameters logGroupName, retentionInDays) and its CloudTrail logging page; MITRE ATT&CK T1070',
  concurrencyDocs: 'AWS Lambda developer guide, reserved concurrency (0 throttles every invocation); PutFunctionConcurrency API reference',
  apigwDocs: 'API Gateway developer guide, access control for REST and HTTP APIs; UpdateMethod/PutMethod/CreateDeployment/UpdateStage and CreateRoute/UpdateRoute API reference',
  apigwBackdoor: 'Incident-response write-up: Lambda backdoor exposed through apigateway CreateIntegration (AWS_PROXY) and an open route',
} as const;

const attacker: EventOverrides = { identity: iamUser('svc-build'), sourceIPAddress: '198.51.100.77', userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64' };
const stratus: EventOverrides = { identity: assumedRole('stratus-red-team-role', 'stratus-red-team'), userAgent: 'stratus-red-team_0d3a7c0e-3f1b-4d8e-9a3c-2b9e7f6a5c41' };
const deployer: EventOverrides = { identity: assumedRole('cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1', 'AWSCloudFormation'), userAgent: 'cloudformation.amazonaws.com' };
const roleArn = (name: string, path = '/'): string => `arn:aws:iam::${ACCOUNT}:role${path}${name}`;
const withName = (event: CloudTrailEvent, eventName: string): CloudTrailEvent => ({ ...event, detail: { ...event.detail, eventName } });

/** Roles the role-related entries use, as GetRole / ListRolePolicies / ListAttachedRolePolicies return them. */
const ROLES_STATE: StateFileInput = {
  policies: [{ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:policy/orders-data-access`, DefaultVersionId: 'v1', Versions: { v1: documents.dynamoPutItem }, PolicyName: 'orders-data-access' }],
  roles: [
    { Account: ACCOUNT, Role: { RoleName: 'orders-api-role', Path: '/service-role/', AssumeRolePolicyDocument: trust.lambda }, InlinePolicies: { logging: documents.logging }, AttachedPolicies: [BASIC_EXECUTION_ARN, `arn:aws:iam::${ACCOUNT}:policy/orders-data-access`] },
    { Account: ACCOUNT, Role: { RoleName: 'ci-deploy-admin', Path: '/', AssumeRolePolicyDocument: trust.lambda }, AttachedPolicies: [AWS_POLICY('AdministratorAccess')] },
    { Account: ACCOUNT, Role: { RoleName: 'deployer-role', Path: '/', AssumeRolePolicyDocument: trust.lambda }, InlinePolicies: { deploy: documents.passRoleAnywhere } },
    { Account: ACCOUNT, Role: { RoleName: 'open-role', Path: '/', AssumeRolePolicyDocument: trust.anyone } },
    { Account: ACCOUNT, Role: { RoleName: 'thumbnails-role', Path: '/', AssumeRolePolicyDocument: trust.lambda }, AttachedPolicies: [BASIC_EXECUTION_ARN] },
  ],
  functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: 'orders-api', Runtime: 'nodejs22.x', Role: roleArn('orders-api-role', '/service-role/'), Handler: 'index.handler' } }],
};

function withVariables(variables: Record<string, string>, functionName = 'orders-api'): StateFileInput {
  return {
    ...ROLES_STATE,
    functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: functionName, Runtime: 'nodejs22.x', Role: roleArn('thumbnails-role'), Handler: 'index.handler', Environment: { Variables: { LOG_LEVEL: 'info', TABLE_NAME: 'orders-prod', ...variables } } } }],
  };
}

const labelled = (kind: string | null, index = 0): { name: string; value: string } => {
  const found = LABELLED_ENV_VARS.filter((v) => (kind === null ? v.expected === null : v.expected === kind))[index];
  if (found === undefined) throw new Error(`no labelled variable of kind ${String(kind)} #${String(index)}`);
  return found;
};

function publicInvoke(): CorpusEntry[] {
  const e = (id: string, event: CloudTrailEvent, source: string = SRC.stratusBackdoor): CorpusEntry => ({ id, label: 'dangerous', family: 'public invoke', source, event });
  return [
    e('pi-star-v2', addPermissionEvent({ statementId: 'backdoor', principal: '*' }, stratus)),
    e('pi-star-v1-spelling', withName(addPermissionEvent({ statementId: 'backdoor', principal: '*' }, stratus), 'AddPermission20150331')),
    e('pi-star-arn', addPermissionEvent({ functionName: FUNCTION_ARN, statementId: 'public-invoke', principal: '*' }, attacker), SRC.elasticLambda),
    e('pi-star-partial-arn', addPermissionEvent({ functionName: `${ACCOUNT}:function:orders-api`, statementId: 'p1', principal: '*' }, attacker), SRC.addPermissionRef),
    e('pi-star-alias', addPermissionEvent({ statementId: 'live-public', principal: '*', qualifier: 'live' }, attacker), SRC.elasticLambda),
    e('pi-star-version', addPermissionEvent({ statementId: 'v3-public', principal: '*', qualifier: '3' }, attacker), SRC.elasticLambda),
    e('pi-star-lambda-all', addPermissionEvent({ statementId: 'all', principal: '*', action: 'lambda:*' }, attacker), SRC.pantherLambda),
    e('pi-star-get-function', addPermissionEvent({ statementId: 'read', principal: '*', action: 'lambda:GetFunction' }, attacker), SRC.pantherLambda),
    e('pi-star-url-invoke', addPermissionEvent({ statementId: 'FunctionURLAllowPublicAccess', principal: '*', action: 'lambda:InvokeFunctionUrl', functionUrlAuthType: 'NONE' }, attacker), SRC.urlDocs),
    e('pi-star-other-function', addPermissionEvent({ functionName: 'billing-worker', statementId: 'x', principal: '*' }, attacker), SRC.invictus),
    e('pi-star-by-console', addPermissionEvent({ statementId: 'console-public', principal: '*' }, { identity: assumedRole('AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6a7b', 'mallory@example.com'), userAgent: 'AWS Internal' }), SRC.invictus),
    e('pi-star-eu-region', addPermissionEvent({ statementId: 'eu', principal: '*' }, { ...attacker, region: 'eu-west-1' }), SRC.stratusBackdoor),
  ];
}

function publicUrl(): CorpusEntry[] {
  const d = (id: string, event: CloudTrailEvent): CorpusEntry => ({ id, label: 'dangerous', family: 'public URL', source: SRC.urlDocs, event });
  const b = (id: string, event: CloudTrailEvent): CorpusEntry => ({ id, label: 'benign', family: 'public URL', source: SRC.urlDocs, event });
  return [
    d('url-create-none', createFunctionUrlConfigEvent({ authType: 'NONE' }, attacker)),
    d('url-create-none-versioned-name', withName(createFunctionUrlConfigEvent({ authType: 'NONE' }, attacker), 'CreateFunctionUrlConfig20211031')),
    d('url-update-to-none', updateFunctionUrlConfigEvent({ authType: 'NONE' }, attacker)),
    d('url-create-none-alias', createFunctionUrlConfigEvent({ authType: 'NONE', qualifier: 'live' }, attacker)),
    d('url-create-none-other-function', createFunctionUrlConfigEvent({ functionName: 'report-export', authType: 'NONE' }, stratus)),
    d('url-update-none-arn', updateFunctionUrlConfigEvent({ functionName: FUNCTION_ARN, authType: 'NONE' }, attacker)),
    b('url-create-iam', createFunctionUrlConfigEvent({ authType: 'AWS_IAM' }, deployer)),
    b('url-update-to-iam', updateFunctionUrlConfigEvent({ authType: 'AWS_IAM' }, deployer)),
    b('url-create-iam-alias', createFunctionUrlConfigEvent({ authType: 'AWS_IAM', qualifier: 'live' }, deployer)),
    b('url-create-iam-versioned-name', withName(createFunctionUrlConfigEvent({ authType: 'AWS_IAM' }, deployer), 'CreateFunctionUrlConfig20211031')),
  ];
}

function layers(): CorpusEntry[] {
  const d = (id: string, family: Family, event: CloudTrailEvent): CorpusEntry => ({ id, label: 'dangerous', family, source: SRC.layerDocs, event });
  const b = (id: string, event: CloudTrailEvent): CorpusEntry => ({ id, label: 'benign', family: 'public layer', source: SRC.layerDocs, event });
  return [
    d('layer-star', 'public layer', addLayerVersionPermissionEvent({ statementId: 'public', principal: '*' }, attacker)),
    d('layer-star-arn', 'public layer', addLayerVersionPermissionEvent({ layerName: LAYER_ARN, versionNumber: 3, statementId: 'xaccount', principal: '*' }, attacker)),
    d('layer-star-v1', 'public layer', addLayerVersionPermissionEvent({ versionNumber: 1, statementId: 'any', principal: '*' }, stratus)),
    d('layer-foreign-org', 'public layer', addLayerVersionPermissionEvent({ statementId: 'their-org', principal: '*', organizationId: FOREIGN_ORG_ID }, attacker)),
    d('layer-star-other-layer', 'public layer', addLayerVersionPermissionEvent({ layerName: 'pandas-common', versionNumber: 7, statementId: 'share', principal: '*' }, attacker)),
    d('layer-star-eu', 'public layer', addLayerVersionPermissionEvent({ statementId: 'public-eu', principal: '*' }, { ...attacker, region: 'eu-west-1' })),
    d('layer-one-foreign-account', 'cross-account', addLayerVersionPermissionEvent({ statementId: 'partner', principal: '999988887777' }, attacker)),
    d('layer-foreign-account-v9', 'cross-account', addLayerVersionPermissionEvent({ versionNumber: 9, statementId: 'exfil', principal: FOREIGN_ACCOUNT }, stratus)),
    b('layer-our-org', addLayerVersionPermissionEvent({ statementId: 'org', principal: '*', organizationId: ORG_ID }, deployer)),
    b('layer-org-account', addLayerVersionPermissionEvent({ statementId: 'sister', principal: ORG_ACCOUNT }, deployer)),
    b('layer-allow-listed', addLayerVersionPermissionEvent({ statementId: 'vendor', principal: ALLOWED_ACCOUNT }, deployer)),
    b('layer-own-account', addLayerVersionPermissionEvent({ statementId: 'self', principal: ACCOUNT }, deployer)),
  ];
}

function resourcePolicies(): CorpusEntry[] {
  const d = (id: string, family: Family, event: CloudTrailEvent, source: string): CorpusEntry => ({ id, label: 'dangerous', family, source, event });
  const b = (id: string, family: Family, event: CloudTrailEvent, source: string): CorpusEntry => ({ id, label: 'benign', family, source, event });
  return [
    d('xa-account-id', 'cross-account', addPermissionEvent({ statementId: 'ext', principal: FOREIGN_ACCOUNT }, attacker), SRC.pantherLambda),
    d('xa-root-arn', 'cross-account', addPermissionEvent({ statementId: 'ext-root', principal: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` }, attacker), SRC.addPermissionRef),
    d('xa-role-arn', 'cross-account', addPermissionEvent({ statementId: 'ext-role', principal: `arn:aws:iam::${FOREIGN_ACCOUNT}:role/integration` }, stratus), SRC.invictus),
    d('xa-alias', 'cross-account', addPermissionEvent({ statementId: 'ext-live', principal: '999988887777', qualifier: 'live' }, attacker), SRC.addPermissionRef),
    b('xa-org-account', 'cross-account', addPermissionEvent({ statementId: 'sister', principal: ORG_ACCOUNT }, deployer), SRC.addPermissionRef),
    b('xa-allow-listed', 'cross-account', addPermissionEvent({ statementId: 'vendor', principal: ALLOWED_ACCOUNT }, deployer), SRC.addPermissionRef),
    b('xa-org-id', 'cross-account', addPermissionEvent({ statementId: 'org', principal: '*', principalOrgID: ORG_ID }, deployer), SRC.addPermissionRef),
    b('xa-own-account', 'cross-account', addPermissionEvent({ statementId: 'self', principal: ACCOUNT }, deployer), SRC.addPermissionRef),
    d('cd-s3-none', 'confused deputy', addPermissionEvent({ statementId: 's3-invoke', principal: 's3.amazonaws.com' }, attacker), SRC.servicesDocs),
    d('cd-s3-bucket-only', 'confused deputy', addPermissionEvent({ statementId: 's3-invoke', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads' }, deployer), 'AWS AddPermission reference: with S3, also set SourceAccount (bucket names can be re-created)'),
    d('cd-s3-bucket-only-thumbnails', 'confused deputy', addPermissionEvent({ functionName: 'thumbnails', statementId: 'lambda-abc123-s3', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::thumbnails-input' }, deployer), 'Lambda S3 tutorial (add-permission --source-arn only)'),
    d('cd-sns-none', 'confused deputy', addPermissionEvent({ statementId: 'sns', principal: 'sns.amazonaws.com' }, attacker), SRC.servicesDocs),
    d('cd-events-none', 'confused deputy', addPermissionEvent({ statementId: 'events', principal: 'events.amazonaws.com' }, attacker), SRC.servicesDocs),
    d('cd-apigw-none', 'confused deputy', addPermissionEvent({ statementId: 'apigw', principal: 'apigateway.amazonaws.com' }, attacker), SRC.servicesDocs),
    d('cd-logs-none', 'confused deputy', addPermissionEvent({ statementId: 'logs', principal: 'logs.amazonaws.com' }, attacker), SRC.servicesDocs),
    b('cd-s3-both', 'confused deputy', addPermissionEvent({ statementId: 's3-invoke', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::orders-uploads', sourceAccount: ACCOUNT }, deployer), SRC.addPermissionRef),
    b('cd-sns-topic', 'confused deputy', addPermissionEvent({ statementId: 'sns', principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:order-events` }, deployer), SRC.servicesDocs),
    b('cd-events-rule', 'confused deputy', addPermissionEvent({ statementId: 'nightly', principal: 'events.amazonaws.com', sourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/nightly` }, deployer), SRC.servicesDocs),
    b('cd-apigw-api', 'confused deputy', addPermissionEvent({ statementId: 'apigw', principal: 'apigateway.amazonaws.com', sourceArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:a1b2c3d4e5/*/POST/orders` }, deployer), SRC.servicesDocs),
    b('cd-events-account', 'confused deputy', addPermissionEvent({ statementId: 'ev-acct', principal: 'events.amazonaws.com', sourceAccount: ACCOUNT }, deployer), SRC.servicesDocs),
  ];
}

function roles(): CorpusEntry[] {
  const d = (id: string, family: Family, event: CloudTrailEvent, source: string, state?: StateFileInput): CorpusEntry => ({ id, label: 'dangerous', family, source, event, ...(state ? { state } : {}) });
  const b = (id: string, family: Family, event: CloudTrailEvent, source: string, state?: StateFileInput): CorpusEntry => ({ id, label: 'benign', family, source, event, ...(state ? { state } : {}) });
  const createRole = (name: string, document: Record<string, unknown>, overrides: EventOverrides = attacker): CloudTrailEvent =>
    iamEvent('CreateRole', { roleName: name, path: '/', assumeRolePolicyDocument: JSON.stringify(document, null, 2) }, {
      ...overrides,
      responseElements: { role: { path: '/', roleName: name, roleId: 'AROAEXAMPLEROLEID0001', arn: roleArn(name), createDate: 'Mar 14, 2025, 9:26:53 AM', assumeRolePolicyDocument: encodeURIComponent(JSON.stringify(document)) } },
    });
  const federated = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity' }] };
  const edge = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'] }, Action: 'sts:AssumeRole' }] };
  return [
    d('trust-anyone', 'trust opened', updateAssumeRolePolicyEvent(trust.anyone, 'orders-api-role', stratus), SRC.stratusRoleBackdoor, ROLES_STATE),
    d('trust-foreign', 'trust opened', updateAssumeRolePolicyEvent(trust.foreignAccount, 'orders-api-role', stratus), SRC.stratusRoleBackdoor, ROLES_STATE),
    d('trust-ec2', 'trust opened', updateAssumeRolePolicyEvent(trust.ec2, 'orders-api-role', attacker), SRC.iamExamples, ROLES_STATE),
    d('trust-federated', 'trust opened', updateAssumeRolePolicyEvent({ ...federated, Statement: [...federated.Statement, { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, 'orders-api-role', attacker), 'Datadog Security Labs, GitHub OIDC trust without a sub condition', ROLES_STATE),
    d('trust-unknown-role', 'trust opened', updateAssumeRolePolicyEvent(trust.anyone, 'payments-worker-role', stratus), SRC.stratusRoleBackdoor),
    d('trust-create-anyone', 'trust opened', createRole('backdoor-exec', trust.anyone), SRC.iamExamples),
    d('trust-create-foreign', 'trust opened', createRole('partner-exec', trust.foreignAccount), SRC.iamExamples),
    d('trust-function-on-open-role', 'trust opened', createFunctionEvent({ functionName: 'relay', role: roleArn('open-role') }, attacker), SRC.passRole, ROLES_STATE),
    b('trust-lambda-only', 'trust opened', updateAssumeRolePolicyEvent(trust.lambda, 'orders-api-role', deployer), SRC.iamExamples, ROLES_STATE),
    b('trust-org-conditioned', 'trust opened', updateAssumeRolePolicyEvent(trust.orgAccountConditioned, 'orders-api-role', deployer), SRC.iamExamples, ROLES_STATE),
    b('trust-create-lambda', 'trust opened', createRole('orders-worker', trust.lambda, deployer), SRC.iamExamples),
    b('trust-create-edge', 'trust opened', createRole('edge-auth', edge, deployer), 'AWS Lambda@Edge execution role documentation'),
    d('admin-inline-pretty', 'admin access', putRolePolicyEvent('escalate', documents.admin, {}, attacker), SRC.iamExamples),
    d('admin-inline-compact', 'admin access', putRolePolicyEvent('escalate', documents.admin, { encoding: 'compact' }, attacker), SRC.iamExamples),
    d('admin-inline-url-encoded', 'admin access', putRolePolicyEvent('escalate', documents.admin, { encoding: 'url-encoded' }, attacker), SRC.iamExamples),
    d('admin-service-star', 'admin access', putRolePolicyEvent('s3-all', documents.serviceAdmin, {}, attacker), SRC.iamExamples),
    d('admin-not-action', 'admin access', putRolePolicyEvent('almost-all', documents.notAction, {}, attacker), 'Panther AWS.IAM.PolicyModified tests (NotAction)'),
    d('admin-attach-administrator', 'admin access', attachRolePolicyEvent(AWS_POLICY('AdministratorAccess'), 'orders-api-role', stratus), SRC.iamExamples, ROLES_STATE),
    d('admin-attach-poweruser', 'admin access', attachRolePolicyEvent(AWS_POLICY('PowerUserAccess'), 'orders-api-role', attacker), SRC.iamExamples, ROLES_STATE),
    d('admin-policy-version', 'admin access', createPolicyVersionEvent(`arn:aws:iam::${ACCOUNT}:policy/orders-data-access`, documents.admin, {}, attacker), 'Rhino Security Labs privilege escalation method 1 (CreatePolicyVersion)', ROLES_STATE),
    d('admin-create-function-with-admin-role', 'admin access', createFunctionEvent({ functionName: 'build-helper', role: roleArn('ci-deploy-admin') }, attacker), SRC.passRole, ROLES_STATE),
    d('admin-switch-to-admin-role', 'admin access', updateFunctionConfigurationEvent({ role: roleArn('ci-deploy-admin') }, attacker), SRC.passRole, ROLES_STATE),
    d('role-new-function-admin', 'dangerous role', withName(createFunctionEvent({ functionName: 'exfil', role: roleArn('ci-deploy-admin') }, stratus), 'CreateFunction20150331'), SRC.passRole, ROLES_STATE),
    d('role-new-function-deployer', 'dangerous role', createFunctionEvent({ functionName: 'deploy-bot', role: roleArn('deployer-role') }, attacker), SRC.passRole, ROLES_STATE),
    d('privesc-passrole', 'privilege escalation', putRolePolicyEvent('deploy', documents.passRoleAnywhere, {}, attacker), 'Rhino Security Labs privilege escalation methods (iam:PassRole on *)'),
    d('privesc-iam-put', 'privilege escalation', putRolePolicyEvent('iam-put', documents.iamPutStar, {}, attacker), 'Rhino Security Labs privilege escalation method 10 (iam:PutRolePolicy)'),
    d('privesc-secrets', 'privilege escalation', putRolePolicyEvent('secrets', documents.secrets, {}, attacker), 'Stratus Red Team aws.credential-access.secretsmanager-retrieve-secrets (role side)'),
    d('privesc-assume-any', 'privilege escalation', putRolePolicyEvent('hop', documents.mixed, {}, attacker), 'Rhino Security Labs (sts:AssumeRole on any role)'),
    d('privesc-function-on-deployer-role', 'privilege escalation', createFunctionEvent({ functionName: 'ci-hook', role: roleArn('deployer-role') }, attacker), SRC.passRole, ROLES_STATE),
    b('admin-narrow-dynamo', 'admin access', putRolePolicyEvent('orders-table', documents.dynamoPutItem, {}, deployer), SRC.iamExamples, ROLES_STATE),
    b('admin-attach-basic', 'admin access', attachRolePolicyEvent(BASIC_EXECUTION_ARN, 'orders-api-role', deployer), SRC.iamExamples, ROLES_STATE),
    b('admin-attach-xray', 'admin access', attachRolePolicyEvent(AWS_POLICY('AWSXRayDaemonWriteAccess'), 'orders-api-role', deployer), SRC.iamExamples, ROLES_STATE),
    b('admin-logging', 'admin access', putRolePolicyEvent('logging', documents.logging, {}, deployer), SRC.iamExamples, ROLES_STATE),
    b('admin-passrole-conditioned', 'privilege escalation', putRolePolicyEvent('pass-worker', documents.passRoleToLambdaOnly, {}, deployer), SRC.iamExamples, ROLES_STATE),
    b('admin-denied', 'admin access', putRolePolicyEvent('guarded', documents.adminDenied, {}, deployer), SRC.iamExamples, ROLES_STATE),
    b('role-new-function-narrow', 'dangerous role', createFunctionEvent({ functionName: 'thumbnails', role: roleArn('thumbnails-role') }, deployer), SRC.pantherLambda, ROLES_STATE),
    b('role-update-memory', 'dangerous role', lambdaEvent('UpdateFunctionConfiguration', { functionName: 'orders-api', memorySize: 1024, timeout: 30 }, deployer), SRC.pantherLambda, ROLES_STATE),
    d('logging-removed-inline', 'role logging removed', deleteRolePolicyEvent('logging', 'orders-api-role', attacker), 'Invictus-IR (execution role logging removed)', {
      ...ROLES_STATE,
      roles: [{ Account: ACCOUNT, Role: { RoleName: 'orders-api-role', Path: '/', AssumeRolePolicyDocument: trust.lambda }, InlinePolicies: { logging: documents.logging } }],
    }),
    d('logging-removed-basic', 'role logging removed', detachRolePolicyEvent(BASIC_EXECUTION_ARN, 'thumbnails-role', attacker), 'Invictus-IR (execution role logging removed)', ROLES_STATE),
  ];
}

function trails(): CorpusEntry[] {
  const TRAIL = 'management-events';
  const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${TRAIL}`;
  const t = (eventName: string, request: Record<string, unknown>, overrides: EventOverrides = stratus): CloudTrailEvent => cloudTrailEvent('cloudtrail.amazonaws.com', eventName, request, overrides);
  const d = (id: string, event: CloudTrailEvent, source: string): CorpusEntry => ({ id, label: 'dangerous', family: 'logging disabled', source, event });
  const b = (id: string, event: CloudTrailEvent, source: string): CorpusEntry => ({ id, label: 'benign', family: 'logging disabled', source, event });
  const basic = (readWriteType: string, includeManagementEvents: boolean) => [{ readWriteType, includeManagementEvents, dataResources: [], excludeManagementEventSources: [] }];
  return [
    d('trail-stop-arn', t('StopLogging', { name: TRAIL_ARN }), SRC.stratusStop),
    d('trail-stop-name', t('StopLogging', { name: TRAIL }, attacker), SRC.sigmaTrail),
    d('trail-stop-org-trail', t('StopLogging', { name: 'org-trail' }, attacker), SRC.sigmaTrail),
    d('trail-delete', t('DeleteTrail', { name: TRAIL }), SRC.stratusDelete),
    d('trail-delete-arn', t('DeleteTrail', { name: TRAIL_ARN }, attacker), SRC.sigmaTrail),
    d('trail-selectors-no-management', t('PutEventSelectors', { trailName: TRAIL, eventSelectors: basic('All', false) }), SRC.stratusSelectors),
    d('trail-selectors-read-only', t('PutEventSelectors', { trailName: TRAIL, eventSelectors: basic('ReadOnly', true) }, attacker), SRC.stratusSelectors),
    d('trail-advanced-read-only', t('PutEventSelectors', { trailName: TRAIL, advancedEventSelectors: [{ name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', equals: ['true'] }] }] }, attacker), SRC.stratusSelectors),
    d('trail-advanced-data-only', t('PutEventSelectors', { trailName: TRAIL, advancedEventSelectors: [{ name: 'S3 data', fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }, { field: 'resources.type', equals: ['AWS::S3::Object'] }] }] }, attacker), SRC.stratusSelectors),
    d('trail-update-no-global', t('UpdateTrail', { name: TRAIL, includeGlobalServiceEvents: false }, attacker), 'Sigma aws_cloudtrail_disable_logging (UpdateTrail) and CloudTrail UpdateTrail reference'),
    d('trail-update-single-region', t('UpdateTrail', { name: TRAIL, isMultiRegionTrail: false }, attacker), 'CloudTrail UpdateTrail reference (multi-region off)'),
    b('trail-start', t('StartLogging', { name: TRAIL }, deployer), SRC.sigmaTrail),
    b('trail-selectors-all', t('PutEventSelectors', { trailName: TRAIL, eventSelectors: basic('All', true) }, deployer), 'AWS CLI put-event-selectors example'),
    b('trail-selectors-with-data', t('PutEventSelectors', { trailName: TRAIL, eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::orders-uploads/'] }] }] }, deployer), 'AWS CLI put-event-selectors example'),
    b('trail-update-validation', t('UpdateTrail', { name: TRAIL, enableLogFileValidation: true }, deployer), 'CloudTrail UpdateTrail reference'),
    b('trail-update-multi-region-on', t('UpdateTrail', { name: TRAIL, isMultiRegionTrail: true }, deployer), 'CloudTrail UpdateTrail reference'),
  ];
}

function tamper(): CorpusEntry[] {
  // The member template's real names (functions/shared/self/member-resources.ts): the forwarding rules
  // warden-forward-<service>, the remediator and audit roles, the forwarder role warden-forwarder-<region>.
  const rule = forwardingRuleName('lambda');
  const ev = (eventName: string, request: Record<string, unknown>, overrides: EventOverrides = attacker): CloudTrailEvent => cloudTrailEvent('events.amazonaws.com', eventName, request, overrides);
  const iam = (eventName: string, request: Record<string, unknown>, overrides: EventOverrides = attacker): CloudTrailEvent => cloudTrailEvent('iam.amazonaws.com', eventName, request, { region: 'us-east-1', ...overrides });
  const d = (id: string, event: CloudTrailEvent, source: string = SRC.tamperDocs): CorpusEntry => ({ id, label: 'dangerous', family: 'tamper', source, event });
  const b = (id: string, event: CloudTrailEvent, source: string = SRC.tamperDocs): CorpusEntry => ({ id, label: 'benign', family: 'tamper', source, event });
  const openTrust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });
  return [
    d('tamper-disable', ev('DisableRule', { name: rule })),
    d('tamper-delete', ev('DeleteRule', { name: rule, eventBusName: 'default' })),
    d('tamper-remove-targets', ev('RemoveTargets', { rule, ids: ['WardenBus'] })),
    d('tamper-put-disabled', ev('PutRule', { name: rule, state: 'DISABLED', eventPattern: '{"source":["aws.none"]}' })),
    d('tamper-heartbeat-disabled', ev('DisableRule', { name: forwardingRuleName('heartbeat') })),
    d('tamper-remediator-trust', iam('UpdateAssumeRolePolicy', { roleName: 'WardenRemediator', policyDocument: openTrust }), SRC.iamRoleDocs),
    d('tamper-remediator-inline-deleted', iam('DeleteRolePolicy', { roleName: 'WardenRemediator', policyName: 'Remediate' }), SRC.iamRoleDocs),
    d('tamper-auditor-detached', iam('DetachRolePolicy', { roleName: 'WardenAuditor', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }), SRC.iamRoleDocs),
    d('tamper-forwarder-deleted', iam('DeleteRole', { roleName: forwarderRoleName(REGION) }), SRC.iamRoleDocs),
    d('tamper-remediator-tagged', iam('TagRole', { roleName: 'WardenRemediator', tags: [{ key: 'team', value: 'platform' }] }), SRC.iamRoleDocs),
    b('tamper-other-rule-disabled', ev('DisableRule', { name: 'team-nightly-job' }, deployer)),
    b('tamper-other-rule-put', ev('PutRule', { name: 'orders-schedule', scheduleExpression: 'rate(5 minutes)', state: 'ENABLED' }, deployer)),
    // Names that only look like the bot's: an ordinary rule and role of a member account.
    b('tamper-look-alike-rule', ev('DisableRule', { name: 'WardenForwarder' }, deployer)),
    b('tamper-look-alike-role-tagged', iam('TagRole', { roleName: 'WardenPayments', tags: [{ key: 'team', value: 'payments' }] }, deployer), SRC.iamRoleDocs),
  ];
}

function secrets(): CorpusEntry[] {
  const d = (id: string, variable: { name: string; value: string }, event: CloudTrailEvent): CorpusEntry => ({ id, label: 'dangerous', family: 'plaintext secret', source: SRC.secretsDocs, event, state: withVariables({ [variable.name]: variable.value }) });
  const b = (id: string, variable: { name: string; value: string }, event: CloudTrailEvent): CorpusEntry => ({ id, label: 'benign', family: 'plaintext secret', source: SRC.secretsDocs, event, state: withVariables({ [variable.name]: variable.value }) });
  const update = (): CloudTrailEvent => updateFunctionConfigurationEvent({ setsEnvironment: true }, attacker);
  const create = (): CloudTrailEvent => createFunctionEvent({ role: roleArn('thumbnails-role'), setsEnvironment: true }, deployer);
  const code = (): CloudTrailEvent => updateFunctionCodeEvent('orders-api', attacker);
  return [
    d('secret-db-url', labelled('connection string with password'), update()),
    d('secret-stripe', labelled('Stripe secret key'), create()),
    d('secret-aws-key', labelled('AWS access key ID'), code()),
    d('secret-db-password', labelled('password in a secret-named variable'), create()),
    d('secret-mail-pw', { name: 'MAIL_PW', value: labelled('password in a secret-named variable', 2).value }, update()),
    d('secret-high-entropy-named', labelled('high-entropy value in a secret-named variable'), update()),
    d('secret-random-unnamed', labelled('random credential-shaped value'), create()),
    d('secret-random-unnamed-2', labelled('random credential-shaped value', 3), code()),
    d('secret-slack', labelled('Slack bot token'), update()),
    d('secret-jwt', labelled('JWT'), code()),
    b('secret-arn-reference', labelled(null, 22), update()),
    b('secret-placeholder', { name: 'DB_PASSWORD', value: 'changeme' }, create()),
    b('secret-uuid', { name: 'TENANT_ID', value: '3f0c9a52-8d1e-4b7a-9c3e-5a1f2b6d7e80' }, code()),
    b('secret-image-digest', { name: 'WORKER_IMAGE', value: `ghcr.io/acme/worker@sha256:${'a3f1'.repeat(16)}` }, update()),
    b('secret-doc-example', { name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI/K7MDENG/' + 'bPxRfiCY' + 'EXAMPLEKEY' }, update()),
    b('secret-generated-name', { name: 'DATA_STORE', value: 'OrdersStack-OrdersTable1A2B3C4D-1X2Y3Z4W5V6U' }, create()),
  ];
}

function layersOutsideOrg(): CorpusEntry[] {
  const foreign = `arn:aws:lambda:${REGION}:${FOREIGN_ACCOUNT}:layer:aws-sdk-patch:4`;
  const own = `${LAYER_ARN}:3`;
  return [
    { id: 'layer-ext-create', label: 'dangerous', family: 'layer outside org', source: 'Stratus Red Team aws.persistence.lambda-layer-extension', event: createFunctionEvent({ functionName: 'orders-api', role: roleArn('thumbnails-role'), layers: [foreign] }, stratus), state: ROLES_STATE },
    { id: 'layer-ext-update', label: 'dangerous', family: 'layer outside org', source: 'Stratus Red Team aws.persistence.lambda-layer-extension', event: updateFunctionConfigurationEvent({ layers: [own, foreign] }, stratus), state: ROLES_STATE },
    { id: 'layer-own-update', label: 'benign', family: 'layer outside org', source: SRC.layerDocs, event: updateFunctionConfigurationEvent({ layers: [own] }, deployer), state: ROLES_STATE },
    { id: 'layer-aws-insights', label: 'benign', family: 'layer outside org', source: 'AWS Lambda Insights extension layer (AWS-owned account 580247275435)', event: updateFunctionConfigurationEvent({ layers: [`arn:aws:lambda:${REGION}:580247275435:layer:LambdaInsightsExtension:38`] }, deployer), state: ROLES_STATE },
  ];
}

/** Issue #17 rule 3: asynchronous invocation records and dead-letter events sent to another account. */
function destinationsOutsideOrg(): CorpusEntry[] {
  const DEST = 'AWS Lambda Developer Guide: capturing records of asynchronous invocations (destinations, PutFunctionEventInvokeConfig)';
  const DLQ = 'AWS Lambda Developer Guide: dead-letter queues (UpdateFunctionConfiguration DeadLetterConfig)';
  const at = (account: string, service: string, name: string): string => `arn:aws:${service}:${REGION}:${account}:${name}`;
  const d = (id: string, event: CloudTrailEvent, source: string): CorpusEntry => ({ id, label: 'dangerous', family: 'data sent outside org', source, event, state: ROLES_STATE });
  const b = (id: string, event: CloudTrailEvent, source: string): CorpusEntry => ({ id, label: 'benign', family: 'data sent outside org', source, event, state: ROLES_STATE });
  const i = (id: string, event: CloudTrailEvent, source: string): CorpusEntry => ({ id, label: 'ignore', family: null, source, event, state: ROLES_STATE });
  return [
    d('dest-failure-foreign-queue', putFunctionEventInvokeConfigEvent({ functionName: 'orders-api', onFailure: at(FOREIGN_ACCOUNT, 'sqs', 'collector'), maximumRetryAttempts: 0 }, attacker), DEST),
    d('dest-success-foreign-bus', updateFunctionEventInvokeConfigEvent({ functionName: FUNCTION_ARN, onSuccess: at(FOREIGN_ACCOUNT, 'events', 'event-bus/default') }, stratus), DEST),
    d('dest-success-foreign-function-v2019', withName(putFunctionEventInvokeConfigEvent({ functionName: 'orders-api', onSuccess: at(FOREIGN_ACCOUNT, 'lambda', 'function:sink') }, attacker), 'PutFunctionEventInvokeConfig20190925'), DEST),
    d('dest-alias-foreign-topic', putFunctionEventInvokeConfigEvent({ functionName: 'orders-api', qualifier: 'live', onFailure: at(FOREIGN_ACCOUNT, 'sns', 'errors') }, attacker), DEST),
    d('dlq-foreign-topic-update', updateFunctionConfigurationEvent({ deadLetterConfig: { targetArn: at(FOREIGN_ACCOUNT, 'sns', 'dead-letters') } }, attacker), DLQ),
    d('dlq-foreign-queue-create', createFunctionEvent({ functionName: 'orders-api', role: roleArn('thumbnails-role'), deadLetterConfig: { targetArn: at(FOREIGN_ACCOUNT, 'sqs', 'dlq') } }, stratus), DLQ),
    b('dest-own-queue', putFunctionEventInvokeConfigEvent({ functionName: 'orders-api', onFailure: at(ACCOUNT, 'sqs', 'orders-failures'), maximumRetryAttempts: 1 }, deployer), DEST),
    b('dest-org-bus', putFunctionEventInvokeConfigEvent({ functionName: 'orders-api', onSuccess: at(ORG_ACCOUNT, 'events', 'event-bus/central-audit') }, deployer), DEST),
    b('dest-allow-listed-topic', putFunctionEventInvokeConfigEvent({ functionName: 'orders-api', onFailure: at(ALLOWED_ACCOUNT, 'sns', 'vendor-ingest') }, deployer), DEST),
    b('dest-s3-bucket', putFunctionEventInvokeConfigEvent({ functionName: 'orders-api', onFailure: 'arn:aws:s3:::orders-failed-events' }, deployer), DEST),
    b('dest-retries-only', updateFunctionEventInvokeConfigEvent({ functionName: 'orders-api', maximumEventAgeInSeconds: 3600 }, deployer), DEST),
    b('dlq-own-queue', updateFunctionConfigurationEvent({ deadLetterConfig: { targetArn: at(ACCOUNT, 'sqs', 'orders-dlq') } }, deployer), DLQ),
    b('dlq-removed', updateFunctionConfigurationEvent({ deadLetterConfig: { targetArn: '' } }, deployer), DLQ),
    i('ign-denied-put-destination', putFunctionEventInvokeConfigEvent({ functionName: 'orders-api', onFailure: at(FOREIGN_ACCOUNT, 'sqs', 'collector') }, { ...attacker, errorCode: 'AccessDeniedException' }), DEST),
    i('ign-remediator-put-destination', putFunctionEventInvokeConfigEvent({ functionName: 'orders-api', onSuccess: at(ORG_ACCOUNT, 'events', 'event-bus/central-audit') }, { identity: identities.remediator() }), 'The bot’s own revert'),
  ];
}

/** A VPC function's security group opened to the world for egress (issue #17 rule 5); the default rule of a new group is not. */
function egressOpened(): CorpusEntry[] {
  const SG = 'Amazon EC2 API reference (AuthorizeSecurityGroupEgress, ModifySecurityGroupRules, CreateSecurityGroup) and its CloudTrail records (securityGroupRuleSet)';
  const state = egressState();
  const d = (id: string, event: CloudTrailEvent): CorpusEntry => ({ id, label: 'dangerous', family: 'egress opened', source: SG, event, state });
  const b = (id: string, event: CloudTrailEvent): CorpusEntry => ({ id, label: 'benign', family: 'egress opened', source: SG, event, state });
  const i = (id: string, event: CloudTrailEvent, source = SG): CorpusEntry => ({ id, label: 'ignore', family: null, source, event, state });
  const world = (ipProtocol: string, cidr: string, ports: { fromPort?: number; toPort?: number } = {}) => ({ ipProtocol, ...ports, ...(cidr.includes(':') ? { cidrIpv6: cidr } : { cidrIpv4: cidr }) });
  return [
    d('egress-all-ipv4-reopened', authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], attacker)),
    d('egress-all-ipv6', authorizeEgressEvent(GROUP_ID, [world('-1', '::/0')], stratus)),
    d('egress-all-tcp-ports', authorizeEgressEvent(GROUP_ID, [world('tcp', '0.0.0.0/0', { fromPort: 0, toPort: 65535 })], attacker)),
    d('egress-all-udp-ports-beside-https', authorizeEgressEvent(GROUP_ID, [world('tcp', '0.0.0.0/0', { fromPort: 443, toPort: 443 }), world('udp', '0.0.0.0/0', { fromPort: 0, toPort: 65535 })], stratus)),
    d('egress-rule-widened-in-place', modifySecurityGroupRuleEvent(GROUP_ID, NARROW_RULE_ID, ALL_TO_WORLD, attacker)),
    b('egress-default-rule-new-group', createSecurityGroupEvent('orders-api-lambda-v2', 'sg-0123456789abcdef0', deployer)),
    b('egress-https-to-world', authorizeEgressEvent(GROUP_ID, [world('tcp', '0.0.0.0/0', { fromPort: 443, toPort: 443 })], deployer)),
    b('egress-all-inside-vpc', authorizeEgressEvent(GROUP_ID, [{ ipProtocol: '-1', cidrIpv4: '10.20.0.0/16' }], deployer)),
    b('egress-all-to-prefix-list', authorizeEgressEvent(GROUP_ID, [{ ipProtocol: '-1', prefixListId: 'pl-63a5400a' }], deployer)),
    b('egress-all-on-unused-group', authorizeEgressEvent(OTHER_GROUP_ID, [ALL_TO_WORLD], deployer)),
    b('egress-narrowed', revokeEgressEvent(GROUP_ID, { ruleIds: [NARROW_RULE_ID] }, deployer)),
    i('ign-denied-authorize-egress', authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], { ...attacker, errorCode: 'Client.UnauthorizedOperation' })),
    i('ign-remediator-authorize-egress', authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD], { identity: identities.remediator() }), 'The bot’s own Restore of a revoked rule'),
  ];
}

function everyday(): CorpusEntry[] {
  const b = (id: string, event: CloudTrailEvent, state: StateFileInput = ROLES_STATE): CorpusEntry => ({ id, label: 'benign', family: null, source: SRC.pantherLambda, event, state });
  return [
    b('day-update-code-s3', updateFunctionCodeEvent('orders-api', deployer)),
    b('day-update-code-v1-name', withName(updateFunctionCodeEvent('orders-api', deployer), 'UpdateFunctionCode20150331')),
    b('day-update-timeout', lambdaEvent('UpdateFunctionConfiguration', { functionName: 'orders-api', timeout: 60 }, deployer)),
    b('day-update-memory-v1-name', withName(lambdaEvent('UpdateFunctionConfiguration', { functionName: 'orders-api', memorySize: 2048 }, deployer), 'UpdateFunctionConfiguration20150331')),
    b('day-create-narrow', createFunctionEvent({ functionName: 'order-events-consumer', role: roleArn('thumbnails-role') }, deployer)),
    b('day-create-runtime', createFunctionEvent({ functionName: 'py-worker', role: roleArn('thumbnails-role'), runtime: 'python3.13', handler: 'app.handler' }, deployer)),
    b('day-tag', lambdaEvent('TagResource', { resource: FUNCTION_ARN, tags: { team: 'orders', costCenter: '1234' } }, deployer)),
    b('day-publish-version', lambdaEvent('PublishVersion', { functionName: 'orders-api' }, deployer)),
    b('day-create-alias', lambdaEvent('CreateAlias', { functionName: 'orders-api', name: 'live', functionVersion: '1' }, deployer)),
    b('day-remove-permission', lambdaEvent('RemovePermission', { functionName: 'orders-api', statementId: 'old' }, deployer)),
    b('day-put-concurrency', lambdaEvent('PutFunctionConcurrency', { functionName: 'orders-api', reservedConcurrentExecutions: 50 }, deployer)),
    b('day-delete-url', lambdaEvent('DeleteFunctionUrlConfig', { functionName: 'orders-api' }, deployer)),
  ];
}

/** Function settings judged from Lambda state alone (issue #17). */
function functionSettings(): CorpusEntry[] {
  const d = (id: string, family: Family, event: CloudTrailEvent, source: string, state?: StateFileInput): CorpusEntry => ({ id, label: 'dangerous', family, source, event, ...(state ? { state } : {}) });
  const b = (id: string, family: Family, event: CloudTrailEvent, source: string, state?: StateFileInput): CorpusEntry => ({ id, label: 'benign', family, source, event, ...(state ? { state } : {}) });
  const recursion = (recursiveLoop: string, overrides: EventOverrides, functionName: string = FUNCTION_ARN): CloudTrailEvent =>
    lambdaEvent('PutFunctionRecursionConfig', { functionName, recursiveLoop }, { responseElements: { recursiveLoop }, ...overrides });
  const concurrency = (reserved: number, overrides: EventOverrides, functionName = 'orders-api'): CloudTrailEvent =>
    lambdaEvent('PutFunctionConcurrency', { functionName, reservedConcurrentExecutions: reserved }, { responseElements: { reservedConcurrentExecutions: reserved }, ...overrides });
  const CSC = `arn:aws:lambda:${REGION}:${ACCOUNT}:code-signing-config:csc-0a1b2c3d4e5f67890`;
  const WARN_CSC = `arn:aws:lambda:${REGION}:${ACCOUNT}:code-signing-config:csc-0f9e8d7c6b5a43210`;
  const signed: StateFileInput = {
    codeSigningConfigs: [
      { Account: ACCOUNT, Region: REGION, CodeSigningConfigArn: CSC, CodeSigningPolicies: { UntrustedArtifactOnDeployment: 'Enforce' } },
      { Account: ACCOUNT, Region: REGION, CodeSigningConfigArn: WARN_CSC, CodeSigningPolicies: { UntrustedArtifactOnDeployment: 'Warn' } },
    ],
    functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: 'orders-api' }, CodeSigningConfigArn: CSC }],
  };
  const updateConfig = (request: Record<string, unknown>, overrides: EventOverrides): CloudTrailEvent => lambdaEvent('UpdateCodeSigningConfig', { codeSigningConfigArn: CSC, ...request }, overrides);
  const putConfig = (arn: string, overrides: EventOverrides): CloudTrailEvent => lambdaEvent('PutFunctionCodeSigningConfig', { functionName: 'orders-api', codeSigningConfigArn: arn }, overrides);
  const logging = (loggingConfig: Record<string, unknown>, overrides: EventOverrides): CloudTrailEvent =>
    lambdaEvent('UpdateFunctionConfiguration', { functionName: FUNCTION_ARN, loggingConfig }, { responseElements: { functionName: 'orders-api', functionArn: FUNCTION_ARN, loggingConfig: { logFormat: 'Text', logGroup: '/aws/lambda/orders-api', ...loggingConfig } }, ...overrides });
  return [
    d('logs-to-foreign-group', 'logs redirected', logging({ logGroup: '/tmp/collector' }, attacker), SRC.loggingDocs),
    d('logs-to-other-function-group', 'logs redirected', logging({ logGroup: '/aws/lambda/orders-worker', logFormat: 'JSON' }, stratus), SRC.loggingDocs),
    b('logs-json-format', 'logs redirected', logging({ logFormat: 'JSON', applicationLogLevel: 'INFO' }, deployer), SRC.loggingDocs),
    b('logs-back-to-own-group', 'logs redirected', logging({ logGroup: '/aws/lambda/orders-api' }, deployer), SRC.loggingDocs),
    d('csc-delete-from-function', 'code signing weakened', lambdaEvent('DeleteFunctionCodeSigningConfig', { functionName: FUNCTION_ARN }, attacker), SRC.codeSigningDocs, signed),
    d('csc-switched-to-warn', 'code signing weakened', updateConfig({ codeSigningPolicies: { untrustedArtifactOnDeployment: 'Warn' } }, stratus), SRC.codeSigningDocs, signed),
    d('csc-function-to-warn-config', 'code signing weakened', putConfig(WARN_CSC, attacker), SRC.codeSigningDocs, signed),
    b('csc-switched-to-enforce', 'code signing weakened', updateConfig({ codeSigningPolicies: { untrustedArtifactOnDeployment: 'Enforce' } }, deployer), SRC.codeSigningDocs, signed),
    b('csc-description-only', 'code signing weakened', updateConfig({ description: 'orders signing profile' }, deployer), SRC.codeSigningDocs, signed),
    b('csc-attach-enforcing', 'code signing weakened', putConfig(CSC, deployer), SRC.codeSigningDocs, signed),
    d('concurrency-zero-user', 'function throttled', concurrency(0, attacker), SRC.concurrencyDocs),
    d('concurrency-zero-role-arn', 'function throttled', concurrency(0, stratus, FUNCTION_ARN), SRC.concurrencyDocs),
    d('concurrency-zero-bot-lookalike', 'function throttled', concurrency(0, { identity: assumedRole('WardenRemediator', 'warden-wf-0123456789abcdef0123') }), SRC.concurrencyDocs),
    b('concurrency-one', 'function throttled', concurrency(1, deployer), SRC.concurrencyDocs),
    b('concurrency-hundred-arn', 'function throttled', concurrency(100, deployer, FUNCTION_ARN), SRC.concurrencyDocs),
    d('recursion-allow-arn', 'recursion guard off', recursion('Allow', attacker), SRC.recursionDocs),
    d('recursion-allow-name', 'recursion guard off', recursion('Allow', stratus, 'orders-api'), SRC.recursionDocs),
    d('recursion-allow-versioned-name', 'recursion guard off', withName(recursion('Allow', attacker), 'PutFunctionRecursionConfig20240831'), SRC.recursionDocs),
    b('recursion-terminate', 'recursion guard off', recursion('Terminate', deployer), SRC.recursionDocs),
    b('recursion-terminate-over-allow', 'recursion guard off', recursion('Terminate', attacker), SRC.recursionDocs, {
      functions: [{ Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: 'orders-api' }, RecursiveLoop: 'Allow' }],
    }),
  ];
}

/** A function's log group deleted or its retention cut (issue #17 rule 7): judged on the account's functions and log groups. */
function functionLogGroups(): CorpusEntry[] {
  const entry = (label: 'dangerous' | 'benign' | 'ignore', family: Family | null) => (id: string, event: CloudTrailEvent): CorpusEntry => ({ id, label, family, source: SRC.logGroupDocs, event, state: LOG_GROUPS_STATE });
  const deleted = entry('dangerous', 'log group deleted');
  const cut = entry('dangerous', 'log retention cut');
  const notDeleted = entry('benign', 'log group deleted');
  const notCut = entry('benign', 'log retention cut');
  const ignore = entry('ignore', null);
  const logs = (eventName: string, request: Record<string, unknown>, overrides: EventOverrides): CloudTrailEvent => cloudTrailEvent('logs.amazonaws.com', eventName, request, overrides);
  const del = (logGroupName: string, overrides: EventOverrides): CloudTrailEvent => logs('DeleteLogGroup', { logGroupName }, overrides);
  const retention = (retentionInDays: number, logGroupName: string, overrides: EventOverrides): CloudTrailEvent => logs('PutRetentionPolicy', { logGroupName, retentionInDays }, overrides);
  const denied = { ...attacker, errorCode: 'AccessDeniedException', errorMessage: 'User is not authorized to perform: logs:DeleteLogGroup' };
  return [
    deleted('log-group-delete-own', del('/aws/lambda/orders-api', attacker)),
    deleted('log-group-delete-custom', del('/org/orders/shared', stratus)),
    notDeleted('log-group-delete-codebuild', del('/aws/codebuild/orders', deployer)),
    notDeleted('log-group-delete-retired-function', del('/aws/lambda/retired-report', deployer)),
    notDeleted('log-group-delete-unused-default', del('/aws/lambda/orders-worker', deployer)),
    cut('log-retention-one-day', retention(1, '/aws/lambda/orders-api', attacker)),
    cut('log-retention-custom-three-days', retention(3, '/org/orders/shared', stratus)),
    notCut('log-retention-raised', retention(365, '/aws/lambda/orders-api', deployer)),
    notCut('log-retention-at-minimum', retention(30, '/aws/lambda/orders-api', deployer)),
    notCut('log-retention-other-group', retention(1, '/aws/codebuild/orders', deployer)),
    notCut('log-retention-never-expire', logs('DeleteRetentionPolicy', { logGroupName: '/aws/lambda/orders-api' }, deployer)),
    notCut('log-group-create', logs('CreateLogGroup', { logGroupName: '/aws/lambda/orders-api-v2' }, deployer)),
    ignore('ign-denied-delete-log-group', del('/aws/lambda/orders-api', denied)),
    ignore('ign-denied-retention-cut', retention(1, '/aws/lambda/orders-api', { ...attacker, errorCode: 'AccessDeniedException' })),
    ignore('ign-remediator-retention', retention(1, '/aws/lambda/orders-api', { identity: identities.remediator() })),
  ];
}

/** orders-api logs to its own group (90 days), orders-worker to a shared custom group (a year); a CodeBuild group belongs to no function. */
const LOG_GROUPS_STATE: StateFileInput = {
  functions: [
    { Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: 'orders-api' } },
    { Account: ACCOUNT, Region: REGION, Configuration: { FunctionName: 'orders-worker', LoggingConfig: { LogFormat: 'JSON', LogGroup: '/org/orders/shared' } } },
  ],
  logGroups: [
    { Account: ACCOUNT, Region: REGION, LogGroup: { logGroupName: '/aws/lambda/orders-api', retentionInDays: 90, creationTime: 1_735_689_600_000 } },
    { Account: ACCOUNT, Region: REGION, LogGroup: { logGroupName: '/aws/lambda/orders-worker', retentionInDays: 90, creationTime: 1_735_689_600_000 } },
    { Account: ACCOUNT, Region: REGION, LogGroup: { logGroupName: '/org/orders/shared', retentionInDays: 365, creationTime: 1_735_689_600_000 } },
    { Account: ACCOUNT, Region: REGION, LogGroup: { logGroupName: '/aws/codebuild/orders', retentionInDays: 14, creationTime: 1_735_689_600_000 } },
  ],
};

/** Lambda functions behind an unauthenticated API Gateway route (issue #17 rule 1): judged on what the stage serves. */
function unauthenticatedApis(): CorpusEntry[] {
  const family = 'unauthenticated API route';
  const state = apiGatewayState();
  const d = (id: string, event: CloudTrailEvent, setup: readonly CloudTrailEvent[] = [], source: string = SRC.apigwDocs, start: StateFileInput = state): CorpusEntry => ({ id, label: 'dangerous', family, source, event, state: start, setup });
  const b = (id: string, event: CloudTrailEvent, setup: readonly CloudTrailEvent[] = [], start: StateFileInput = state): CorpusEntry => ({ id, label: 'benign', family, source: SRC.apigwDocs, event, state: start, setup });
  const open = [{ op: 'replace', path: '/authorizationType', value: 'NONE' }];
  const exempt: StateFileInput = { ...state, httpApis: (state.httpApis ?? []).map((api) => ({ ...api, Tags: { 'warden:exempt': 'function-api-route-unauthenticated' } })) };
  return [
    d('apigw-rest-open-then-deploy', createDeployment('prod', attacker), [updateMethod(open, attacker)]),
    d('apigw-rest-stage-moved-to-open', apiGatewayEvent('UpdateStage', { restApiId: REST_API_ID, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/deploymentId', value: 'dep3x1' }] }, stratus), [updateMethod(open, stratus), createDeployment('staging', stratus, 'dep3x1')]),
    d('apigw-rest-new-method-deployed', createDeployment('prod', attacker), [putMethod('DELETE', 'NONE', {}, attacker), putIntegration('DELETE', lambdaInvocationUri(), 'AWS_PROXY', attacker)]),
    d('apigw-http-route-none', updateRoute('NONE', attacker)),
    d('apigw-http-new-open-route', createRoute('ANY /{proxy+}', 'NONE', 'integrations/in0099', stratus), [createIntegration(FUNCTION_ARN, 'in0099', stratus)], SRC.apigwBackdoor),
    d('apigw-http-quick-create', apiGatewayEvent('CreateApi', { name: 'orders-hook', protocolType: 'HTTP', target: FUNCTION_ARN }, { ...attacker, responseElements: { apiId: 'qk00000001', name: 'orders-hook', protocolType: 'HTTP', apiEndpoint: 'https://qk00000001.execute-api.us-east-1.amazonaws.com' } }), [], SRC.apigwBackdoor),
    b('apigw-rest-draft-not-deployed', updateMethod(open, attacker)),
    b('apigw-rest-api-key-required', createDeployment('prod', deployer), [putMethod('POST', 'NONE', { apiKeyRequired: true }, deployer)]),
    b('apigw-rest-cognito', createDeployment('prod', deployer), [putMethod('POST', 'COGNITO_USER_POOLS', { authorizerId: 'cog001', authorizationScopes: ['orders/write'] }, deployer)]),
    b('apigw-rest-custom-authorizer', createDeployment('prod', deployer), [putMethod('POST', 'CUSTOM', { authorizerId: 'auth01' }, deployer)]),
    b('apigw-rest-open-http-backend', createDeployment('prod', deployer)),
    b('apigw-http-iam', updateRoute('AWS_IAM', deployer)),
    b('apigw-rest-private-api', createDeployment('prod', attacker), [updateMethod(open, attacker)], { ...state, restApis: (state.restApis ?? []).map((api) => ({ ...api, EndpointConfiguration: { Types: ['PRIVATE' as const] } })) }),
    b('apigw-http-jwt', apiGatewayEvent('UpdateRoute', { apiId: HTTP_API_ID, routeId: 'rt0001', authorizationType: 'JWT', authorizerId: 'jw0001' }, deployer)),
    b('apigw-http-open-route-foreign-function', createRoute('POST /partner', 'NONE', 'integrations/in0098', deployer), [createIntegration(FOREIGN_FUNCTION_ARN, 'in0098', deployer)]),
    b('apigw-http-exempt-webhook', updateRoute('NONE', deployer), [], exempt),
  ];
}

function ignored(): CorpusEntry[] {
  const i = (id: string, event: CloudTrailEvent, source: string): CorpusEntry => ({ id, label: 'ignore', family: null, source, event });
  const denied = { ...attacker, errorCode: 'AccessDenied', errorMessage: 'User is not authorized to perform: lambda:AddPermission' };
  return [
    i('ign-denied-add-permission', addPermissionEvent({ statementId: 'backdoor', principal: '*' }, denied), 'Stratus Red Team detonation without permissions (errorCode AccessDenied)'),
    i('ign-denied-url', createFunctionUrlConfigEvent({ authType: 'NONE' }, { ...attacker, errorCode: 'AccessDeniedException' }), SRC.urlDocs),
    i('ign-conflict-add-permission', addPermissionEvent({ statementId: 'dup', principal: '*' }, { ...attacker, errorCode: 'ResourceConflictException' }), SRC.addPermissionRef),
    i('ign-denied-stop-logging', cloudTrailEvent('cloudtrail.amazonaws.com', 'StopLogging', { name: 'management-events' }, { ...stratus, errorCode: 'AccessDenied' }), SRC.stratusStop),
    i('ign-denied-put-role-policy', putRolePolicyEvent('escalate', documents.admin, {}, { ...attacker, errorCode: 'AccessDenied' }), SRC.iamExamples),
    i('ign-remediator-remove', lambdaEvent('RemovePermission', { functionName: 'orders-api', statementId: 'backdoor' }, { identity: identities.remediator() }), 'The bot’s own revert'),
    i('ign-remediator-url', updateFunctionUrlConfigEvent({ authType: 'AWS_IAM' }, { identity: identities.remediator() }), 'The bot’s own revert'),
    i('ign-remediator-start', cloudTrailEvent('cloudtrail.amazonaws.com', 'StartLogging', { name: 'management-events' }, { identity: identities.remediator() }), 'The bot’s own revert'),
    i('ign-get-function', lambdaEvent('GetFunction', { functionName: 'orders-api' }, attacker), 'Read-only call (CloudTrail management read event)'),
    i('ign-get-policy', lambdaEvent('GetPolicy', { functionName: 'orders-api' }, attacker), 'Read-only call (CloudTrail management read event)'),
    i('ign-list-functions', lambdaEvent('ListFunctions', null, stratus), 'Stratus Red Team discovery (ListFunctions20150331)'),
    i('ign-denied-recursion-allow', lambdaEvent('PutFunctionRecursionConfig', { functionName: 'orders-api', recursiveLoop: 'Allow' }, { ...attacker, errorCode: 'AccessDeniedException' }), SRC.recursionDocs),
    i('ign-remediator-recursion', lambdaEvent('PutFunctionRecursionConfig', { functionName: FUNCTION_ARN, recursiveLoop: 'Terminate' }, { identity: identities.remediator() }), 'The bot’s own revert'),
    i('ign-remediator-quarantine', lambdaEvent('PutFunctionConcurrency', { functionName: FUNCTION_ARN, reservedConcurrentExecutions: 0 }, { identity: identities.remediator() }), 'The bot’s own quarantine'),
    i('ign-denied-concurrency-zero', lambdaEvent('PutFunctionConcurrency', { functionName: 'orders-api', reservedConcurrentExecutions: 0 }, { ...attacker, errorCode: 'AccessDeniedException' }), SRC.concurrencyDocs),
    i('ign-denied-csc-delete', lambdaEvent('DeleteFunctionCodeSigningConfig', { functionName: 'orders-api' }, { ...attacker, errorCode: 'AccessDeniedException' }), SRC.codeSigningDocs),
    i('ign-denied-update-route', updateRoute('NONE', { ...attacker, errorCode: 'AccessDeniedException' }), SRC.apigwDocs),
    i('ign-remediator-update-route', updateRoute('AWS_IAM', { identity: identities.remediator() }), 'The bot’s own call'),
    i('ign-s3-bucket-policy', cloudTrailEvent('s3.amazonaws.com', 'PutBucketPolicy', { bucketName: 'orders-uploads', policy: '{}' }, attacker), 'Another service: no rule watches it'),
  ];
}

/** The whole corpus. */
export const CORPUS: readonly CorpusEntry[] = [
  ...publicInvoke(),
  ...publicUrl(),
  ...layers(),
  ...resourcePolicies(),
  ...roles(),
  ...trails(),
  ...tamper(),
  ...secrets(),
  ...layersOutsideOrg(),
  ...destinationsOutsideOrg(),
  ...egressOpened(),
  ...everyday(),
  ...functionSettings(),
  ...functionLogGroups(),
  ...unauthenticatedApis(),
  ...ignored(),
];
