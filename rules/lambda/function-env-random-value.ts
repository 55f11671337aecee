/** A function's environment variable holds a value shaped like a generated credential, under a name that says nothing. */
import { changeOrigin, CONFIGURATION_TRIGGER } from './configuration-events';
import { detectPlaintextSecrets } from '../../functions/shared/secrets/env-secret-detector';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

export const functionEnvRandomValue = defineRule({
  id: 'function-env-random-value',
  title: 'Function environment variable holds a random, credential-shaped value',
  severity: 'low',
  defaultMode: 'alert',
  resourceType: 'lambda-function',
  triggers: [CONFIGURATION_TRIGGER],
  reads: ['configuration'],
  rationale:
    'A long value mixing cases and digits, as random as a generated key, is probably a credential even though its name does not say so; anyone with lambda:GetFunctionConfiguration can read it. Judged on shape alone: check it, nothing is changed.',
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html',
  ],
  falsePositives: [
    'Random identifiers under names that do not say so (an opaque version id, a generated resource suffix): rename the variable (…_ID, …_HASH, …_VERSION are not judged on shape) or exempt the function with the warden:exempt tag.',
    'Hex digests, UUIDs, image digests, ARNs, base64 of text or files, URLs without credentials and documentation example keys are not reported.',
  ],
  remediationAction: null,
  evaluate(state, context) {
    if (state.configuration === undefined) return notApplicable('configuration not read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    const found = detectPlaintextSecrets(state.configuration.Environment?.Variables ?? {}).filter((f) => f.basis === 'shape');
    if (found.length === 0) return compliant;
    const names = found.map((f) => f.name);
    return nonCompliant([
      {
        key: `env-shape:${[...names].sort().join(',')}`,
        summary: `${state.arn} has environment variable(s) ${names.join(', ')} holding values shaped like generated credentials, ${changeOrigin(context)}. If they are secrets, move them to Secrets Manager or Parameter Store.`,
        details: { variables: found.map((f) => ({ name: f.name, kind: f.kind, basis: f.basis })) },
        remediation: null,
      },
    ]);
  },
});
