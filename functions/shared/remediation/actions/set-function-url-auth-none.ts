/** Sets a function URL's auth type back to NONE ("Restore" after an automatic switch to AWS_IAM). */
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction } from '../action';
import { functionUrlAuthUpdate } from '../function-url-auth';

const Params = lazySchema(() => z.strictObject({
  functionName: z.string().startsWith('arn:'),
  qualifier: z.string().optional(),
  authType: z.literal('NONE'),
}));
type Params = z.infer<typeof Params>;

export const setFunctionUrlAuthNone = defineAction<Params>({
  name: 'set-function-url-auth-none',
  permissions: ['lambda:GetFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
  paramsSchema: Params,
  ...functionUrlAuthUpdate<Params>('NONE'),
});
