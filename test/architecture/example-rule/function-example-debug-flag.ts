/**
 * A test-only rule, written the way a real one is (`rules/<area>/<rule-id>.ts`), to show what adding a
 * rule that reuses existing state parts and actions takes: this file, its test, its test events, one
 * line in `rules/index.ts`, and the regenerated docs. It flags a debug switch left on in a function's
 * environment, and plans the existing `remove-function-env-variables` action. It also triggers on one
 * event the catalog does not watch yet (`PublishVersion`), so the test can show the patterns follow.
 */
import { CONFIGURATION_TRIGGER } from '../../../rules/lambda/configuration-events';
import { functionArn } from '../../../functions/shared/state/resources';
import { compliant, defineRule, nonCompliant, notApplicable } from '../../../rules/rule';

export const EXAMPLE_VARIABLE = 'WARDEN_EXAMPLE_DEBUG';

export const functionExampleDebugFlag = defineRule({
  id: 'function-example-debug-flag',
  title: 'Function runs with the example debug switch on',
  severity: 'low',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [CONFIGURATION_TRIGGER, { eventSource: 'lambda.amazonaws.com', eventNames: ['PublishVersion'] }],
  reads: ['configuration'],
  rationale: 'A test-only rule: a debug switch left on in production logs more than it should.',
  references: ['https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html'],
  falsePositives: ['A test-only rule: none.'],
  remediationAction: 'remove-function-env-variables',
  evaluate(state) {
    if (state.configuration === undefined) return notApplicable('configuration not read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    if (state.configuration.Environment?.Variables?.[EXAMPLE_VARIABLE] !== 'true') return compliant;
    return nonCompliant([
      {
        key: EXAMPLE_VARIABLE,
        summary: `${state.arn} runs with ${EXAMPLE_VARIABLE}=true.`,
        details: { variable: EXAMPLE_VARIABLE },
        remediation: {
          action: 'remove-function-env-variables',
          params: { functionName: functionArn({ ...state.ref, qualifier: undefined }), variableNames: EXAMPLE_VARIABLE },
          description: `lambda:UpdateFunctionConfiguration removes ${EXAMPLE_VARIABLE} and keeps every other variable.`,
        },
      },
    ]);
  },
});
