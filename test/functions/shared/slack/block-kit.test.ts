import { describe, expect, it } from 'vitest';
import { BUTTON_ACTIONS } from '../../../../functions/shared/contract/decision';
import { findingMessage, findingText } from '../../../../functions/shared/slack/warden-messages';
import { RULES } from '../../../../rules';
import { decisionOn, metadataCase } from '../notifier/notifier-fixtures';
import { allText, limitViolations } from './slack-limits-check';

const base = metadataCase(RULES.find((r) => r.resourceType === 'lambda-function' && r.remediationAction !== null)!);

describe('findingMessage', () => {
  it('escapes what the event’s author controls: no mention, no link, no channel ping can be injected', () => {
    const hostile = '<!channel> <https://evil.example/approve|Approve here> & <@U0BOSS>';
    const finding = { ...base.finding, summary: hostile, details: { note: hostile }, actor: { ...base.finding.actor!, userAgent: hostile, arn: hostile } };
    const message = findingMessage(finding, base.outcome);
    const all = allText(message);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil');
    expect(all).not.toContain('<@U0BOSS>');
    expect(all).toContain('&lt;!channel&gt; &lt;https://evil.example/approve|Approve here&gt; &amp; &lt;@U0BOSS&gt;');
    expect(limitViolations(message)).toEqual([]);
  });

  it('keeps the buttons until a decision, then shows the decision instead', () => {
    const pending = findingMessage(base.finding, base.outcome);
    expect(pending.blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ action_id: BUTTON_ACTIONS.approve }, { action_id: BUTTON_ACTIONS.quarantine }, { action_id: BUTTON_ACTIONS.reject }, { action_id: BUTTON_ACTIONS.rejectAndExempt }] });
    const decided = findingMessage(base.finding, base.outcome, { decision: decisionOn(base, 'expired') });
    expect(decided.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(allText(decided)).toContain('Expired at');
  });

  it('renders the same facts as plain text, naming the buttons', () => {
    const text = findingText(base.finding, base.outcome);
    expect(text).toContain(base.finding.rationale);
    expect(text).toContain(base.outcome.plan!.call);
    expect(text).toContain('Buttons: [Approve] [Quarantine] [Reject (keep the change)] [Reject and exempt for 30 days]');
  });
});
