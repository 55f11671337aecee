/** Switches a function URL's auth type from NONE to AWS_IAM (the URL stays; unsigned callers get 403). */
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction } from '../action';
import { functionUrlAuthUpdate } from '../function-url-auth';

const Params = lazySchema(() => z.strictObject({
  functionName: z.string().startsWith('arn:'),
  qualifier: z.string().optional(),
  authType: z.literal('AWS_IAM'),
  /**
   * The auth type the finding was judged on. With it the update goes out without reading first:
   * UpdateFunctionUrlConfig has no revision guard, but setting AWS_IAM only ever closes the URL
   * and is idempotent, so acting on the judged state cannot undo a later change. Absent in older plans.
   */
  judgedAuthType: z.literal('NONE').optional(),
}));
type Params = z.infer<typeof Params>;

export const setFunctionUrlAuthIam = defineAction<Params>({
  name: 'set-function-url-auth-iam',
  permissions: ['lambda:GetFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
  paramsSchema: Params,
  ...functionUrlAuthUpdate<Params>('AWS_IAM'),
});
