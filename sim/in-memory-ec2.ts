/**
 * VPC security groups of the in-memory account (issue #17 rule 5): per group its name, VPC, tags and
 * rules with their `sgr-` ids — enough to replay CreateSecurityGroup, AuthorizeSecurityGroupEgress,
 * RevokeSecurityGroupEgress and ModifySecurityGroupRules, and to answer the EC2 commands the bot sends.
 * A new group gets EC2's default egress rule (all traffic to 0.0.0.0/0).
 */
import { createHash } from 'node:crypto';
import { EC2ServiceException, type IpPermission, type SecurityGroupRule } from '@aws-sdk/client-ec2';

export interface StoredSecurityGroup {
  readonly account: string;
  readonly region: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly description?: string;
  readonly vpcId?: string;
  readonly tags: Record<string, string>;
  /** By rule id, in the order they were added. */
  readonly rules: Map<string, SecurityGroupRule>;
}

/** The fields of a rule that say what it allows (what makes two rules duplicates). */
export type RuleSpec = Pick<SecurityGroupRule, 'IpProtocol' | 'FromPort' | 'ToPort' | 'CidrIpv4' | 'CidrIpv6' | 'PrefixListId' | 'Description'> & { readonly ReferencedGroupId?: string | undefined };

export function ec2Error(name: string, message: string): EC2ServiceException {
  return new EC2ServiceException({ name, $fault: 'client', message, $metadata: {} });
}

function sameTraffic(a: SecurityGroupRule, b: RuleSpec): boolean {
  return (
    a.IpProtocol === b.IpProtocol &&
    (a.IpProtocol === '-1' || (a.FromPort === b.FromPort && a.ToPort === b.ToPort)) &&
    a.CidrIpv4 === b.CidrIpv4 &&
    a.CidrIpv6 === b.CidrIpv6 &&
    a.PrefixListId === b.PrefixListId &&
    a.ReferencedGroupInfo?.GroupId === b.ReferencedGroupId
  );
}

/** The rules one `IpPermission` stands for: one per destination (CIDR, prefix list, group). */
export function specsOf(permission: IpPermission): RuleSpec[] {
  const protocol = permission.IpProtocol ?? '-1';
  const all = protocol === '-1';
  const base = { IpProtocol: protocol, FromPort: all ? -1 : permission.FromPort, ToPort: all ? -1 : permission.ToPort };
  return [
    ...(permission.IpRanges ?? []).map((r) => ({ ...base, CidrIpv4: r.CidrIp, Description: r.Description })),
    ...(permission.Ipv6Ranges ?? []).map((r) => ({ ...base, CidrIpv6: r.CidrIpv6, Description: r.Description })),
    ...(permission.PrefixListIds ?? []).map((r) => ({ ...base, PrefixListId: r.PrefixListId, Description: r.Description })),
    ...(permission.UserIdGroupPairs ?? []).map((r) => ({ ...base, ReferencedGroupId: r.GroupId, Description: r.Description })),
  ];
}

