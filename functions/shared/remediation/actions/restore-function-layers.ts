/**
 * Puts a function's layers back to a known list (the last-known-good one, or the current one
 * without the foreign layers), guarded by the configuration's revision id.
 */
import { UpdateFunctionConfigurationCommand, type GetFunctionConfigurationCommandOutput } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, failedOutcome, formatCall } from '../action';
import { readFunctionConfiguration } from './function-configuration';

const LAYER_VERSION_ARN = '(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:layer:[A-Za-z0-9_-]+:\\d+)';
const LAYER_LIST = new RegExp(`^(${LAYER_VERSION_ARN}(,${LAYER_VERSION_ARN})*)?$`);

const Params = lazySchema(() => z.strictObject({
  functionName: z.string().startsWith('arn:'),
  /** The layers to set, comma-separated layer version ARNs in order; empty for none. */
  layers: z.string().regex(LAYER_LIST, 'must be comma-separated layer version ARNs'),
  /** The offending layers, comma-separated: when none is attached any more, nothing is changed. */
  foreignLayers: z.string().regex(LAYER_LIST, 'must be comma-separated layer version ARNs').min(1),
}));
type Params = z.infer<typeof Params>;

function listOf(value: string): string[] {
  return value === '' ? [] : value.split(',');
}

function currentLayers(configuration: GetFunctionConfigurationCommandOutput): string[] {
  return (configuration.Layers ?? []).flatMap((layer) => (layer.Arn === undefined ? [] : [layer.Arn]));
}

export const restoreFunctionLayers = defineAction<Params>({
  name: 'restore-function-layers',
  // Lambda checks lambda:GetLayerVersion on every layer version set on a function (the restored ones).
  permissions: ['lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionConfiguration', 'lambda:GetLayerVersion'],
  paramsSchema: Params,
  describe: (p) => formatCall('lambda:UpdateFunctionConfiguration', { FunctionName: p.functionName, Layers: listOf(p.layers) }),
  async execute(clients, params) {
    try {
      const before = await readFunctionConfiguration(clients, params.functionName);
      if (before === null) return { status: 'already-compliant', detail: 'the function no longer exists' };
      const foreign = listOf(params.foreignLayers);
      if (!currentLayers(before).some((arn) => foreign.includes(arn))) {
        return { status: 'already-compliant', detail: 'none of the foreign layers is attached any more' };
      }
      await clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: params.functionName, Layers: listOf(params.layers), RevisionId: before.RevisionId }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `layers set to ${params.layers === '' ? 'none' : params.layers}` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    const after = await readFunctionConfiguration(clients, params.functionName);
    if (after === null) return true;
    const foreign = listOf(params.foreignLayers);
    return !currentLayers(after).some((arn) => foreign.includes(arn));
  },
});
