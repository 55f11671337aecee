/** Sets a code-signing config back to `Enforce` for untrusted artifacts: every function using it refuses unsigned code on its next deployment. */
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction } from '../action';
import { CodeSigningConfigArnSchema, configPolicyUpdate } from '../code-signing';

const Params = lazySchema(() => z.strictObject({ codeSigningConfigArn: CodeSigningConfigArnSchema }));
type Params = z.infer<typeof Params>;

export const setCodeSigningConfigEnforce = defineAction<Params>({
  name: 'set-code-signing-config-enforce',
  permissions: ['lambda:GetCodeSigningConfig', 'lambda:UpdateCodeSigningConfig'],
  paramsSchema: Params,
  ...configPolicyUpdate<Params>('Enforce'),
});
