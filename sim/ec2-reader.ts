/** A reader of security group rules straight over the in-memory EC2 (issue #17 rule 5), without the SDK: for the simulator's own reader and benchmarks. */
import { securityGroupRuleArn, SecurityGroupRuleSchema, type SecurityGroupRuleRef, type SecurityGroupRuleSnapshot } from '../functions/shared/state/resources';
import type { InMemoryEc2 } from './in-memory-ec2';
import type { InMemoryLambda } from './in-memory-lambda';

/** Reads a security group rule as `Ec2StateReader` would through the SDK, with the region's functions that use its group. */
export function inMemorySecurityGroupReader(ec2: InMemoryEc2, lambda: InMemoryLambda): { readSecurityGroupRule(ref: SecurityGroupRuleRef): Promise<SecurityGroupRuleSnapshot> } {
  return {
    readSecurityGroupRule(ref) {
      const arn = securityGroupRuleArn(ref);
      const found = ec2.rule(ref.ruleId, ref.region);
      if (found === undefined) return Promise.resolve({ kind: 'ec2-security-group-rule', ref, arn, rule: null, group: null, usedByFunctions: [] });
      const rule = SecurityGroupRuleSchema.parse(found);
      const group = ec2.group(rule.GroupId);
      const usedByFunctions = lambda
        .functionKeys()
        .filter((key) => key.account === ref.account && key.region === ref.region)
        .map((key) => lambda.getFunctionConfiguration({ kind: 'lambda-function', ...key }, { copy: false }))
        .filter((c) => (c.VpcConfig?.SecurityGroupIds ?? []).includes(rule.GroupId))
        .flatMap((c) => (c.FunctionArn === undefined ? [] : [c.FunctionArn]))
        .sort();
      return Promise.resolve({ kind: 'ec2-security-group-rule', ref, arn, rule, group: { groupId: group.groupId, groupName: group.groupName, vpcId: group.vpcId, tags: { ...group.tags } }, usedByFunctions });
    },
  };
}
