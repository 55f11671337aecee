import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecisionKind } from '../../../../functions/shared/contract/decision';
import type { Finding } from '../../../../functions/shared/contract/finding';
import type { ExecutionOutcome } from '../../../../functions/shared/contract/outcome';
import { jsonBlocks } from '../../../../functions/shared/slack/block-kit';
import { fitJson, fitText } from '../../../../functions/shared/slack/slack-limits';
import { digestMessage, findingMessage } from '../../../../functions/shared/slack/warden-messages';
import { metadataCase, decisionOn } from '../notifier/notifier-fixtures';
import { RULES } from '../../../../rules';
import { allText, jsonShown, limitViolations } from './slack-limits-check';

const longString = fc.string({ unit: 'grapheme', minLength: 0, maxLength: 5000 });
const statement = fc.record({
  Sid: fc.string({ maxLength: 40 }),
  Effect: fc.constantFrom('Allow', 'Deny'),
  Principal: fc.oneof(fc.constant('*'), fc.record({ AWS: fc.array(fc.string({ maxLength: 60 }), { maxLength: 30 }) })),
  Action: fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.string({ maxLength: 40 }), { maxLength: 80 })),
  Resource: fc.string({ maxLength: 200 }),
  Condition: fc.option(fc.dictionary(fc.string({ maxLength: 20 }), fc.dictionary(fc.string({ maxLength: 30 }), fc.string({ maxLength: 300 })))),
});
const policy = fc.record({ Version: fc.constant('2012-10-17'), Statement: fc.array(statement, { maxLength: 120 }) });
const anyJson = fc.oneof(policy, fc.jsonValue({ maxDepth: 6 }), fc.array(longString, { maxLength: 20 }));

describe('fitJson', () => {
  it('always fits and always parses, and says when something was left out', () => {
    fc.assert(
      fc.property(anyJson, fc.integer({ min: 40, max: 4000 }), (value, max) => {
        const fitted = fitJson(value, max);
        expect(fitted.json.length).toBeLessThanOrEqual(max);
        const parsed: unknown = JSON.parse(fitted.json);
        // Nothing left out ⇔ no note: then the value is shown whole.
        expect(fitted.note === null ? parsed : 'pruned').toEqual(fitted.note === null ? (JSON.parse(JSON.stringify(value)) as unknown) : 'pruned');
      }),
      { numRuns: 300 },
    );
  });

  it('drops whole statements of a long policy and counts them', () => {
    const statements = Array.from({ length: 40 }, (_, i) => ({ Sid: `s${String(i)}`, Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: `arn:aws:lambda:us-east-1:111122223333:function:f${String(i)}` }));
    const fitted = fitJson({ Version: '2012-10-17', Statement: statements }, 1500);
    const shown = JSON.parse(fitted.json) as { Statement: { Sid: string }[] };
    expect(shown.Statement.length).toBeGreaterThan(0);
    expect(shown.Statement.length).toBeLessThan(40);
    expect(fitted.note).toBe(`truncated to fit Slack: ${String(40 - shown.Statement.length)} of 40 statements left out`);
    // The statements shown are whole: each has every field.
    for (const s of shown.Statement) expect(Object.keys(s)).toEqual(['Sid', 'Effect', 'Principal', 'Action', 'Resource']);
  });
});

describe('fitText', () => {
  it('never exceeds the limit and keeps short texts as they are', () => {
    fc.assert(
      fc.property(longString, fc.integer({ min: 1, max: 3000 }), (value, max) => {
        const out = fitText(value, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(value.length <= max ? out : value).toBe(value);
      }),
    );
  });
});

describe('jsonBlocks', () => {
  it('fits a section even when escaping lengthens the JSON (&, <, >)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('<', '>', '&', '```', 'a'), { minLength: 3000, maxLength: 6000 }), (chars) => {
        const message = { text: 'x', blocks: jsonBlocks({ s: chars.join('') }) };
        expect(limitViolations(message)).toEqual([]);
        expect(jsonShown(message)).toHaveLength(1);
      }),
      { numRuns: 30 },
    );
  });
});

const DECISIONS: readonly (DecisionKind | null)[] = [null, 'approved', 'quarantined', 'rejected', 'rejected-and-exempted', 'restored', 'expired'];

describe('findingMessage', () => {
  it('fits every Slack limit and shows only JSON that parses, whatever the finding holds', () => {
    const base = metadataCase(RULES[0]!);
    fc.assert(
      fc.property(
        fc.record({
          title: longString,
          summary: longString,
          rationale: longString,
          resource: longString.map((s) => `arn:aws:lambda:us-east-1:111122223333:function:${s}`),
          userAgent: longString,
          details: fc.dictionary(fc.string({ maxLength: 30 }), anyJson, { maxKeys: 8 }),
          call: longString,
          restore: fc.boolean(),
          decision: fc.constantFrom(...DECISIONS),
        }),
        (p) => {
          const finding: Finding = { ...base.finding, title: p.title, summary: p.summary, rationale: p.rationale, resource: p.resource, details: p.details, actor: { ...base.finding.actor!, userAgent: p.userAgent } };
          const outcome: ExecutionOutcome = {
            ...base.outcome,
            resource: p.resource,
            plan: { action: 'remove-function-permission', call: p.call, description: p.summary },
            ...(p.restore ? { restore: { id: 'wr-1', expiresAt: '2025-03-15T00:00:00Z' } } : {}),
          };
          const decision = p.decision === null ? undefined : decisionOn({ finding, outcome }, p.decision);
          const message = findingMessage(finding, outcome, decision === undefined ? {} : { decision });
          expect(limitViolations(message)).toEqual([]);
          expect(() => jsonShown(message)).not.toThrow();
          expect(allText(message)).not.toBe('');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps a digest within the limits with thousands of resources', () => {
    const resources = Array.from({ length: 3000 }, (_, i) => `arn:aws:lambda:us-east-1:111122223333:function:${'x'.repeat(100)}-${String(i)}`);
    const message = digestMessage({ principal: 'arn:aws:iam::111122223333:role/ci', count: 3000, rules: ['a', 'b'], resources, windowStart: new Date(0), windowSeconds: 60, postedAlone: 5 });
    expect(limitViolations(message)).toEqual([]);
    expect(allText(message)).toContain('and 2990 more');
    expect(allText(message)).toContain('every later finding of this window is in this message');
  });
});
