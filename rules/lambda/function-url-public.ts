/** A function URL accepts unauthenticated requests from the internet. */
import { normalizeEventName } from '../../functions/shared/event/event-names';
import { functionArn } from '../../functions/shared/state/resources';
import { compliant, defineRule, nonCompliant, notApplicable, type RuleContext } from '../rule';

const URL_EVENTS = ['CreateFunctionUrlConfig', 'UpdateFunctionUrlConfig'];

function changedBy(context: RuleContext): string {
  const event = context.event;
  if (event === undefined) return 'found by a scan';
  const who = event.actor.arn ?? event.actor.type;
  const verb = URL_EVENTS.includes(normalizeEventName(event.eventName)) ? 'set' : 'present after a change';
  return `${verb} by ${who} (${event.eventName})`;
}

export const functionUrlPublic = defineRule({
  id: 'function-url-public',
  title: 'Function URL accepts unauthenticated requests (AuthType NONE)',
  severity: 'high',
  defaultMode: 'approve',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: 'lambda.amazonaws.com', eventNames: URL_EVENTS }],
  reads: ['urlConfig'],
  rationale:
    'With AuthType NONE, Lambda does not check any signature: whoever learns the URL can call the function from the internet, as often as they like.',
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
    'https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html',
  ],
  falsePositives: [
    'A public webhook that authenticates requests itself (for example by a signature header): exempt it with the warden:exempt tag.',
  ],
  remediationAction: 'set-function-url-auth-iam',
  evaluate(state, context) {
    if (state.urlConfig === undefined) return notApplicable('URL config not read');
    if (state.urlConfig === null || state.urlConfig.AuthType !== 'NONE') return compliant;
    const url = state.urlConfig.FunctionUrl ?? 'the function URL';
    const params: Record<string, string> = { functionName: functionArn({ ...state.ref, qualifier: undefined }), authType: 'AWS_IAM', judgedAuthType: 'NONE' };
    if (state.ref.qualifier !== undefined) params.qualifier = state.ref.qualifier;
    return nonCompliant([
      {
        key: 'auth-type-none',
        summary: `${url} of ${state.arn} has AuthType NONE, so anyone can call it without signing the request; ${changedBy(context)}.`,
        details: { functionUrl: state.urlConfig.FunctionUrl, authType: state.urlConfig.AuthType },
        remediation: {
          action: 'set-function-url-auth-iam',
          params,
          description:
            'lambda:UpdateFunctionUrlConfig sets AuthType to AWS_IAM; callers must then sign requests with SigV4. Set it back to NONE to undo.',
        },
      },
    ]);
  },
});
