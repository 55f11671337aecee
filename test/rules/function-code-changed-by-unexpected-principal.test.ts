import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/shared/config/config';
import { functionCodeChangedByUnexpectedPrincipal } from '../../rules/lambda/function-code-changed-by-unexpected-principal';
import { assumedRole, identities } from '../fixtures/cloudtrail';
import { configurationHarness } from '../fixtures/configuration-harness';
import { updateFunctionCodeEvent } from '../fixtures/function-configuration';
import { ruleContext, TEST_CONFIG } from '../fixtures/rule-context';
import { functionSnapshot } from '../fixtures/snapshots';

const RULE = functionCodeChangedByUnexpectedPrincipal.id;
const config = parseConfig({ ...TEST_CONFIG, deployerRoles: ['GitHubActionsDeploy', 'arn:aws:iam::111122223333:role/cicd/*'] });

describe('function-code-changed-by-unexpected-principal', () => {
  it.each([
    ['a deployer role by name', assumedRole('GitHubActionsDeploy', 'gha-4812'), 0],
    ['a deployer role by ARN pattern with its path', assumedRole('codepipeline-deploy', 'pipeline', { path: '/cicd/' }), 0],
    ['a look-alike of the deployer role', assumedRole('GitHubActionsDeploy-dev', 'gha-1'), 1],
    ['the same role name under another path that the ARN pattern does not cover', assumedRole('codepipeline-deploy', 'pipeline'), 1],
    ['an IAM user', identities.alice, 1],
  ])('UpdateFunctionCode by %s gives %i finding(s)', async (_what, identity, count) => {
    const h = configurationHarness({ config });
    expect(await h.run(updateFunctionCodeEvent(undefined, { identity }), RULE)).toHaveLength(count);
  });

  it('names the principal and alerts only', async () => {
    const h = configurationHarness({ config });
    const [finding] = await h.run(updateFunctionCodeEvent(undefined, { identity: identities.alice }), RULE);
    expect(finding?.mode).toBe('alert');
    expect(finding?.remediation).toBeNull();
    expect(finding?.summary).toContain('arn:aws:iam::111122223333:user/alice (IAMUser) changed the code');
  });

  it('is not applicable without configured deployer roles, or in a scan', () => {
    expect(functionCodeChangedByUnexpectedPrincipal.evaluate(functionSnapshot(), ruleContext({ event: updateFunctionCodeEvent() })).status).toBe('not-applicable');
    expect(functionCodeChangedByUnexpectedPrincipal.evaluate(functionSnapshot(), ruleContext({ config })).status).toBe('not-applicable');
  });
});
