/** Reading IAM statements out of synthesized CloudFormation templates, for the infra tests. */

export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Principal?: unknown;
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: string;
}

export type CfnTemplate = { readonly Resources: Record<string, CfnResource> } & Record<string, unknown>;

/** Every `Statement` entry anywhere in the template (policies, trust policies, resource policies). */
export function statementsOf(template: unknown): Statement[] {
  const found: Statement[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (Array.isArray(record.Statement)) found.push(...(record.Statement as Statement[]));
      else if (typeof record.Statement === 'object' && record.Statement !== null) found.push(record.Statement);
      Object.values(record).forEach(visit);
    }
  };
  visit(template);
  return found;
}

export const actionsOf = (s: Statement): string[] => (s.Action === undefined ? [] : typeof s.Action === 'string' ? [s.Action] : s.Action);

/** Allow statements whose actions include `*` or `service:*`. */
export function wildcardStatements(template: unknown): Statement[] {
  return statementsOf(template).filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a === '*' || a.endsWith(':*')));
}

/** The statements of every AWS::IAM::Policy attached to the role, and of its inline policies. */
export function roleStatements(template: CfnTemplate, roleLogicalId: string): Statement[] {
  const attached = Object.values(template.Resources).filter(
    (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: roleLogicalId }]),
  );
  const role = template.Resources[roleLogicalId];
  return [...statementsOf(attached.map((p) => p.Properties?.PolicyDocument)), ...statementsOf((role?.Properties?.Policies) ?? [])];
}
