/**
 * A function sends its asynchronous invocation records (on success, on failure) or its dead-letter
 * events to an account outside the organization and the allow-list.
 */
import { isAllowListedAccount, isOrganizationAccount, type WardenConfig } from '../../functions/shared/config/config';
import { accountOfArn, changeOrigin } from './configuration-events';
import { functionArn, type FunctionSnapshot } from '../../functions/shared/state/resources';
import { defineRule, nonCompliant, notApplicable, type RuleContext, type RuleFinding, type Trigger } from '../rule';

/** Where the destinations and the dead-letter queue are set (every spelling follows from the catalog). */
export const DESTINATION_TRIGGER: Trigger = {
  eventSource: 'lambda.amazonaws.com',
  eventNames: ['CreateFunction', 'UpdateFunctionConfiguration', 'PutFunctionEventInvokeConfig', 'UpdateFunctionEventInvokeConfig'],
};

/** The account a destination ARN names when it is neither the function's, nor the organization's, nor allow-listed; null otherwise. */
export function foreignAccountOf(config: WardenConfig, functionAccount: string, target: string): string | null {
  // An S3 bucket ARN names no account: its owner cannot be told from the ARN, so it is not judged here.
  const account = accountOfArn(target);
  if (account === null || account === functionAccount || isOrganizationAccount(config, account) || isAllowListedAccount(config, account)) return null;
  return account;
}

const SIDES = [
  { side: 'OnSuccess', label: 'successful' },
  { side: 'OnFailure', label: 'failed' },
] as const;

function destinationFindings(state: FunctionSnapshot, context: RuleContext): RuleFinding[] {
  const destinations = state.eventInvokeConfig?.DestinationConfig;
  if (destinations === undefined) return [];
  const unqualified = functionArn({ ...state.ref, qualifier: undefined });
  return SIDES.flatMap(({ side, label }) => {
    const target = destinations[side]?.Destination;
    const account = target === undefined || target === '' ? null : foreignAccountOf(context.config, state.ref.account, target);
    if (target === undefined || account === null) return [];
    return [
      {
        key: side === 'OnSuccess' ? 'on-success' : 'on-failure',
        summary: `${state.arn} sends the records of ${label} asynchronous invocations (${side}) to ${target} in account ${account}, outside the organization and the allow-list, ${changeOrigin(context)}.`,
        details: { kind: 'destination', destination: side, target, account },
        remediation: {
          action: 'remove-function-destination',
          params: { functionName: unqualified, ...(state.ref.qualifier === undefined ? {} : { qualifier: state.ref.qualifier }), destination: side, targetArn: target },
          description: `lambda:PutFunctionEventInvokeConfig removes the ${side} destination and keeps the other settings of asynchronous invocation. To undo, set the destination again with UpdateFunctionEventInvokeConfig.`,
        },
      },
    ];
  });
}

function deadLetterFinding(state: FunctionSnapshot, context: RuleContext): RuleFinding[] {
  // The dead-letter queue belongs to the function's configuration: a published version keeps its own and cannot change.
  if (state.ref.qualifier !== undefined) return [];
  const target = state.configuration?.DeadLetterConfig?.TargetArn;
  const account = target === undefined || target === '' ? null : foreignAccountOf(context.config, state.ref.account, target);
  if (target === undefined || account === null) return [];
  return [
    {
      key: 'dead-letter-queue',
      summary: `${state.arn} sends the events of failed asynchronous invocations to the dead-letter queue ${target} in account ${account}, outside the organization and the allow-list, ${changeOrigin(context)}.`,
      details: { kind: 'dead-letter-queue', target, account },
      remediation: {
        action: 'remove-function-dead-letter-queue',
        params: { functionName: state.arn, targetArn: target },
        description: 'lambda:UpdateFunctionConfiguration removes the dead-letter queue (DeadLetterConfig.TargetArn ""). To undo, set DeadLetterConfig again with UpdateFunctionConfiguration.',
      },
    },
  ];
}

export const functionDestinationOutsideOrg = defineRule({
  id: 'function-destination-outside-org',
  title: 'Function sends invocation results or failures to an account outside the organization',
  severity: 'high',
  defaultMode: 'approve',
  resourceType: 'lambda-function',
  triggers: [DESTINATION_TRIGGER],
  reads: ['configuration', 'eventInvokeConfig'],
  rationale:
    'Every asynchronous invocation record carries the event the function was called with and its response or error; a destination or dead-letter queue in an unknown account hands that data, continuously, to whoever owns it.',
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html',
    'https://attack.mitre.org/techniques/T1537/',
  ],
  falsePositives: [
    'A queue, topic, event bus or function in a partner or central logging account outside the organization: add that account to allowList.accounts in the Warden configuration.',
  ],
  remediationAction: 'remove-function-destination',
  alternativeActions: ['remove-function-dead-letter-queue'],
  evaluate(state, context) {
    if (state.configuration === undefined && state.eventInvokeConfig === undefined) return notApplicable('neither the configuration nor the asynchronous invocation config was read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    return nonCompliant([...destinationFindings(state, context), ...deadLetterFinding(state, context)]);
  },
});
