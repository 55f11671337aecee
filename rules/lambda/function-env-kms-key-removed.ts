/** The customer-managed KMS key was removed from a function whose environment variables are set. */
import { changeOrigin, CONFIGURATION_TRIGGER } from './configuration-events';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

export const functionEnvKmsKeyRemoved = defineRule({
  id: 'function-env-kms-key-removed',
  title: 'Customer-managed KMS key removed from environment variable encryption',
  severity: 'medium',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [CONFIGURATION_TRIGGER],
  reads: ['configuration'],
  rationale:
    'Without the customer-managed key, the variables are encrypted with the AWS-managed key: key policy, grants and CloudTrail records of every decryption no longer restrict or show who reads them.',
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html',
    'https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-mgmt',
  ],
  falsePositives: ['A deliberate move to the AWS-managed key (for example when a key is retired): acknowledge the alert.'],
  remediationAction: null,
  evaluate(state, context) {
    if (state.configuration === undefined) return notApplicable('configuration not read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    const variables = Object.keys(state.configuration.Environment?.Variables ?? {});
    const current = state.configuration.KMSKeyArn ?? '';
    if (variables.length === 0 || current !== '') return compliant;
    const previous = state.lastKnownGood?.kmsKeyArn?.value ?? null;
    // Without a baseline, the request itself may say it: CloudTrail logs `kMSKeyArn: ""` when the key is removed.
    const removedNow = context.event?.requestParameters.kMSKeyArn === '';
    if (previous === null && !removedNow) return compliant;
    const was = previous === null ? 'a customer-managed key' : previous;
    return nonCompliant([
      {
        key: `kms-removed:${previous ?? 'request'}`,
        summary: `${state.arn} no longer encrypts its ${variables.length} environment variable(s) with ${was}, ${changeOrigin(context)}; they are now under the AWS-managed key.`,
        details: { previousKmsKeyArn: previous, variableCount: variables.length },
        remediation: null,
      },
    ]);
  },
});
