/** A function's environment variables hold a plaintext credential. */
import { changeOrigin, CONFIGURATION_TRIGGER } from './configuration-events';
import { detectPlaintextSecrets } from '../../functions/shared/secrets/env-secret-detector';
import { functionArn, type FunctionSnapshot } from '../../functions/shared/state/resources';
import { compliant, defineRule, nonCompliant, notApplicable } from '../rule';

/** How a flagged variable compares with the last-known-good baseline (hashes only: values are never kept). */
function baselineStatus(state: FunctionSnapshot, name: string): 'no baseline' | 'new' | 'changed' | 'unchanged' {
  const baseline = state.lastKnownGood?.environment?.value;
  if (baseline === undefined) return 'no baseline';
  if (!(name in baseline)) return 'new';
  return state.lastKnownGood?.unchangedVariables?.includes(name) === true ? 'unchanged' : 'changed';
}

export const functionEnvPlaintextSecret = defineRule({
  id: 'function-env-plaintext-secret',
  title: 'Function environment variable holds a plaintext secret',
  severity: 'high',
  defaultMode: 'approve',
  resourceType: 'lambda-function',
  triggers: [CONFIGURATION_TRIGGER],
  reads: ['configuration'],
  rationale:
    'Environment variables are readable by anyone with lambda:GetFunctionConfiguration and end up in deployment templates and logs; a credential there leaks far beyond the function. Keep it in Secrets Manager or Parameter Store.',
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html',
  ],
  falsePositives: [
    'A random-looking value in a secret-named variable that is not a credential (a public key id, a test fixture): exempt it with the warden:exempt tag.',
    'Abbreviated names count: MAIL_PW, FTP_PWD and <vendor>_KEY are read as password and key names (not PUBLIC_KEY, CACHE_KEY, KMS_KEY, PARTITION_KEY or …_KEY_ID).',
    'Removing the variable breaks the function until it reads the secret from Secrets Manager or Parameter Store; the previous value cannot be restored by the bot (only its keyed hash is kept).',
  ],
  remediationAction: 'remove-function-env-variables',
  evaluate(state, context) {
    if (state.configuration === undefined) return notApplicable('configuration not read');
    if (state.configuration === null) return notApplicable('the function no longer exists');
    const variables = state.configuration.Environment?.Variables ?? {};
    // Values judged on their shape alone are function-env-random-value's (a low-severity alert).
    const found = detectPlaintextSecrets(variables).filter((f) => f.basis !== 'shape');
    if (found.length === 0) return compliant;
    const names = found.map((f) => f.name);
    const listed = found.map((f) => `${f.name} (${f.kind})`).join(', ');
    return nonCompliant([
      {
        key: `env:${[...names].sort().join(',')}`,
        summary: `${state.arn} has plaintext credentials in environment variable(s) ${listed}, ${changeOrigin(context)}. Move them to Secrets Manager or Parameter Store and read them at run time.`,
        details: { variables: found.map((f) => ({ name: f.name, kind: f.kind, basis: f.basis, baseline: baselineStatus(state, f.name) })) },
        remediation: {
          action: 'remove-function-env-variables',
          params: { functionName: functionArn({ ...state.ref, qualifier: undefined }), variableNames: names.join(',') },
          description:
            'lambda:UpdateFunctionConfiguration removes the flagged variables and keeps every other one. The bot keeps no value: to undo, put the secret in Secrets Manager or Parameter Store and reference it.',
        },
      },
    ]);
  },
});
