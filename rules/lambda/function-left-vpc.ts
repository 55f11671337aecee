/** A function in an account whose functions must run in a VPC runs outside one. */
import { vpcOf } from '../../functions/shared/state/function-configuration';
import { changeOrigin, CONFIGURATION_TRIGGER } from './configuration-events';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

export const functionLeftVpc = defineRule({
  id: 'function-left-vpc',
  title: 'Function runs outside a VPC in an account that requires one',
  severity: 'medium',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [CONFIGURATION_TRIGGER],
  reads: ['configuration'],
  rationale:
    "Outside the VPC the function reaches the internet directly: security groups, network firewalls and VPC flow logs no longer control or record where it sends data.",
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html', 'https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html'],
  falsePositives: ['A function that needs no network access at all in a VPC-only account: exempt it with the warden:exempt tag.'],
  remediationAction: null,
  evaluate(state, context) {
    if (!context.config.requireVpc.accounts.includes(state.ref.account)) return notApplicable('the account does not require a VPC');
    if (state.configuration === undefined) return notApplicable('configuration not read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    if (vpcOf(state.configuration) !== null) return compliant;
    const previous = state.lastKnownGood?.vpcConfig?.value ?? null;
    const was = previous === null ? '' : ` (it ran in ${previous.vpcId ?? 'a VPC'} with subnets ${previous.subnetIds.join(', ')})`;
    return nonCompliant([
      {
        key: 'no-vpc',
        summary: `${state.arn} runs outside a VPC${was}, ${changeOrigin(context)}; functions in account ${state.ref.account} must run in a VPC.`,
        details: { previousVpc: previous },
        remediation: null,
      },
    ]);
  },
});
