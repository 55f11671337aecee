/**
 * Removes the named environment variables that still hold a plaintext credential, keeping every
 * other variable; the update is guarded by the configuration's revision id. Never sees a value in its parameters.
 */
import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { detectPlaintextSecrets } from '../../secrets/env-secret-detector';
import { defineAction, failedOutcome, formatCall } from '../action';
import { readFunctionConfiguration } from './function-configuration';

const VARIABLE_LIST = /^[A-Za-z][A-Za-z0-9_]*(,[A-Za-z][A-Za-z0-9_]*)*$/;

const Params = lazySchema(() => z.strictObject({
  functionName: z.string().startsWith('arn:'),
  /** Comma-separated variable names (names only: a plan never holds a value). */
  variableNames: z.string().regex(VARIABLE_LIST, 'must be comma-separated environment variable names'),
}));
type Params = z.infer<typeof Params>;

/** The variable names of a plan's `variableNames` parameter. */
export function variableNamesOf(params: Pick<Params, 'variableNames'>): string[] {
  return params.variableNames.split(',');
}

/** The named variables that are present and still look like a credential (a variable since turned into a reference stays). */
function stillSecret(variables: Readonly<Record<string, string>>, names: readonly string[]): string[] {
  const flagged = new Set(detectPlaintextSecrets(variables).map((finding) => finding.name));
  return names.filter((name) => flagged.has(name));
}

function isPreconditionFailed(e: unknown): boolean {
  return e instanceof Error && e.name === 'PreconditionFailedException';
}

export const removeFunctionEnvVariables = defineAction<Params>({
  name: 'remove-function-env-variables',
  permissions: ['lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionConfiguration'],
  paramsSchema: Params,
  describe: (p) => formatCall('lambda:UpdateFunctionConfiguration', { FunctionName: p.functionName, Environment: `all variables except ${variableNamesOf(p).join(', ')}` }),
  async execute(clients, params) {
    const names = variableNamesOf(params);
    try {
      // One retry: a concurrent change between the read and the guarded write makes Lambda refuse it.
      for (let attempt = 0; ; attempt += 1) {
        const before = await readFunctionConfiguration(clients, params.functionName);
        if (before === null) return { status: 'already-compliant', detail: 'the function no longer exists' };
        const variables = before.Environment?.Variables ?? {};
        const remove = stillSecret(variables, names);
        if (remove.length === 0) return { status: 'already-compliant', detail: 'none of the variables holds a plaintext credential any more' };
        const kept = Object.fromEntries(Object.entries(variables).filter(([name]) => !remove.includes(name)));
        try {
          await clients.lambda.send(
            new UpdateFunctionConfigurationCommand({ FunctionName: params.functionName, Environment: { Variables: kept }, RevisionId: before.RevisionId }),
          );
        } catch (e: unknown) {
          if (isPreconditionFailed(e) && attempt === 0) continue;
          throw e;
        }
        const verified = await this.verify(clients, params);
        return { status: 'remediated', verified, detail: `removed environment variable(s) ${remove.join(', ')}; ${Object.keys(kept).length} other variable(s) kept` };
      }
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    const after = await readFunctionConfiguration(clients, params.functionName);
    return after === null || stillSecret(after.Environment?.Variables ?? {}, variableNamesOf(params)).length === 0;
  },
});
