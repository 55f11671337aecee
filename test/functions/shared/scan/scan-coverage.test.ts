import { STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrossAccountCredentials } from '../../../../functions/shared/aws/credentials';
import { CallGuard } from '../../../../functions/shared/scan/call-guard';
import { scanClients } from '../../../../functions/shared/scan/scan-clients';
import { SCAN_FUNCTION_PARTS, SCAN_RESOURCE_KINDS, SCAN_UNJUDGED_RULES } from '../../../../functions/shared/scan/scan-state-reader';
import { Scanner } from '../../../../functions/shared/scan/scanner';
import type { FunctionSnapshot, FunctionStatePart } from '../../../../functions/shared/state/resources';
import { RULES } from '../../../../rules';
import type { AnyRule, Rule } from '../../../../rules/rule';
import { installOrganizationMocks, type OrganizationMockHandle } from '../../../../sim/organization-mock';
import { ruleContext } from '../../../fixtures/rule-context';
import { SCAN_ACCOUNTS, SCAN_CONFIG, SCAN_REGIONS, scanWorld, UNREACHABLE_ACCOUNT } from '../../../fixtures/organization';

const isFunctionRule = (rule: AnyRule): rule is Rule<'lambda-function'> => rule.resourceType === 'lambda-function';
const unread = (part: FunctionStatePart): boolean => SCAN_FUNCTION_PARTS[part].read === 'never';

// Issue #17: a rule whose state a scan does not read would pass every scan silently. Each rule either gets
// everything it reads from the scan, or is named in SCAN_UNJUDGED_RULES with the reason (and the cost).
describe('what a scan reads for the rules', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s gets every part it reads from a scan, or is named as not judged by scans', (id, rule) => {
    const needsUnread = !SCAN_RESOURCE_KINDS.has(rule.resourceType) || (isFunctionRule(rule) && rule.reads.some(unread));
    expect({ id, notJudged: id in SCAN_UNJUDGED_RULES }).toEqual({ id, notJudged: needsUnread });
  });

  it('names only rules of the catalog as not judged', () => {
    const ids = new Set(RULES.map((r) => r.id));
    expect(Object.keys(SCAN_UNJUDGED_RULES).filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(Object.keys(SCAN_UNJUDGED_RULES).map((id) => [id] as const))('%s, not judged by scans, is not applicable without an event or detector finding', (id) => {
    const rule = RULES.find((r) => r.id === id);
    if (rule === undefined || !isFunctionRule(rule)) return;
    // As a scan hands it over: the parts the scan reads present, the others unread.
    const snapshot: FunctionSnapshot = { ...scannedSnapshot(), recursiveLoop: undefined, reservedConcurrency: undefined, codeSigning: undefined, tags: undefined };
    expect(rule.evaluate(snapshot, ruleContext()).status).toBe('not-applicable');
  });
});

function scannedSnapshot(): FunctionSnapshot {
  const ref = { kind: 'lambda-function', account: '111122223333', region: 'us-east-1', functionName: 'orders-api' } as const;
  return { kind: 'lambda-function', ref, arn: 'arn:aws:lambda:us-east-1:111122223333:function:orders-api', configuration: { FunctionName: 'orders-api', Runtime: 'nodejs22.x' }, policy: null, urlConfig: null, eventSourceMappings: [], logGroup: { logGroupName: '/aws/lambda/orders-api', group: null } };
}

describe('the scan reader provides the parts it declares', () => {
  let org: OrganizationMockHandle;
  beforeEach(() => {
    org = installOrganizationMocks(scanWorld().world, { unreachable: [UNREACHABLE_ACCOUNT] });
  });
  afterEach(() => {
    org.restore();
  });

  it('hands every declared part (opt-ins on) to a rule asking for it, read and not left undefined', async () => {
    const asked = (Object.keys(SCAN_FUNCTION_PARTS) as FunctionStatePart[]).filter((p) => !unread(p) && p !== 'executionRole');
    const seen: Partial<Record<FunctionStatePart, unknown>>[] = [];
    const probe: Rule<'lambda-function'> = {
      ...(RULES.find(isFunctionRule) as Rule<'lambda-function'>),
      id: 'scan-probe',
      reads: asked,
      evaluate(state) {
        seen.push(Object.fromEntries(asked.map((p) => [p, state[snapshotKey(p)]])));
        return { status: 'compliant' };
      },
    };
    const credentials = new CrossAccountCredentials({ sts: new STSClient({ region: 'us-east-1' }), config: SCAN_CONFIG, roleName: SCAN_CONFIG.auditRoleName });
    const config = { ...SCAN_CONFIG, scan: { readAsyncDestinations: true } };
    const report = await new Scanner({ rules: [probe], config, clients: scanClients(credentials), guard: new CallGuard({ sleep: () => Promise.resolve() }) }).scan(
      SCAN_ACCOUNTS.slice(0, 2).map((account) => ({ account, regions: [...SCAN_REGIONS] })),
    );
    expect(report.errors).toEqual([]);
    expect(seen.length).toBe(report.accounts.reduce((n, a) => n + a.functions, 0));
    for (const state of seen) for (const part of asked) expect({ part, read: state[part] !== undefined }).toEqual({ part, read: true });
  });
});

/** The snapshot field a part fills. */
function snapshotKey(part: FunctionStatePart): keyof FunctionSnapshot {
  const keys: Readonly<Record<FunctionStatePart, keyof FunctionSnapshot>> = {
    configuration: 'configuration',
    policy: 'policy',
    urlConfig: 'urlConfig',
    tags: 'tags',
    executionRole: 'executionRole',
    recursion: 'recursiveLoop',
    concurrency: 'reservedConcurrency',
    codeSigning: 'codeSigning',
    eventInvokeConfig: 'eventInvokeConfig',
    eventSourceMappings: 'eventSourceMappings',
    logGroup: 'logGroup',
  };
  return keys[part];
}
