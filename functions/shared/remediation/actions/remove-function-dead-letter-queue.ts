/** Removes a function's dead-letter queue (`DeadLetterConfig.TargetArn` set to ""), guarded by the configuration's revision id. */
import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, failedOutcome, formatCall } from '../action';
import { readFunctionConfiguration } from './function-configuration';

const Params = lazySchema(() => z.strictObject({
  /** The unqualified function: the dead-letter queue is part of `$LATEST`'s configuration. */
  functionName: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+$/, 'must be an unqualified function ARN'),
  /** The queue or topic judged foreign: when another one is set by now, nothing is changed. */
  targetArn: z.string().startsWith('arn:'),
}));
type Params = z.infer<typeof Params>;

export const removeFunctionDeadLetterQueue = defineAction<Params>({
  name: 'remove-function-dead-letter-queue',
  permissions: ['lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionConfiguration'],
  paramsSchema: Params,
  describe: (p) => formatCall('lambda:UpdateFunctionConfiguration', { FunctionName: p.functionName, DeadLetterConfig: { TargetArn: '' } }),
  async execute(clients, params) {
    try {
      const before = await readFunctionConfiguration(clients, params.functionName);
      if (before === null) return { status: 'already-compliant', detail: 'the function no longer exists' };
      if (before.DeadLetterConfig?.TargetArn !== params.targetArn) return { status: 'already-compliant', detail: `the dead-letter queue is no longer ${params.targetArn}` };
      await clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: params.functionName, DeadLetterConfig: { TargetArn: '' }, RevisionId: before.RevisionId }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `removed the dead-letter queue ${params.targetArn}` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    const after = await readFunctionConfiguration(clients, params.functionName);
    return after?.DeadLetterConfig?.TargetArn !== params.targetArn;
  },
});
