import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn } from '../../functions/shared/slack/block-kit';
import { findingMessage } from '../../functions/shared/slack/warden-messages';
import { blockHtml, escapeHtml, messageHtml, mrkdwnHtml, pageHtml, SUPPORTED, UnsupportedBlockError } from '../../preview/block-kit-html';
import { findChromium, INSTALL_HINT } from '../../preview/run';
import { buildSlackScenarios, PREVIEW_USERS } from '../../preview/slack-scenarios';
import { RULES } from '../../rules';
import { metadataCase } from '../functions/shared/notifier/notifier-fixtures';

const SCENARIOS = await buildSlackScenarios();
const MESSAGES = SCENARIOS.calls.map((c) => c.message);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every type the notifier's messages use, by kind: blocks at the top, elements in actions and context, text objects anywhere. */
function emittedTypes(blocks: readonly unknown[]): { blocks: Set<string>; elements: Set<string>; texts: Set<string> } {
  const out = { blocks: new Set<string>(), elements: new Set<string>(), texts: new Set<string>() };
  const visit = (value: unknown, kind: 'element' | 'text' | 'any'): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, kind);
      return;
    }
    if (!isObject(value)) return;
    if (typeof value.type === 'string') {
      if (kind === 'element' && value.type !== 'plain_text' && value.type !== 'mrkdwn') out.elements.add(value.type);
      else if (kind === 'text' || value.type === 'plain_text' || value.type === 'mrkdwn') out.texts.add(value.type);
      else out.elements.add(value.type);
    }
    for (const [key, v] of Object.entries(value)) visit(v, key === 'elements' ? 'element' : key === 'text' || key === 'fields' ? 'text' : 'any');
  };
  for (const block of blocks) {
    if (isObject(block) && typeof block.type === 'string') out.blocks.add(block.type);
    if (isObject(block)) for (const [key, v] of Object.entries(block)) visit(v, key === 'elements' ? 'element' : key === 'text' || key === 'fields' ? 'text' : 'any');
  }
  return out;
}

/** Every `<` of the output opens one of the renderer's own tags, and no attribute is an event handler. */
function onlyOwnMarkup(html: string): void {
  const tags = [...html.matchAll(/<\/?([a-zA-Z0-9!-]*)/g)].map((m) => m[1] ?? '');
  for (const tag of tags) expect(['div', 'span', 'b', 'i', 's', 'br', 'code', 'pre', 'a', 'hr', '!doctype', 'html', 'head', 'meta', 'title', 'style', 'body']).toContain(tag.toLowerCase());
  for (const attributes of html.matchAll(/<[a-zA-Z!]+([^<>]*)>/g)) expect(attributes[1]).not.toMatch(/\son[a-z]+\s*=/i);
  for (const href of html.matchAll(/href="([^"]*)"/g)) expect(href[1]).toMatch(/^(https?:|mailto:)/);
}

describe('preview: the scenarios come from the real notifier', () => {
  it('produces the four pages, each from a message the notifier sent', () => {
    const { pages } = SCENARIOS;
    expect(Object.keys(pages)).toEqual(['auto-revert', 'pending-approval', 'approved', 'digest']);
    const sent = new Set(MESSAGES);
    for (const page of Object.values(pages)) {
      expect(sent.has(page.post.message as (typeof MESSAGES)[number])).toBe(true);
      for (const reply of page.replies ?? []) expect(sent.has(reply.message as (typeof MESSAGES)[number])).toBe(true);
    }
  });

  it('shows Restore on the auto revert, the four buttons on the pending approval, none once approved', () => {
    const labels = (blocks: readonly unknown[] | undefined): string[] =>
      (blocks ?? []).flatMap((b) => (isObject(b) && b.type === 'actions' && Array.isArray(b.elements) ? b.elements.map((e) => (isObject(e) && isObject(e.text) ? String(e.text.text) : '')) : []));
    const { pages } = SCENARIOS;
    expect(labels(pages['auto-revert']?.post.message.blocks)).toEqual(['Restore']);
    expect(labels(pages['pending-approval']?.post.message.blocks)).toEqual(['Approve', 'Quarantine', 'Reject (keep the change)', 'Reject and exempt for 30 days']);
    expect(labels(pages.approved?.post.message.blocks)).toEqual([]);
    expect(pages.approved?.replies?.map((r) => r.message.text)).toEqual([expect.stringContaining('Approved by @dana'), expect.stringContaining('Done (verified)')]);
    expect(pages.digest?.post.message.text).toMatch(/^Digest: \d+ findings by one principal/);
    expect(pages.digest?.hiddenReplies).toBeGreaterThan(0);
  });
});

