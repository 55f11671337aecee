/** Restore of `set-code-signing-config-enforce`: the config back to `Warn` for untrusted artifacts. */
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction } from '../action';
import { CodeSigningConfigArnSchema, configPolicyUpdate } from '../code-signing';

const Params = lazySchema(() => z.strictObject({ codeSigningConfigArn: CodeSigningConfigArnSchema }));
type Params = z.infer<typeof Params>;

export const setCodeSigningConfigWarn = defineAction<Params>({
  name: 'set-code-signing-config-warn',
  permissions: ['lambda:GetCodeSigningConfig', 'lambda:UpdateCodeSigningConfig'],
  paramsSchema: Params,
  ...configPolicyUpdate<Params>('Warn'),
});