/** The fields that are set (EC2 omits the others from its answers). */
function defined(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** The default egress rule of a new group. */
export const DEFAULT_EGRESS: RuleSpec = { IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' };

export class InMemoryEc2 {
  private readonly groups = new Map<string, StoredSecurityGroup>();
  private readonly ruleGroups = new Map<string, string>();
  private next = 0;

  hasGroup(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  /** @throws InvalidGroup.NotFound as EC2 does (also for a group of another region). */
  group(groupId: string, region?: string): StoredSecurityGroup {
    const group = this.groups.get(groupId);
    if (group === undefined || (region !== undefined && group.region !== region)) throw ec2Error('InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
    return group;
  }

  allGroups(): readonly StoredSecurityGroup[] {
    return [...this.groups.values()];
  }

  /** A rule by id (undefined when unknown, or in another region). */
  rule(ruleId: string, region?: string): SecurityGroupRule | undefined {
    const groupId = this.ruleGroups.get(ruleId);
    const group = groupId === undefined ? undefined : this.groups.get(groupId);
    if (group === undefined || (region !== undefined && group.region !== region)) return undefined;
    return group.rules.get(ruleId);
  }

  private newId(prefix: string, seed: string): string {
    this.next += 1;
    return `${prefix}-${createHash('sha256').update(`${seed}/${String(this.next)}`).digest('hex').slice(0, 17)}`;
  }

  /** `CreateSecurityGroup`: a new group with the default egress rule (unless `defaultEgress` is false). */
  createSecurityGroup(input: { account: string; region: string; groupId?: string; groupName: string; description?: string; vpcId?: string; tags?: Record<string, string> }, defaultEgress = true): StoredSecurityGroup {
    const groupId = input.groupId ?? this.newId('sg', `${input.account}/${input.region}/${input.groupName}`);
    if (this.groups.has(groupId)) throw ec2Error('InvalidGroup.Duplicate', `The security group '${groupId}' already exists`);
    const group: StoredSecurityGroup = {
      account: input.account,
      region: input.region,
      groupId,
      groupName: input.groupName,
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.vpcId === undefined ? {} : { vpcId: input.vpcId }),
      tags: { ...(input.tags ?? {}) },
      rules: new Map(),
    };
    this.groups.set(groupId, group);
    if (defaultEgress) this.addEgress(groupId, [DEFAULT_EGRESS]);
    return group;
  }

  /**
   * Adds egress rules (`AuthorizeSecurityGroupEgress`), with the given ids when a record names them.
   * @throws InvalidPermission.Duplicate when the group already has one of them (nothing is added).
   */
  addEgress(groupId: string, specs: readonly RuleSpec[], ids: readonly (string | undefined)[] = [], region?: string): SecurityGroupRule[] {
    const group = this.group(groupId, region);
    const existing = [...group.rules.values()].filter((r) => r.IsEgress === true);
    if (specs.some((spec) => existing.some((r) => sameTraffic(r, spec)))) throw ec2Error('InvalidPermission.Duplicate', 'the specified rule already exists');
    return specs.map((spec, i) => {
      const id = ids[i] ?? this.newId('sgr', groupId);
      const { ReferencedGroupId, ...fields } = spec;
      const rule: SecurityGroupRule = {
        SecurityGroupRuleId: id,
        GroupId: groupId,
        GroupOwnerId: group.account,
        IsEgress: true,
        ...defined(fields),
        ...(ReferencedGroupId === undefined ? {} : { ReferencedGroupInfo: { GroupId: ReferencedGroupId } }),
        SecurityGroupRuleArn: `arn:aws:ec2:${group.region}:${group.account}:security-group-rule/${id}`,
      };
      group.rules.set(id, rule);
      this.ruleGroups.set(id, groupId);
      return rule;
    });
  }

  /**
   * Removes egress rules by id or by what they allow (`RevokeSecurityGroupEgress`).
   * @throws InvalidSecurityGroupRuleId.NotFound / InvalidPermission.NotFound when one is not there (nothing is removed).
   */
  revokeEgress(groupId: string, by: { ruleIds?: readonly string[]; specs?: readonly RuleSpec[] }, region?: string): SecurityGroupRule[] {
    const group = this.group(groupId, region);
    const egress = [...group.rules.values()].filter((r) => r.IsEgress === true);
    const removed: SecurityGroupRule[] = [];
    for (const id of by.ruleIds ?? []) {
      const rule = egress.find((r) => r.SecurityGroupRuleId === id);
      if (rule === undefined) throw ec2Error('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${id}' does not exist`);
      removed.push(rule);
    }
    for (const spec of by.specs ?? []) {
      const rule = egress.find((r) => sameTraffic(r, spec));
      if (rule === undefined) throw ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
      removed.push(rule);
    }
    for (const rule of removed) {
      group.rules.delete(rule.SecurityGroupRuleId ?? '');
      this.ruleGroups.delete(rule.SecurityGroupRuleId ?? '');
    }
    return removed;
  }

  /** Replaces what a rule allows, keeping its id and direction (`ModifySecurityGroupRules`). */
  modifyRule(groupId: string, ruleId: string, spec: RuleSpec): void {
    const group = this.group(groupId);
    const rule = group.rules.get(ruleId);
    if (rule === undefined) throw ec2Error('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${ruleId}' does not exist`);
    const { ReferencedGroupId, ...fields } = spec;
    group.rules.set(ruleId, {
      SecurityGroupRuleId: ruleId,
      GroupId: groupId,
      GroupOwnerId: group.account,
      IsEgress: rule.IsEgress,
      ...defined(fields),
      ...(ReferencedGroupId === undefined ? {} : { ReferencedGroupInfo: { GroupId: ReferencedGroupId } }),
      SecurityGroupRuleArn: rule.SecurityGroupRuleArn,
    });
  }
}
