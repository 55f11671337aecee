/**
 * The security group egress actions' shared parts (issue #17 rule 5): their parameters, and reading one
 * rule or a group's egress rules with `DescribeSecurityGroupRules`.
 */
import type { EC2Client, SecurityGroupRule } from '@aws-sdk/client-ec2';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { loadEc2 } from '../aws/sdk-module';
import { WORLD_CIDRS } from '../ec2/security-group-rules';
import type { ActionClients } from './action';

/** An egress permission open to the world: what the rule revokes and what its Restore authorizes again. */
export const EgressPermissionParams = lazySchema(() => z.strictObject({
  groupId: z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id'),
  ipProtocol: z.string().min(1),
  fromPort: z.number().int().optional(),
  toPort: z.number().int().optional(),
  /** Only the world: these actions never touch a narrower rule. */
  cidr: z.enum(WORLD_CIDRS as [string, ...string[]]),
}));
export type EgressPermission = z.infer<typeof EgressPermissionParams>;

/** The action's EC2 client, created (and the EC2 SDK loaded) on first use. */
export async function ec2Of(clients: ActionClients, action: string): Promise<EC2Client> {
  if (clients.ec2 === undefined) throw new Error(`${action} needs an EC2 client`);
  return clients.ec2();
}

/** True when an egress rule is exactly the permission (same group, protocol, ports and destination). */
export function isPermission(rule: SecurityGroupRule, permission: EgressPermission): boolean {
  return (
    rule.IsEgress === true &&
    rule.GroupId === permission.groupId &&
    rule.IpProtocol === permission.ipProtocol &&
    rule.FromPort === permission.fromPort &&
    rule.ToPort === permission.toPort &&
    (permission.cidr.includes(':') ? rule.CidrIpv6 === permission.cidr : rule.CidrIpv4 === permission.cidr)
  );
}

function isRuleNotFound(e: unknown): boolean {
  return e instanceof Error && (e.name === 'InvalidSecurityGroupRuleId.NotFound' || e.name === 'InvalidSecurityGroupRuleId.Malformed');
}

/** One rule by its id; null when EC2 no longer knows it. */
export async function readRule(ec2: EC2Client, ruleId: string): Promise<SecurityGroupRule | null> {
  try {
    const { DescribeSecurityGroupRulesCommand } = await loadEc2();
    const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }));
    return out.SecurityGroupRules?.find((r) => r.SecurityGroupRuleId === ruleId) ?? null;
  } catch (e: unknown) {
    if (isRuleNotFound(e)) return null;
    throw e;
  }
}

/** Every rule of a group (all pages). */
export async function rulesOfGroup(ec2: EC2Client, groupId: string): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  let token: string | undefined;
  const { DescribeSecurityGroupRulesCommand } = await loadEc2();
  do {
    const out = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }], NextToken: token }));
    rules.push(...(out.SecurityGroupRules ?? []));
    token = out.NextToken;
  } while (token !== undefined && token !== '');
  return rules;
}
