/**
 * A security group used by a VPC function of the organization gets an egress rule open to the world on
 * every port (issue #17 rule 5), added or widened after the group was attached.
 */
import { changeOrigin } from '../lambda/configuration-events';
import { EGRESS_OPENING_EVENTS, trafficOf, worldOpenCidr } from '../../functions/shared/ec2/security-group-rules';
import { defineRule, compliant, nonCompliant, notApplicable } from '../rule';

const MAX_NAMED_FUNCTIONS = 5;

export const functionSecurityGroupEgressOpened = defineRule({
  id: 'function-security-group-egress-opened',
  title: 'Security group of a VPC function opened to the world for egress',
  severity: 'high',
  defaultMode: 'alert',
  resourceType: 'ec2-security-group-rule',
  triggers: [{ eventSource: 'ec2.amazonaws.com', eventNames: [...EGRESS_OPENING_EVENTS] }],
  reads: [],
  rationale:
    'A VPC function whose egress was narrowed can again send data to any host on any port. Only a rule added or widened after the group was attached counts: every new group starts with an allow-all egress rule, and reporting that default would flag every VPC function.',
  references: [
    'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupEgress.html',
    'https://attack.mitre.org/techniques/T1048/',
  ],
  falsePositives: [
    'Not reported, by design: the default egress rule CreateSecurityGroup gives every new group (all traffic to 0.0.0.0/0). On AuthorizeSecurityGroupEgress and ModifySecurityGroupRules records the rule judges only what the record added or changed. A scan, which has no such record, judges the egress rules of the groups VPC functions use but skips every rule that looks exactly like the default (all traffic to 0.0.0.0/0 or ::/0, no description): an allow-all rule re-added that way is seen on its event only.',
    'A stack that removes the default rule and adds its own allow-all rule while it creates the function: the function may exist by the time the record is judged. Add the rule ARN (arn:aws:ec2:<region>:<account>:security-group-rule/sgr-…) to exemptions.resources, or keep the default rule instead.',
    'Functions that need the internet behind a NAT gateway usually need only TCP 443: a narrower rule is not reported.',
  ],
  remediationAction: 'revoke-security-group-egress',
  evaluate(state, context) {
    if (state.rule === undefined) return notApplicable('the security group rule was not read');
    if (state.rule === null) return notApplicable('the security group rule no longer exists');
    const rule = state.rule;
    const cidr = worldOpenCidr(rule);
    if (!rule.IsEgress || cidr === null) return compliant;
    const functions = state.usedByFunctions ?? [];
    if (functions.length === 0) return state.usedByFunctions === undefined ? notApplicable('the functions using the group were not read') : compliant;
    const name = state.group?.groupName;
    const group = name === undefined ? rule.GroupId : `${name} (${rule.GroupId})`;
    const named = functions.slice(0, MAX_NAMED_FUNCTIONS).join(', ') + (functions.length > MAX_NAMED_FUNCTIONS ? ` and ${String(functions.length - MAX_NAMED_FUNCTIONS)} more` : '');
    return nonCompliant([
      {
        key: rule.SecurityGroupRuleId,
        summary: `Security group ${group}, used by ${named}, allows ${trafficOf(rule)} out to ${cidr} (rule ${rule.SecurityGroupRuleId}), ${changeOrigin(context)}.`,
        details: {
          groupId: rule.GroupId,
          ...(name === undefined ? {} : { groupName: name }),
          ...(state.group?.vpcId === undefined ? {} : { vpcId: state.group.vpcId }),
          securityGroupRuleId: rule.SecurityGroupRuleId,
          ipProtocol: rule.IpProtocol,
          ...(rule.FromPort === undefined ? {} : { fromPort: rule.FromPort }),
          ...(rule.ToPort === undefined ? {} : { toPort: rule.ToPort }),
          cidr,
          functions,
        },
        remediation: {
          action: 'revoke-security-group-egress',
          params: {
            groupId: rule.GroupId,
            securityGroupRuleId: rule.SecurityGroupRuleId,
            ipProtocol: rule.IpProtocol,
            ...(rule.FromPort === undefined ? {} : { fromPort: rule.FromPort }),
            ...(rule.ToPort === undefined ? {} : { toPort: rule.ToPort }),
            cidr,
          },
          description: `ec2:RevokeSecurityGroupEgress removes only rule ${rule.SecurityGroupRuleId} (${trafficOf(rule)} to ${cidr}); the group's other rules stay. To undo, authorize the same egress rule again.`,
        },
      },
    ]);
  },
});
