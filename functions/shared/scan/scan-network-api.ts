/**
 * What a scan lists for the rules that judge resources other than functions (issue #17): the egress rules of the
 * security groups the region's VPC functions use (`DescribeSecurityGroupRules` per batch of group ids, and
 * `DescribeSecurityGroups` only for the groups with a rule open to the world), and the REST and HTTP APIs of a
 * region (`GetRestApis`, `GetApis`) when `scan.readApis` opts in. The EC2 and API Gateway SDK modules load only when used.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { moduleExports } from '../aws/sdk-module';
import { worldOpenCidr } from '../ec2/security-group-rules';
import { StateReadError } from '../errors';
import { securityGroupRuleArn, SecurityGroupRuleSchema, type ApiRef, type SecurityGroupRule, type SecurityGroupRuleSnapshot } from '../state/resources';

/** EC2 accepts up to 200 values per filter: the group ids of one `DescribeSecurityGroupRules` call. */
export const SECURITY_GROUP_BATCH = 200;

/** `DescribeSecurityGroupRules`' largest page. */
const RULES_PAGE = 1000;

/** The EC2 calls a scan makes (reads; EC2's Describe calls take no resource-level permission). */
export const SCAN_EC2_PERMISSIONS = ['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups'] as const;

/**
 * The API Gateway calls a scan makes, by the name its call guard counts them under, with the one IAM action each
 * needs: API Gateway's IAM actions are HTTP verbs, and every one of these is a `GET` on `/restapis…` or `/apis…`.
 */
export const SCAN_API_GATEWAY_CALLS: Readonly<Record<string, 'apigateway:GET'>> = {
  'apigateway:GetRestApis': 'apigateway:GET',
  'apigateway:GetRestApi': 'apigateway:GET',
  'apigateway:GetStages': 'apigateway:GET',
  'apigateway:GetExport': 'apigateway:GET',
  'apigatewayv2:GetApis': 'apigateway:GET',
  'apigatewayv2:GetApi': 'apigateway:GET',
  'apigatewayv2:GetStages': 'apigateway:GET',
  'apigatewayv2:ExportApi': 'apigateway:GET',
};

/** A security group a scan judges, with the listed functions that use it. */
export interface ScannedGroup {
  readonly groupId: string;
  readonly functions: readonly string[];
}

/**
 * The egress rules of the groups, as snapshots for `function-security-group-egress-opened`: one
 * `DescribeSecurityGroupRules` per batch of {@link SECURITY_GROUP_BATCH} groups (more only past 1,000 rules), then
 * one `DescribeSecurityGroups` for the groups with a rule open to the world on every port (name, VPC, tags).
 */
export async function listEgressRules(ec2: EC2Client, account: string, region: string, groups: readonly ScannedGroup[]): Promise<SecurityGroupRuleSnapshot[]> {
  const { DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand } = moduleExports(await import('@aws-sdk/client-ec2'), 'DescribeSecurityGroupRulesCommand');
  const usedBy = new Map(groups.map((g) => [g.groupId, [...g.functions].sort()]));
  const rules: SecurityGroupRule[] = [];
  const ids = [...usedBy.keys()].sort();
  for (let start = 0; start < ids.length; start += SECURITY_GROUP_BATCH) {
    const batch = ids.slice(start, start + SECURITY_GROUP_BATCH);
    let token: string | undefined;
    do {
      const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: batch }], MaxResults: RULES_PAGE, ...(token === undefined ? {} : { NextToken: token }) }));
      for (const listed of out.SecurityGroupRules ?? []) {
        const parsed = SecurityGroupRuleSchema.safeParse(listed);
        if (!parsed.success) throw new StateReadError(`A rule of ${batch.join(', ')} as EC2 returned it lacks ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
        if (parsed.data.IsEgress && usedBy.has(parsed.data.GroupId)) rules.push(parsed.data);
      }
      token = out.NextToken === '' ? undefined : out.NextToken;
    } while (token !== undefined);
  }
  const open = [...new Set(rules.filter((r) => worldOpenCidr(r) !== null).map((r) => r.GroupId))].sort();
  const described = new Map<string, NonNullable<SecurityGroupRuleSnapshot['group']>>();
  for (let start = 0; start < open.length; start += SECURITY_GROUP_BATCH) {
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: open.slice(start, start + SECURITY_GROUP_BATCH) }));
    for (const g of out.SecurityGroups ?? []) {
      if (g.GroupId === undefined) continue;
      described.set(g.GroupId, { groupId: g.GroupId, groupName: g.GroupName, vpcId: g.VpcId, tags: Object.fromEntries((g.Tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']]))) });
    }
  }
  return rules.map((rule) => ({
    kind: 'ec2-security-group-rule',
    ref: { kind: 'ec2-security-group-rule', account, region, ruleId: rule.SecurityGroupRuleId },
    arn: securityGroupRuleArn({ account, region, ruleId: rule.SecurityGroupRuleId }),
    rule,
    group: described.get(rule.GroupId) ?? { groupId: rule.GroupId, tags: {} },
    usedByFunctions: usedBy.get(rule.GroupId) ?? [],
  }));
}

/** Every REST API (`GetRestApis`, 500 a page) and HTTP API (`GetApis`) of the clients' account and region. */
export async function listApis(rest: APIGatewayClient, http: ApiGatewayV2Client, account: string, region: string): Promise<ApiRef[]> {
  const { GetRestApisCommand } = moduleExports(await import('@aws-sdk/client-api-gateway'), 'GetRestApisCommand');
  const { GetApisCommand } = moduleExports(await import('@aws-sdk/client-apigatewayv2'), 'GetApisCommand');
  const refs: ApiRef[] = [];
  let position: string | undefined;
  do {
    const out = await rest.send(new GetRestApisCommand({ limit: 500, ...(position === undefined ? {} : { position }) }));
    for (const api of out.items ?? []) if (api.id !== undefined) refs.push({ kind: 'apigateway-api', account, region, protocol: 'rest', apiId: api.id });
    position = out.position === '' ? undefined : out.position;
  } while (position !== undefined);
  let token: string | undefined;
  do {
    const out = await http.send(new GetApisCommand({ MaxResults: '500', ...(token === undefined ? {} : { NextToken: token }) }));
    // WebSocket APIs authorize only $connect and have no export: not judged.
    for (const api of out.Items ?? []) if (api.ApiId !== undefined && api.ProtocolType === 'HTTP') refs.push({ kind: 'apigateway-api', account, region, protocol: 'http', apiId: api.ApiId });
    token = out.NextToken === '' ? undefined : out.NextToken;
  } while (token !== undefined);
  return refs;
}
