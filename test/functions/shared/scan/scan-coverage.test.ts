import { STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrossAccountCredentials } from '../../../../functions/shared/aws/credentials';
import { CallGuard } from '../../../../functions/shared/scan/call-guard';
import { scanClients } from '../../../../functions/shared/scan/scan-clients';
import { parseConfig } from '../../../../functions/shared/config/config';
import { SCAN_FUNCTION_PARTS, SCAN_RESOURCE_SOURCES, SCAN_UNJUDGED_RULES, unjudgedRules, type ScanOptIn, type ScanPartSource } from '../../../../functions/shared/scan/scan-state-reader';
import { Scanner } from '../../../../functions/shared/scan/scanner';
import type { FunctionSnapshot, FunctionStatePart } from '../../../../functions/shared/state/resources';
import { RULES } from '../../../../rules';
import type { AnyRule, Rule } from '../../../../rules/rule';
import { installOrganizationMocks, type OrganizationMockHandle } from '../../../../sim/organization-mock';
import { ruleContext } from '../../../fixtures/rule-context';
import { SCAN_ACCOUNTS, SCAN_CONFIG, SCAN_REGIONS, scanWorld, UNREACHABLE_ACCOUNT } from '../../../fixtures/organization';

const isFunctionRule = (rule: AnyRule): rule is Rule<'lambda-function'> => rule.resourceType === 'lambda-function';
const never = (source: ScanPartSource): boolean => source.read === 'never';
const unread = (part: FunctionStatePart): boolean => never(SCAN_FUNCTION_PARTS[part]);
/** Every `scan.*` opt-in key, from the schema's defaults (a new key joins by itself). */
const OPT_IN_KEYS = Object.keys(parseConfig({}).scan) as ScanOptIn[];
const ALL_ON = Object.fromEntries(OPT_IN_KEYS.map((key) => [key, true])) as Record<ScanOptIn, boolean>;

// Issue #17: a rule whose state a scan does not read would pass every scan silently. Each rule either gets
// everything it reads from the scan (some parts only when their scan.* key is on), or is named in
// SCAN_UNJUDGED_RULES with the reason; and a scan says which rules it did not judge.
describe('what a scan reads for the rules', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s gets every part it reads from a scan (its opt-ins on), or is named as never judged by scans', (id, rule) => {
    const cannotRead = never(SCAN_RESOURCE_SOURCES[rule.resourceType]) || (isFunctionRule(rule) && rule.reads.some(unread));
    // A rule reading a part, or of a kind, the scan can never read must be named; with every opt-in on, exactly the named rules are left.
    expect({ id, cannotReadAndUnnamed: cannotRead && !(id in SCAN_UNJUDGED_RULES) }).toEqual({ id, cannotReadAndUnnamed: false });
    expect(unjudgedRules([rule], ALL_ON)).toEqual(id in SCAN_UNJUDGED_RULES ? [{ ruleId: id, reason: SCAN_UNJUDGED_RULES[id] }] : []);
  });

  it('names only rules of the catalog as not judged', () => {
    const ids = new Set(RULES.map((r) => r.id));
    expect(Object.keys(SCAN_UNJUDGED_RULES).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('leaves the costly reads to opt-in keys by default, naming each rule with the key that turns it on', () => {
    const opted = unjudgedRules(RULES, parseConfig({}).scan).filter((u) => u.key !== undefined);
    expect(opted.map((u) => [u.ruleId, u.key, u.partial ?? false]).sort()).toEqual(
      [
        ['function-api-route-unauthenticated', 'readApis', false],
        ['function-code-signing-weakened', 'readCodeSigning', false],
        ['function-concurrency-zeroed', 'readConcurrency', false],
        ['function-destination-outside-org', 'readAsyncDestinations', true],
        ['function-recursive-loop-allowed', 'readRecursion', false],
      ].sort(),
    );
    // Every key turns something on; each rule named turns judged when its key alone is on.
    expect([...new Set(opted.map((u) => u.key))].sort()).toEqual([...OPT_IN_KEYS].sort());
    for (const u of opted) expect(unjudgedRules(RULES, { [u.key ?? 'readApis']: true }).map((x) => x.ruleId)).not.toContain(u.ruleId);
    // The security groups of VPC functions are read by default: their rule is judged without any key.
    expect(unjudgedRules(RULES, parseConfig({}).scan).map((u) => u.ruleId)).not.toContain('function-security-group-egress-opened');
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
    expect(asked).toEqual(expect.arrayContaining(['recursion', 'concurrency', 'codeSigning', 'eventInvokeConfig']));
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
    const config = { ...SCAN_CONFIG, scan: ALL_ON };
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
