/** Attaches a function's last-known-good code-signing config again (it was removed, or replaced by one that only warns). */
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction } from '../action';
import { CodeSigningConfigArnSchema, ConfigOrNoneSchema, functionConfigSwitch, UnqualifiedFunctionArnSchema } from '../code-signing';

const Params = lazySchema(() => z.strictObject({
  functionName: UnqualifiedFunctionArnSchema,
  /** The baseline's config: it must still exist and enforce when the plan runs. */
  codeSigningConfigArn: CodeSigningConfigArnSchema,
  /** What the function used when judged (`none`: removed): a function changed since is not touched. */
  judgedConfigArn: ConfigOrNoneSchema,
}));
type Params = z.infer<typeof Params>;

export const restoreFunctionCodeSigningConfig = defineAction<Params>({
  name: 'restore-function-code-signing-config',
  permissions: ['lambda:GetCodeSigningConfig', 'lambda:GetFunctionCodeSigningConfig', 'lambda:PutFunctionCodeSigningConfig'],
  paramsSchema: Params,
  ...functionConfigSwitch<Params>((p) => ({ functionName: p.functionName, from: p.judgedConfigArn, to: p.codeSigningConfigArn, toMustEnforce: true })),
});
