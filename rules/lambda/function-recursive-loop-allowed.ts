/** A function's recursive loop detection was switched off (`RecursiveLoop: Allow`). */
import { changeOrigin } from './configuration-events';
import { functionArn } from '../../functions/shared/state/resources';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

export const functionRecursiveLoopAllowed = defineRule({
  id: 'function-recursive-loop-allowed',
  title: 'Recursive loop detection switched off (RecursiveLoop Allow)',
  severity: 'medium',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [{ eventSource: 'lambda.amazonaws.com', eventNames: ['PutFunctionRecursionConfig'] }],
  reads: ['recursion'],
  rationale:
    'With Allow, Lambda no longer stops a function that invokes itself through SQS, SNS or S3: a loop runs, and bills, until someone notices; an attacker can use it to run up cost or drown out logs.',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html', 'https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionRecursionConfig.html'],
  falsePositives: ['A function whose design is intentionally recursive (with its own loop guard): exempt it with the warden:exempt tag.'],
  remediationAction: 'set-function-recursion-terminate',
  evaluate(state, context) {
    if (state.recursiveLoop === undefined) return notApplicable('recursion config not read');
    if (state.recursiveLoop === null) return notApplicable('the function no longer exists');
    if (state.recursiveLoop !== 'Allow') return compliant;
    const functionName = functionArn({ ...state.ref, qualifier: undefined });
    return nonCompliant([
      {
        key: 'recursive-loop-allow',
        summary: `${functionName} has recursive loop detection switched off (RecursiveLoop Allow), ${changeOrigin(context)}; Lambda will no longer stop a loop through SQS, SNS or S3.`,
        details: { recursiveLoop: state.recursiveLoop },
        remediation: {
          action: 'set-function-recursion-terminate',
          params: { functionName },
          description: 'lambda:PutFunctionRecursionConfig sets RecursiveLoop to Terminate, so Lambda stops a detected loop. Set it back to Allow to undo.',
        },
      },
    ]);
  },
});
