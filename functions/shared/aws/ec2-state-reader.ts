/**
 * Reads a security group rule with the real `@aws-sdk/client-ec2` client (issue #17 rule 5): the rule
 * (`DescribeSecurityGroupRules`), its group (`DescribeSecurityGroups`: name, VPC, tags) and, through Lambda
 * `ListFunctions` in the rule's account and region, the functions whose VPC configuration uses the group.
 * Adds security group rules to another `StateReader`.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { StateReadError } from '../errors';
import { securityGroupRuleArn, SecurityGroupRuleSchema, type SecurityGroupRuleRef, type SecurityGroupRuleSnapshot } from '../state/resources';
import { extendReader, type StateReader } from '../state/state-reader';
import type { LambdaClientForRegion } from './iam-state-reader';
import { loadEc2 } from './sdk-module';

/**
 * The actions this reader calls: part of the remediator role. Per event: one rule read, then the group and
 * one `ListFunctions` page per 50 functions of the region, in parallel.
 */
export const EC2_READ_PERMISSIONS = ['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'lambda:ListFunctions'] as const;

export type Ec2ClientProvider = (account: string, region: string) => EC2Client | Promise<EC2Client>;

function isNotFound(e: unknown): boolean {
  return e instanceof Error && /^InvalidSecurityGroupRuleId\.|^InvalidGroup\.NotFound$|^InvalidGroupId\./.test(e.name);
}

async function reading<T>(what: string, call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (e: unknown) {
    if (isNotFound(e)) return null;
    throw new StateReadError(`Reading ${what} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
  }
}

/**
 * @example
 * const reader = withSecurityGroupReader(base, new Ec2StateReader(async (a, r) => clients.client((await loadEc2()).EC2Client, a, r), (a, r) => clients.client(LambdaClient, a, r)));
 */
export class Ec2StateReader {
  constructor(
    private readonly ec2For: Ec2ClientProvider,
    private readonly lambdaFor: LambdaClientForRegion,
  ) {}

  async readSecurityGroupRule(ref: SecurityGroupRuleRef): Promise<SecurityGroupRuleSnapshot> {
    const arn = securityGroupRuleArn(ref);
    // The EC2 SDK loads with the first security group event (its own chunk in the bundle).
    const [ec2, { DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand }] = await Promise.all([this.ec2For(ref.account, ref.region), loadEc2()]);
    const out = await reading(`the security group rule ${arn}`, () => ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ref.ruleId] })));
    const found = out?.SecurityGroupRules?.find((r) => r.SecurityGroupRuleId === ref.ruleId);
    if (found === undefined) return { kind: 'ec2-security-group-rule', ref, arn, rule: null, group: null, usedByFunctions: [] };
    const parsed = SecurityGroupRuleSchema.safeParse(found);
    if (!parsed.success) throw new StateReadError(`The security group rule ${arn} as EC2 returned it lacks ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    const rule = parsed.data;
    const [groups, usedByFunctions] = await Promise.all([
      reading(`the security group ${rule.GroupId}`, () => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [rule.GroupId] }))),
      this.functionsUsing(ref.account, ref.region, rule.GroupId),
    ]);
    const group = groups?.SecurityGroups?.find((g) => g.GroupId === rule.GroupId);
    return {
      kind: 'ec2-security-group-rule',
      ref,
      arn,
      rule,
      group: group === undefined ? null : { groupId: rule.GroupId, groupName: group.GroupName, vpcId: group.VpcId, tags: Object.fromEntries((group.Tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']]))) },
      usedByFunctions,
    };
  }

  /** Unqualified ARNs of the region's functions whose `VpcConfig.SecurityGroupIds` hold the group (every page). */
  private async functionsUsing(account: string, region: string, groupId: string): Promise<string[]> {
    const lambda = await this.lambdaFor(account, region);
    const found: string[] = [];
    let marker: string | undefined;
    try {
      do {
        const out = await lambda.send(new ListFunctionsCommand({ Marker: marker }));
        for (const f of out.Functions ?? []) if (f.FunctionArn !== undefined && (f.VpcConfig?.SecurityGroupIds ?? []).includes(groupId)) found.push(f.FunctionArn);
        marker = out.NextMarker;
      } while (marker !== undefined && marker !== '');
    } catch (e: unknown) {
      throw new StateReadError(`Listing the functions of ${account} in ${region} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
    return found.sort();
  }
}

/** A reader answering security group rules from `ec2` and everything else from `base`. */
export function withSecurityGroupReader(base: StateReader, ec2: { readSecurityGroupRule(ref: SecurityGroupRuleRef): Promise<SecurityGroupRuleSnapshot> }): StateReader {
  return extendReader(base, { readSecurityGroupRule: (ref) => ec2.readSecurityGroupRule(ref) });
}
