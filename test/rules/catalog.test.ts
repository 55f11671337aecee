import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ModeSchema, SEVERITIES, type ActionName } from '../../functions/shared/contract/finding';
import { ACTIONS } from '../../functions/shared/remediation/actions';
import { FUNCTION_STATE_PARTS, RESOURCE_KINDS } from '../../functions/shared/state/resources';
import { eventNameSpellings, normalizeEventName } from '../../functions/shared/event/event-names';
import { RULES } from '../../rules';
import type { AnyRule } from '../../rules/rule';

const RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url));

/** Actions only the executor or an approver plans (inverses run by "Restore", "Quarantine"): never a rule's. */
const NOT_PLANNED_BY_RULES: readonly ActionName[] = ['quarantine-function', 'add-function-permission', 'set-function-url-auth-none', 'add-layer-version-permission', 'lift-function-isolation', 'authorize-security-group-egress', 'set-api-route-auth-none', 'reattach-function-code-signing-config', 'set-code-signing-config-warn', 'enable-event-source-mapping'];
/** The actions a rule may plan: the registry's, less those. */
const RULE_ACTIONS = (Object.keys(ACTIONS) as ActionName[]).filter((name) => !NOT_PLANNED_BY_RULES.includes(name));

const TriggerSchema = z
  .strictObject({
    eventSource: z.string().regex(/^[a-z0-9-]+\.amazonaws\.com$/),
    eventNames: z.array(z.string().min(1)).min(1),
    /** Detector findings (issue #18): the EventBridge detail-type, also the only event name. */
    detailType: z.enum(['GuardDuty Finding', 'Inspector2 Finding', 'Access Analyzer Finding']).optional(),
  })
  .superRefine((trigger, ctx) => {
    if (trigger.detailType !== undefined && (trigger.eventNames.length !== 1 || trigger.eventNames[0] !== trigger.detailType)) {
      ctx.addIssue({ code: 'custom', message: 'a finding trigger names its detail-type as its only event name' });
    }
    for (const name of trigger.eventNames) {
      if (normalizeEventName(name) !== name) ctx.addIssue({ code: 'custom', message: `${name} is not a bare event name` });
      try {
        eventNameSpellings(trigger.eventSource, name);
      } catch (e: unknown) {
        ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
      }
    }
  });

const RuleMetadataSchema = z.looseObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case'),
  title: z.string().min(10).refine((t) => !/^ensure\b/i.test(t), 'states the bad condition, not "Ensure …"'),
  severity: z.enum(SEVERITIES),
  defaultMode: ModeSchema,
  resourceType: z.enum(RESOURCE_KINDS),
  triggers: z.array(TriggerSchema).min(1),
  reads: z.array(z.enum(FUNCTION_STATE_PARTS)),
  rationale: z.string().trim().min(1).max(300),
  references: z.array(z.url({ protocol: /^https$/ })).min(1),
  falsePositives: z.array(z.string().min(1)),
  remediationAction: z.enum(RULE_ACTIONS as [string, ...string[]]).nullable(),
  alternativeActions: z.array(z.enum(RULE_ACTIONS as [string, ...string[]])).optional(),
  evaluate: z.function(),
});

function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ruleFiles(path);
    return entry.name.endsWith('.ts') && readFileSync(path, 'utf8').includes('defineRule(') && entry.name !== 'rule.ts' ? [path] : [];
  });
}

function isRule(value: unknown): value is AnyRule {
  return typeof value === 'object' && value !== null && 'id' in value && 'evaluate' in value && 'triggers' in value;
}

describe('rule catalog', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s has complete, valid metadata', (_id, rule) => {
    const result = RuleMetadataSchema.safeParse(rule);
    expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
  });

  it('names actions that exist in the registry, and none that only the executor plans', () => {
    expect(NOT_PLANNED_BY_RULES.filter((name) => !(name in ACTIONS))).toEqual([]);
    const planned = RULES.flatMap((rule) => [rule.remediationAction, ...(rule.alternativeActions ?? [])]).filter((name) => name !== null);
    expect(planned.filter((name) => !RULE_ACTIONS.includes(name))).toEqual([]);
  });

  // Whether a scan reads every part a rule reads, or names the rule as not judged with the reason and cost, is
  // tested against the scan reader's own table in test/functions/shared/scan/scan-coverage.test.ts.

  it.each(RULES.filter((rule) => rule.resourceType === 'lambda-layer-version').map((rule) => [rule.id, rule] as const))(
    '%s reads no function part',
    (_id, rule) => {
      expect(rule.reads).toEqual([]);
    },
  );

  it('lists every rule file under rules/, under its file name', async () => {
    const files = ruleFiles(RULES_DIR);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const module = (await import(file)) as Record<string, unknown>;
      const defined = Object.values(module).filter(isRule);
      const name = relative(RULES_DIR, file);
      expect({ file: name, ids: defined.map((rule) => rule.id) }).toEqual({ file: name, ids: [basename(file, '.ts')] });
      expect({ file: name, listed: RULES.some((rule) => rule === defined[0]) }).toEqual({ file: name, listed: true });
    }
    expect(RULES).toHaveLength(files.length);
  });

  it('has no duplicate ids', () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('pins each rule’s severity and default mode', () => {
    expect(Object.fromEntries(RULES.map((rule) => [rule.id, `${rule.severity} ${rule.defaultMode}`]))).toEqual({
      'function-public-access': 'critical auto',
      'function-service-principal-unrestricted': 'high approve',
      'function-cross-account-principal': 'high approve',
      'function-url-public': 'high approve',
      'layer-version-public': 'high auto',
      'function-exemption-tag-changed': 'medium alert',
      'warden-function-changed': 'high alert',
      'trail-logging-stopped': 'critical auto',
      'warden-forwarding-rule-changed': 'critical alert',
      'function-env-plaintext-secret': 'high approve',
      'function-env-kms-key-removed': 'medium alert',
      'function-runtime-deprecated': 'medium alert',
      'function-layer-outside-org': 'high approve',
      'function-code-changed-by-unexpected-principal': 'high alert',
      'function-execution-role-swapped': 'high alert',
      'function-left-vpc': 'medium alert',
      'function-env-random-value': 'low alert',
      'function-recursive-loop-allowed': 'medium alert',
      'function-concurrency-zeroed': 'high alert',
      'function-code-signing-weakened': 'high alert',
      'function-log-group-redirected': 'medium alert',
      'function-log-group-deleted': 'high alert',
      'function-log-retention-shortened': 'medium alert',
      'function-destination-outside-org': 'high approve',
      'function-event-source-mapping-outside-org': 'high alert',
      'function-runtime-threat': 'high approve',
      'function-vulnerable-dependency': 'medium alert',
      'function-api-route-unauthenticated': 'high alert',
      'function-security-group-egress-opened': 'high alert',
      'execution-role-admin-access': 'critical approve',
      'execution-role-privilege-escalation': 'high approve',
      'execution-role-trust-opened': 'critical auto',
      'execution-role-logging-removed': 'medium alert',
      'execution-role-shared': 'low alert',
      'warden-member-role-changed': 'critical alert',
    });
  });
});
