/**
 * Builds resource-policy statements exactly the way Lambda does for `AddPermission` and
 * `AddLayerVersionPermission`, so simulated policies look like the ones `GetPolicy` returns.
 */
import { partitionOf, PolicyStatementSchema, type PolicyStatement } from '../functions/shared/state/resources';

/** The parameters of `AddPermission` that shape the statement (SDK spelling). */
export interface FunctionPermissionInput {
  readonly StatementId: string;
  readonly Action: string;
  readonly Principal: string;
  readonly SourceArn?: string | undefined;
  readonly SourceAccount?: string | undefined;
  readonly EventSourceToken?: string | undefined;
  readonly PrincipalOrgID?: string | undefined;
  readonly FunctionUrlAuthType?: string | undefined;
}

/** The parameters of `AddLayerVersionPermission` that shape the statement (SDK spelling). */
export interface LayerPermissionInput {
  readonly StatementId: string;
  readonly Action: string;
  readonly Principal: string;
  readonly OrganizationId?: string | undefined;
}

type Principal = NonNullable<PolicyStatement['Principal']>;
type Condition = Record<string, Record<string, string>>;

/** `*` stays `*`, an account id becomes its root ARN, an IAM ARN is kept, anything else is a service. */
function principalOf(principal: string, region: string): Principal {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:${partitionOf(region)}:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}

function addCondition(condition: Condition, operator: string, key: string, value: string | undefined): void {
  if (value === undefined || value === '') return;
  condition[operator] = { ...condition[operator], [key]: value };
}

/** The statement Lambda adds to a function policy; `resource` is the (qualified) function ARN. */
export function functionPermissionStatement(input: FunctionPermissionInput, resource: string, region: string): PolicyStatement {
  const condition: Condition = {};
  addCondition(condition, 'StringEquals', 'AWS:SourceAccount', input.SourceAccount);
  addCondition(condition, 'StringEquals', 'aws:PrincipalOrgID', input.PrincipalOrgID);
  addCondition(condition, 'StringEquals', 'lambda:EventSourceToken', input.EventSourceToken);
  addCondition(condition, 'StringEquals', 'lambda:FunctionUrlAuthType', input.FunctionUrlAuthType);
  addCondition(condition, 'ArnLike', 'AWS:SourceArn', input.SourceArn);
  const statement: PolicyStatement = {
    Sid: input.StatementId,
    Effect: 'Allow',
    Principal: principalOf(input.Principal, region),
    Action: input.Action,
    Resource: resource,
  };
  return Object.keys(condition).length === 0 ? statement : { ...statement, Condition: condition };
}

/** The statement Lambda adds to a layer version policy; `resource` is the layer version ARN. */
export function layerPermissionStatement(input: LayerPermissionInput, resource: string, region: string): PolicyStatement {
  const statement: PolicyStatement = {
    Sid: input.StatementId,
    Effect: 'Allow',
    Principal: principalOf(input.Principal, region),
    Action: input.Action,
    Resource: resource,
  };
  if (input.OrganizationId === undefined || input.OrganizationId === '') return statement;
  return { ...statement, Condition: { StringEquals: { 'aws:PrincipalOrgID': input.OrganizationId } } };
}

/**
 * Parses the `statement` JSON text CloudTrail records in `responseElements`; null when it is
 * absent, not JSON, not a statement, or about another statement id.
 */
export function statementFromResponse(text: unknown, statementId: string | undefined): PolicyStatement | null {
  if (typeof text !== 'string' || text === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e: unknown) {
    if (e instanceof SyntaxError) return null;
    throw e;
  }
  const result = PolicyStatementSchema.safeParse(parsed);
  if (!result.success) return null;
  if (statementId !== undefined && result.data.Sid !== statementId) return null;
  return result.data;
}