describe('preview: the HTML renderer covers what the notifier emits', () => {
  const emitted = emittedTypes(MESSAGES.flatMap((m) => m.blocks));

  it('knows every block, element and text type of every message sent across the scenarios', () => {
    // The derivation sees what the messages hold (a floor, so an empty walk cannot pass).
    expect([...emitted.blocks]).toEqual(expect.arrayContaining(['header', 'section', 'context', 'actions']));
    expect([...emitted.elements]).toContain('button');
    expect([...emitted.texts]).toEqual(expect.arrayContaining(['plain_text', 'mrkdwn']));
    for (const t of emitted.blocks) expect(SUPPORTED.blocks).toContain(t);
    for (const t of emitted.elements) expect(SUPPORTED.elements).toContain(t);
    for (const t of emitted.texts) expect(SUPPORTED.texts).toContain(t);
  });

  it('renders every message sent, showing each header, button label and confirm dialog', () => {
    expect(SCENARIOS.calls.length).toBeGreaterThan(10);
    for (const message of MESSAGES) {
      const { body, dialogs } = messageHtml(message, { users: PREVIEW_USERS });
      onlyOwnMarkup(body);
      const blocks = message.blocks.filter(isObject);
      const headers = blocks.flatMap((b) => (b.type === 'header' && isObject(b.text) ? [String(b.text.text)] : []));
      const buttons = blocks.flatMap((b) => (b.type === 'actions' && Array.isArray(b.elements) ? b.elements.filter(isObject) : []));
      for (const header of headers) expect(body).toContain(`<div class="block header">${escapeHtml(header)}</div>`);
      for (const button of buttons) expect(body).toContain(`>${escapeHtml(isObject(button.text) ? String(button.text.text) : '(no label)')}</span>`);
      expect(dialogs).toHaveLength(buttons.filter((b) => b.confirm !== undefined).length);
    }
  });

  it.each(SUPPORTED.blocks.map((t) => [t]))('really renders the %s blocks it declares', (type) => {
    const minimal: Record<(typeof SUPPORTED.blocks)[number], unknown> = {
      header: { type: 'header', text: { type: 'plain_text', text: 'h' } },
      section: { type: 'section', text: { type: 'mrkdwn', text: 's' }, fields: [{ type: 'plain_text', text: 'f' }] },
      context: { type: 'context', elements: [{ type: 'mrkdwn', text: 'c' }] },
      actions: { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'b' }, action_id: 'b' }] },
      divider: { type: 'divider' },
    };
    expect(blockHtml(minimal[type], 'blocks[0]')).toMatch(/^<(div|hr) class="block /);
  });

  it.each([
    ['a block type', { type: 'image', image_url: 'https://example.com/x.png', alt_text: 'x' }, /unsupported block type "image"/],
    ['a rich_text block', { type: 'rich_text', elements: [] }, /unsupported block type "rich_text"/],
    ['an element type', { type: 'actions', elements: [{ type: 'static_select', action_id: 'a' }] }, /unsupported element type "static_select"/],
    ['a text type', { type: 'section', text: { type: 'rich', text: 'x' } }, /unsupported text type "rich"/],
    ['a context image', { type: 'context', elements: [{ type: 'image', image_url: 'https://example.com/x.png', alt_text: 'x' }] }, /unsupported text type "image"/],
    ['a section accessory', { type: 'section', text: { type: 'mrkdwn', text: 'x' }, accessory: { type: 'button', text: { type: 'plain_text', text: 'b' }, action_id: 'b' } }, /unsupported "accessory"/],
    ['a button style', { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'b' }, action_id: 'b', style: 'warning' }] }, /unsupported button style "warning"/],
    ['a block without a type', { text: { type: 'mrkdwn', text: 'x' } }, /blocks\[0\]\.type: expected a string/],
  ])('fails loudly on %s it does not know', (_what, block, message) => {
    expect(() => messageHtml({ text: 'fallback', blocks: [block] })).toThrow(UnsupportedBlockError);
    expect(() => messageHtml({ text: 'fallback', blocks: [block] })).toThrow(message);
  });
});

