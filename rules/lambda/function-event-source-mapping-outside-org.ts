/**
 * A function's event-source mapping reads from a queue or stream in an account outside the organization and the
 * allow-list, or sends its discarded records (`OnFailure`) to one (issue #17, the mapping part of rule 3).
 */
import { changeOrigin } from './configuration-events';
import { functionArn, type EventSourceMapping, type FunctionSnapshot } from '../../functions/shared/state/resources';
import { defineRule, nonCompliant, notApplicable, type RuleContext, type RuleFinding } from '../rule';
import { foreignAccountOf } from './function-destination-outside-org';

/** A mapping in these states delivers nothing (and disabling it again changes nothing). */
const NOT_DELIVERING = new Set(['Disabled', 'Disabling', 'Deleting']);

function sourceFinding(state: FunctionSnapshot, mapping: EventSourceMapping, context: RuleContext): RuleFinding[] {
  const source = mapping.EventSourceArn;
  // Self-managed Kafka has no event-source ARN (its brokers are endpoints): not judged here.
  if (source === undefined || source === '' || NOT_DELIVERING.has(mapping.State ?? '')) return [];
  const account = foreignAccountOf(context.config, state.ref.account, source);
  if (account === null) return [];
  return [
    {
      key: `source:${mapping.UUID}`,
      summary: `${state.arn} is invoked by event-source mapping ${mapping.UUID} with records from ${source} in account ${account}, outside the organization and the allow-list, ${changeOrigin(context)}.`,
      details: { kind: 'event-source', mapping: mapping.UUID, source, account, state: mapping.State ?? null },
      remediation: {
        action: 'disable-event-source-mapping',
        params: { functionName: functionArn({ ...state.ref, qualifier: undefined }), uuid: mapping.UUID, eventSourceArn: source },
        description: `lambda:UpdateEventSourceMapping Enabled=false pauses mapping ${mapping.UUID} (Lambda keeps its position in the source); the mapping and its settings stay. To undo, enable it again with UpdateEventSourceMapping Enabled=true.`,
      },
    },
  ];
}

function destinationFinding(state: FunctionSnapshot, mapping: EventSourceMapping, context: RuleContext): RuleFinding[] {
  const target = mapping.DestinationConfig?.OnFailure?.Destination;
  if (target === undefined || target === '') return [];
  const account = foreignAccountOf(context.config, state.ref.account, target);
  if (account === null) return [];
  return [
    {
      key: `on-failure:${mapping.UUID}`,
      summary: `Event-source mapping ${mapping.UUID} of ${state.arn} sends the records it discards (OnFailure) to ${target} in account ${account}, outside the organization and the allow-list, ${changeOrigin(context)}.`,
      details: { kind: 'event-source-destination', mapping: mapping.UUID, source: mapping.EventSourceArn ?? null, target, account },
      remediation: {
        action: 'remove-event-source-mapping-destination',
        params: { functionName: functionArn({ ...state.ref, qualifier: undefined }), uuid: mapping.UUID, targetArn: target },
        description: `lambda:UpdateEventSourceMapping removes the OnFailure destination of mapping ${mapping.UUID}; its other settings stay (discarded records are then dropped). To undo, set DestinationConfig.OnFailure again with UpdateEventSourceMapping.`,
      },
    },
  ];
}

export const functionEventSourceMappingOutsideOrg = defineRule({
  id: 'function-event-source-mapping-outside-org',
  title: 'Function reads from, or sends discarded records to, an account outside the organization through an event-source mapping',
  severity: 'high',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: 'lambda.amazonaws.com', eventNames: ['CreateEventSourceMapping', 'UpdateEventSourceMapping'] }],
  reads: ['eventSourceMappings'],
  rationale:
    "A mapping from a queue or stream in an unknown account lets whoever owns it feed the function input, with the function's own permissions; an OnFailure destination there hands them every record the function could not process.",
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_UpdateEventSourceMapping.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html',
    'https://attack.mitre.org/techniques/T1537/',
  ],
  falsePositives: [
    'A queue or stream shared by a partner, or a failure destination in a central account outside the organization: add that account to allowList.accounts in the Warden configuration.',
    'Self-managed Kafka sources (no event-source ARN) and S3 failure destinations (their ARN names no account) are not judged. Mappings are listed for the unqualified function.',
  ],
  remediationAction: 'disable-event-source-mapping',
  alternativeActions: ['remove-event-source-mapping-destination'],
  evaluate(state, context) {
    if (state.eventSourceMappings === undefined) return notApplicable('the event-source mappings were not read');
    if (state.eventSourceMappings === null) return notApplicable('the function no longer exists');
    return nonCompliant(state.eventSourceMappings.flatMap((mapping) => [...sourceFinding(state, mapping, context), ...destinationFinding(state, mapping, context)]));
  },
});
