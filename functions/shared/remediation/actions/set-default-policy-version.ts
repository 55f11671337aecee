/** Makes a customer managed policy's last-known-good version its default version again. */
import { GetPolicyCommand, SetDefaultPolicyVersionCommand, type IAMClient } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { defineAction, failedOutcome, formatCall } from '../action';
import { iamOf, isNoSuchEntity, PolicyArnParam, VersionIdParam } from '../iam-role-access';

const Params = lazySchema(() => z.strictObject({
  policyArn: PolicyArnParam,
  /** The version to make the default (the last-known-good one). */
  versionId: VersionIdParam,
  /** The default version that was judged: a policy whose default changed since is left alone. */
  fromVersionId: VersionIdParam,
}));
type Params = z.infer<typeof Params>;

async function defaultVersion(iam: IAMClient, policyArn: string): Promise<string | null> {
  try {
    return (await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy?.DefaultVersionId ?? null;
  } catch (e: unknown) {
    if (isNoSuchEntity(e)) return null;
    throw e;
  }
}

export const setDefaultPolicyVersion = defineAction<Params>({
  name: 'set-default-policy-version',
  permissions: ['iam:GetPolicy', 'iam:SetDefaultPolicyVersion'],
  paramsSchema: Params,
  describe: (p) => formatCall('iam:SetDefaultPolicyVersion', { PolicyArn: p.policyArn, VersionId: p.versionId }),
  async execute(clients, params) {
    try {
      const iam = iamOf(clients, 'set-default-policy-version');
      const before = await defaultVersion(iam, params.policyArn);
      if (before === null) return { status: 'already-compliant', detail: `${params.policyArn} no longer exists` };
      if (before === params.versionId) return { status: 'already-compliant', detail: `${params.versionId} is the default version again` };
      if (before !== params.fromVersionId) return { status: 'already-compliant', detail: `the default version changed since it was judged (now ${before})` };
      await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: params.policyArn, VersionId: params.versionId }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `set the default version of ${params.policyArn} back to ${params.versionId} (from ${params.fromVersionId})` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  async verify(clients, params) {
    return (await defaultVersion(iamOf(clients, 'set-default-policy-version'), params.policyArn)) === params.versionId;
  },
});
