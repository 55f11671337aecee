/**
 * Code-signing remediations (issue #17): which config a function uses and what a config does with
 * untrusted code, read and set with the Lambda API. Shared by `restore-function-code-signing-config`
 * and its Restore `reattach-function-code-signing-config`, and by `set-code-signing-config-enforce`
 * and its Restore `set-code-signing-config-warn`. Code signing is checked on deployment only: none of
 * these changes what a function runs now, only what its next deployment may upload.
 */
import {
  DeleteFunctionCodeSigningConfigCommand,
  GetCodeSigningConfigCommand,
  GetFunctionCodeSigningConfigCommand,
  PutFunctionCodeSigningConfigCommand,
  UpdateCodeSigningConfigCommand,
} from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { StaleFindingError } from '../errors';
import { failedOutcome, formatCall, isNotFound, type ActionClients, type ActionOutcome, type RemediationAction } from './action';

const CONFIG_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:code-signing-config:csc-[a-z0-9]{17}$/;
export const CodeSigningConfigArnSchema = lazySchema(() => z.string().regex(CONFIG_ARN, 'must be a code-signing config ARN'));
/** A config ARN, or `none` (the function had no config). */
export const ConfigOrNoneSchema = lazySchema(() => z.union([CodeSigningConfigArnSchema, z.literal('none')]));
/** Code signing is a setting of the function, not of a version or alias. */
export const UnqualifiedFunctionArnSchema = lazySchema(() => z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[^:]+$/, 'must be an unqualified function ARN'));

type Policy = 'Warn' | 'Enforce';

function stale(detail: string): ActionOutcome {
  return failedOutcome(new StaleFindingError(`${detail}: nothing was changed`));
}

/** The config the function uses (`none`), or null when the function is gone. */
export async function attachedConfig(clients: ActionClients, functionName: string): Promise<string | null> {
  try {
    const arn = (await clients.lambda.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: functionName }))).CodeSigningConfigArn;
    return arn === undefined || arn === '' ? 'none' : arn;
  } catch (e: unknown) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/** A config's `UntrustedArtifactOnDeployment`, or null when the config is gone. */
export async function configPolicy(clients: ActionClients, arn: string): Promise<string | null> {
  try {
    return (await clients.lambda.send(new GetCodeSigningConfigCommand({ CodeSigningConfigArn: arn }))).CodeSigningConfig?.CodeSigningPolicies?.UntrustedArtifactOnDeployment ?? null;
  } catch (e: unknown) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

/** The parameters of a change of the function's config: from the config it was judged with to another (or none). */
export interface ConfigSwitch {
  readonly functionName: string;
  /** What the function must use now for the change to run. */
  readonly from: string;
  /** What it is set to (`none`: the config is removed). */
  readonly to: string;
  /** Forward (restoring the baseline): the config set must enforce, or the restore would restore nothing. */
  readonly toMustEnforce: boolean;
}

function describeSwitch(s: ConfigSwitch): string {
  return s.to === 'none'
    ? formatCall('lambda:DeleteFunctionCodeSigningConfig', { FunctionName: s.functionName })
    : formatCall('lambda:PutFunctionCodeSigningConfig', { FunctionName: s.functionName, CodeSigningConfigArn: s.to });
}

/** `describe`, `execute` and `verify` of an action that switches a function's config as `switchOf` says. */
export function functionConfigSwitch<P>(switchOf: (params: P) => ConfigSwitch): Pick<RemediationAction<P>, 'describe' | 'execute' | 'verify'> {
  return {
    describe: (p) => describeSwitch(switchOf(p)),
    async execute(clients, params, hooks) {
      const s = switchOf(params);
      try {
        const current = await attachedConfig(clients, s.functionName);
        if (current === null) return { status: 'already-compliant', detail: 'the function no longer exists' };
        if (current === s.to) return { status: 'already-compliant', detail: s.to === 'none' ? 'the function has no code-signing config already' : `the function already uses ${s.to}` };
        if (current !== s.from) return stale(`the function now uses ${current === 'none' ? 'no code-signing config' : current}, not ${s.from === 'none' ? 'none' : s.from} as judged`);
        if (s.to === 'none') {
          await clients.lambda.send(new DeleteFunctionCodeSigningConfigCommand({ FunctionName: s.functionName }));
        } else {
          const policy = await configPolicy(clients, s.to);
          if (policy === null) return stale(`the code-signing config ${s.to} no longer exists`);
          if (s.toMustEnforce && policy !== 'Enforce') return stale(`the code-signing config ${s.to} is now ${policy}, so attaching it would not restore enforcement`);
          await clients.lambda.send(new PutFunctionCodeSigningConfigCommand({ FunctionName: s.functionName, CodeSigningConfigArn: s.to }));
        }
        hooks?.changed?.();
        const verified = await this.verify(clients, params);
        return { status: 'remediated', verified, detail: s.to === 'none' ? 'code-signing config removed from the function' : `the function uses code-signing config ${s.to} again` };
      } catch (e: unknown) {
        return failedOutcome(e);
      }
    },
    async verify(clients, params) {
      const s = switchOf(params);
      if ((await attachedConfig(clients, s.functionName)) !== s.to) return false;
      return !s.toMustEnforce || s.to === 'none' || (await configPolicy(clients, s.to)) === 'Enforce';
    },
  };
}

/** `describe`, `execute` and `verify` of an action that sets a config's `UntrustedArtifactOnDeployment` to `target`. */
export function configPolicyUpdate<P extends { readonly codeSigningConfigArn: string }>(target: Policy): Pick<RemediationAction<P>, 'describe' | 'execute' | 'verify'> {
  return {
    describe: (p) => formatCall('lambda:UpdateCodeSigningConfig', { CodeSigningConfigArn: p.codeSigningConfigArn, CodeSigningPolicies: { UntrustedArtifactOnDeployment: target } }),
    async execute(clients, params, hooks) {
      try {
        const before = await configPolicy(clients, params.codeSigningConfigArn);
        if (before === null) return { status: 'already-compliant', detail: `the code-signing config ${params.codeSigningConfigArn} no longer exists` };
        if (before === target) return { status: 'already-compliant', detail: `the code-signing config is already ${target}` };
        await clients.lambda.send(new UpdateCodeSigningConfigCommand({ CodeSigningConfigArn: params.codeSigningConfigArn, CodeSigningPolicies: { UntrustedArtifactOnDeployment: target } }));
        hooks?.changed?.();
        const verified = await this.verify(clients, params);
        return { status: 'remediated', verified, detail: `code-signing config ${params.codeSigningConfigArn} set to ${target} for untrusted artifacts (every function using it: future deployments only)` };
      } catch (e: unknown) {
        return failedOutcome(e);
      }
    },
    async verify(clients, params) {
      return (await configPolicy(clients, params.codeSigningConfigArn)) === target;
    },
  };
}
