/** Restore of `restore-function-code-signing-config`: the function back to the config it used when judged (or none). */
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction } from '../action';
import { CodeSigningConfigArnSchema, ConfigOrNoneSchema, functionConfigSwitch, UnqualifiedFunctionArnSchema } from '../code-signing';

const Params = lazySchema(() => z.strictObject({
  functionName: UnqualifiedFunctionArnSchema,
  /** The config the function used when judged, put back (`none`: removed again). */
  codeSigningConfigArn: ConfigOrNoneSchema,
  /** The config the revert attached: the function must still use it. */
  restoredConfigArn: CodeSigningConfigArnSchema,
}));
type Params = z.infer<typeof Params>;

export const reattachFunctionCodeSigningConfig = defineAction<Params>({
  name: 'reattach-function-code-signing-config',
  permissions: ['lambda:DeleteFunctionCodeSigningConfig', 'lambda:GetCodeSigningConfig', 'lambda:GetFunctionCodeSigningConfig', 'lambda:PutFunctionCodeSigningConfig'],
  paramsSchema: Params,
  ...functionConfigSwitch<Params>((p) => ({ functionName: p.functionName, from: p.restoredConfigArn, to: p.codeSigningConfigArn, toMustEnforce: false })),
});