describe('preview: mrkdwn as Slack shows it', () => {
  it.each([
    ['*Who*\nIAMUser', '<b>Who</b><br>IAMUser'],
    ['_pruned: 2 keys left out_', '<i>pruned: 2 keys left out</i>'],
    ['~gone~ and a_b_c', '<s>gone</s> and a_b_c'],
    ['run `lambda:RemovePermission` now', 'run <code>lambda:RemovePermission</code> now'],
    ['```\n{"a": "<b>"}\n```', '<pre>{&quot;a&quot;: &quot;&lt;b&gt;&quot;}</pre>'],
    ['<https://console.aws.amazon.com/lambda?a=1&amp;b=2|orders-api>', '<a href="https://console.aws.amazon.com/lambda?a=1&amp;b=2">orders-api</a>'],
    ['<@U0DANA0001> at 15:04', '<span class="mention">@dana</span> at 15:04'],
    ['5 &lt; 6 &amp;&amp; *x*', '5 &lt; 6 &amp;&amp; <b>x</b>'],
    ['`*not bold*`', '<code>*not bold*</code>'],
  ])('%j', (input, html) => {
    expect(mrkdwnHtml(input, { users: PREVIEW_USERS })).toBe(html);
  });
});

describe('preview: everything is escaped', () => {
  const HOSTILE = '<img src=x onerror=alert(1)>"\'&<script>alert(2)</script>';

  it('escapes an attacker-chosen principal, summary and details through the real message', () => {
    const c = metadataCase(RULES[0]!);
    const finding = {
      ...c.finding,
      summary: `summary ${HOSTILE}`,
      details: { note: HOSTILE, nested: { policy: HOSTILE } },
      actor: { type: 'AssumedRole', accountId: '111122223333', arn: `arn:aws:sts::111122223333:assumed-role/admin/${HOSTILE}`, sourceIPAddress: HOSTILE, userAgent: HOSTILE },
    };
    const message = findingMessage(finding, c.outcome);
    const { body, dialogs } = messageHtml(message);
    const html = [body, ...dialogs].join('');
    onlyOwnMarkup(html);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('escapes plain text, button labels, confirm dialogs, link targets, user names and the page frame', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: HOSTILE } },
      { type: 'section', fields: [{ type: 'mrkdwn', text: `<javascript:alert(1)|click me> <https://example.com/"onmouseover=x|q> <@U1> <!channel>` }] },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: HOSTILE }, action_id: 'a', confirm: { title: { type: 'plain_text', text: HOSTILE }, text: { type: 'plain_text', text: HOSTILE }, confirm: { type: 'plain_text', text: HOSTILE }, deny: { type: 'plain_text', text: HOSTILE } } }] },
    ];
    const html = pageHtml(
      { title: HOSTILE, caption: HOSTILE, channel: HOSTILE, post: { message: { text: HOSTILE, blocks }, time: HOSTILE }, replies: [{ message: { text: escapeMrkdwn(HOSTILE) }, time: '15:00' }], showDialogs: true },
      { users: { U1: HOSTILE } },
    );
    onlyOwnMarkup(html);
    expect(html).not.toContain('javascript:');
    expect(html).toContain('click me');
    expect(html).toContain('href="https://example.com/%22onmouseover=x"');
    expect(html).toContain('@&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain(`<span class="mention">@channel</span>`);
  });

  it('never lets a string out as markup, in plain text or mrkdwn, escaped or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '*', '_', '~', '`', '|', '@', '!', '\n', ' ', 'a', 'h', 't', 'p', 's', ':', '/', 'o', 'n', '=') , maxLength: 60 }), (s) => {
        const blocks = [
          { type: 'header', text: { type: 'plain_text', text: s } },
          { type: 'section', text: { type: 'mrkdwn', text: s }, fields: [{ type: 'mrkdwn', text: escapeMrkdwn(s) }] },
          { type: 'context', elements: [{ type: 'mrkdwn', text: `<${s}|${s}>` }] },
        ];
        onlyOwnMarkup(blocks.map((b, i) => blockHtml(b, `blocks[${String(i)}]`)).join(''));
      }),
      { numRuns: 300 },
    );
  });
});

describe('preview: Chromium', () => {
  it('finds Chromium on PATH or through CHROMIUM, and says how to install it when there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-preview-path-'));
    writeFileSync(join(dir, 'chromium'), '');
    expect(findChromium({ PATH: dir })).toBe(join(dir, 'chromium'));
    expect(findChromium({ PATH: '', CHROMIUM: join(dir, 'chromium') })).toBe(join(dir, 'chromium'));
    expect(findChromium({ PATH: '', CHROMIUM: join(dir, 'missing') })).toBeNull();
    expect(findChromium({ PATH: join(dir, 'nothing-here') })).toBeNull();
    expect(INSTALL_HINT).toContain('apt-get install -y chromium');
  });
});
