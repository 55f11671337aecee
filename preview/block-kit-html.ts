/**
 * A Slack-like HTML rendering of Block Kit messages, for pictures of what people will see (`npm run
 * preview`). A dev tool: no function imports it. Every text is escaped (messages carry principal ARNs,
 * names and policies an attacker chose), and a block, element or text type it does not know is an
 * error, never skipped.
 */
import { WardenError } from '../functions/shared/errors';

/** A block, element, text object or property the renderer does not know how to show. */
export class UnsupportedBlockError extends WardenError {}

/** What the renderer shows, by kind: the test checks that it covers what the notifier emits. */
export const SUPPORTED = {
  blocks: ['header', 'section', 'context', 'actions', 'divider'],
  elements: ['button'],
  texts: ['plain_text', 'mrkdwn'],
} as const;

export interface RenderOptions {
  /** Display names of Slack user ids (`<@U…>` shows `@name`, as Slack resolves it). */
  readonly users?: Readonly<Record<string, string>>;
}

type Json = Readonly<Record<string, unknown>>;

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Slack escapes only these three in mrkdwn. */
function decodeSlackEntities(value: string): string {
  return value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new UnsupportedBlockError(`${where}: expected a string, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  return value;
}

function typeOf(value: unknown, where: string): string {
  if (!isObject(value)) throw new UnsupportedBlockError(`${where}: expected an object`);
  return str(value.type, `${where}.type`);
}

/** Refuses properties that would change what Slack shows and that the renderer would otherwise drop. */
function onlyKeys(value: Json, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new UnsupportedBlockError(`${where}: unsupported ${unknown.map((k) => `"${k}"`).join(', ')}`);
}

/** Only web and mail links become links; anything else (javascript:, data:) is shown as text. */
function safeUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' || parsed.protocol === 'mailto:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Bold, italic and strike-through inside a run of plain text, with Slack's word-boundary rule. */
function styleText(raw: string): string {
  let html = escapeHtml(raw);
  const boundary = `(^|[\\s(\\[{"'.,;:!?\\u2013\\u2014-])`;
  const after = `(?=$|[\\s)\\]}"'.,;:!?\\u2013\\u2014-])`;
  for (const [mark, tag] of [
    ['\\*', 'b'],
    ['_', 'i'],
    ['~', 's'],
  ] as const) {
    html = html.replace(new RegExp(`${boundary}${mark}([^\\s${mark}](?:[^${mark}\\n]*?[^\\s${mark}])?)${mark}${after}`, 'gu'), `$1<${tag}>$2</${tag}>`);
  }
  return html.replace(/\n/g, '<br>');
}

/** One `<…>` token of mrkdwn: a link, a user or channel mention, or a special mention. */
function angle(inner: string, options: RenderOptions): string {
  const [target = '', ...labelParts] = inner.split('|');
  const label = labelParts.join('|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="mention">@${escapeHtml(options.users?.[id] ?? (label === '' ? id : label))}</span>`;
  }
  if (target.startsWith('#')) return `<span class="mention">#${escapeHtml(label === '' ? target.slice(1) : label)}</span>`;
  if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(label === '' ? target.slice(1).split('^')[0] ?? '' : label)}</span>`;
  const url = safeUrl(decodeSlackEntities(target));
  const shown = decodeSlackEntities(label === '' ? target : label);
  return url === null ? escapeHtml(shown) : `<a href="${escapeHtml(url)}">${escapeHtml(shown)}</a>`;
}

/** mrkdwn outside code blocks: inline code and `<…>` tokens are opaque; styles apply to the text between them. */
function inlineMrkdwn(value: string, options: RenderOptions): string {
  let out = '';
  let rest = value;
  const token = /`([^`\n]+)`|<([^<>\n]+)>/;
  for (;;) {
    const m = token.exec(rest);
    if (m === null) return out + styleText(decodeSlackEntities(rest));
    out += styleText(decodeSlackEntities(rest.slice(0, m.index)));
    out += m[1] !== undefined ? `<code>${escapeHtml(decodeSlackEntities(m[1]))}</code>` : angle(m[2] ?? '', options);
    rest = rest.slice(m.index + m[0].length);
  }
}

/** Renders Slack mrkdwn: ``` blocks, `code`, <links|text>, <@user>, *bold*, _italic_, ~strike~, line breaks. */
export function mrkdwnHtml(value: string, options: RenderOptions = {}): string {
  return value
    .split(/```/)
    .map((part, i) => (i % 2 === 1 ? `<pre>${escapeHtml(decodeSlackEntities(part.replace(/^\n/, '').replace(/\n$/, '')))}</pre>` : inlineMrkdwn(part, options)))
    .join('');
}

/** A text object: plain_text shown as is, mrkdwn formatted. */
export function textHtml(value: unknown, where: string, options: RenderOptions = {}): string {
  const type = typeOf(value, where);
  const object = value as Json;
  switch (type) {
    case 'plain_text':
      onlyKeys(object, ['type', 'text', 'emoji'], where);
      return escapeHtml(str(object.text, `${where}.text`)).replace(/\n/g, '<br>');
    case 'mrkdwn':
      onlyKeys(object, ['type', 'text', 'verbatim'], where);
      return mrkdwnHtml(str(object.text, `${where}.text`), options);
    default:
      throw new UnsupportedBlockError(`${where}: unsupported text type "${type}"`);
  }
}

function confirmHtml(value: unknown, where: string): string {
  if (!isObject(value)) throw new UnsupportedBlockError(`${where}: expected an object`);
  onlyKeys(value, ['title', 'text', 'confirm', 'deny', 'style'], where);
  const style = value.style === undefined ? 'primary' : str(value.style, `${where}.style`);
  return [
    `<div class="dialog">`,
    `<div class="dialog-title">${textHtml(value.title, `${where}.title`)}</div>`,
    `<div class="dialog-text">${textHtml(value.text, `${where}.text`)}</div>`,
    `<div class="dialog-buttons"><span class="button">${textHtml(value.deny, `${where}.deny`)}</span><span class="button ${style === 'danger' ? 'danger' : 'primary'}">${textHtml(value.confirm, `${where}.confirm`)}</span></div>`,
    `</div>`,
  ].join('');
}

/** A button; its confirm dialog (if any) goes to `dialogs`, shown under the message. */
function elementHtml(value: unknown, where: string, dialogs: string[]): string {
  const type = typeOf(value, where);
  const element = value as Json;
  switch (type) {
    case 'button': {
      onlyKeys(element, ['type', 'text', 'action_id', 'value', 'style', 'confirm', 'url', 'accessibility_label'], where);
      const style = element.style === undefined ? '' : str(element.style, `${where}.style`);
      if (style !== '' && style !== 'primary' && style !== 'danger') throw new UnsupportedBlockError(`${where}: unsupported button style "${style}"`);
      const label = textHtml(element.text, `${where}.text`);
      if (element.confirm !== undefined) dialogs.push(`<div class="dialog-caption">${label} asks first:</div>${confirmHtml(element.confirm, `${where}.confirm`)}`);
      return `<span class="button${style === '' ? '' : ` ${style}`}">${label}</span>`;
    }
    default:
      throw new UnsupportedBlockError(`${where}: unsupported element type "${type}"`);
  }
}

/** One block as HTML. */
export function blockHtml(value: unknown, where: string, options: RenderOptions = {}, dialogs: string[] = []): string {
  const type = typeOf(value, where);
  const block = value as Json;
  switch (type) {
    case 'header':
      onlyKeys(block, ['type', 'text', 'block_id'], where);
      if (typeOf(block.text, `${where}.text`) !== 'plain_text') throw new UnsupportedBlockError(`${where}.text: a header takes plain_text`);
      return `<div class="block header">${textHtml(block.text, `${where}.text`)}</div>`;
    case 'section': {
      onlyKeys(block, ['type', 'text', 'fields', 'block_id'], where);
      const parts: string[] = [];
      if (block.text !== undefined) parts.push(`<div class="section-text">${textHtml(block.text, `${where}.text`, options)}</div>`);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields)) throw new UnsupportedBlockError(`${where}.fields: expected a list`);
        parts.push(`<div class="fields">${block.fields.map((f: unknown, i) => `<div class="field">${textHtml(f, `${where}.fields[${String(i)}]`, options)}</div>`).join('')}</div>`);
      }
      return `<div class="block section">${parts.join('')}</div>`;
    }
    case 'context': {
      onlyKeys(block, ['type', 'elements', 'block_id'], where);
      if (!Array.isArray(block.elements)) throw new UnsupportedBlockError(`${where}.elements: expected a list`);
      return `<div class="block context">${block.elements.map((e: unknown, i) => `<span>${textHtml(e, `${where}.elements[${String(i)}]`, options)}</span>`).join('')}</div>`;
    }
    case 'actions': {
      onlyKeys(block, ['type', 'elements', 'block_id'], where);
      if (!Array.isArray(block.elements)) throw new UnsupportedBlockError(`${where}.elements: expected a list`);
      return `<div class="block actions">${block.elements.map((e: unknown, i) => elementHtml(e, `${where}.elements[${String(i)}]`, dialogs)).join('')}</div>`;
    }
    case 'divider':
      onlyKeys(block, ['type', 'block_id'], where);
      return '<hr class="block divider">';
    default:
      throw new UnsupportedBlockError(`${where}: unsupported block type "${type}"`);
  }
}

export interface RenderedMessage {
  /** The blocks (or, without blocks, the `text`, as Slack shows it). */
  readonly body: string;
  /** The confirm dialogs of its buttons, in order. */
  readonly dialogs: readonly string[];
}

/** A message as chat.postMessage takes it (`text` and `blocks`) as HTML. */
export function messageHtml(message: { readonly text: string; readonly blocks?: readonly unknown[] }, options: RenderOptions = {}): RenderedMessage {
  const dialogs: string[] = [];
  const blocks = message.blocks ?? [];
  const body = blocks.length === 0 ? `<div class="block section">${mrkdwnHtml(message.text, options)}</div>` : blocks.map((b, i) => blockHtml(b, `blocks[${String(i)}]`, options, dialogs)).join('\n');
  return { body, dialogs };
}

export interface PreviewPost {
  readonly message: { readonly text: string; readonly blocks?: readonly unknown[] };
  /** What the clock shows beside the bot's name, for example `15:00`. */
  readonly time: string;
}

export interface PreviewPage {
  readonly title: string;
  /** One sentence under the title: what happened. */
  readonly caption: string;
  readonly channel: string;
  readonly post: PreviewPost;
  /** Replies in the message's thread, shown open. */
  readonly replies?: readonly PreviewPost[];
  /** Replies counted, not shown (a digest's thread). */
  readonly hiddenReplies?: number;
  /** Show the confirm dialogs of the message's buttons. */
  readonly showDialogs?: boolean;
}

const BOT = 'Lambda Warden';

function postHtml(post: PreviewPost, options: RenderOptions): RenderedMessage & { html: string } {
  const rendered = messageHtml(post.message, options);
  const html = [
    `<div class="message">`,
    `<div class="avatar">LW</div>`,
    `<div class="content">`,
    `<div class="meta"><span class="name">${escapeHtml(BOT)}</span><span class="app">APP</span><span class="time">${escapeHtml(post.time)}</span></div>`,
    rendered.body,
    `</div></div>`,
  ].join('\n');
  return { ...rendered, html };
}

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1d1c1d; font: 15px/1.46668 Lato, "Noto Sans", "DejaVu Sans", "Helvetica Neue", Arial, sans-serif, "Noto Color Emoji"; -webkit-font-smoothing: antialiased; }
.page { width: 760px; padding: 0 0 16px; }
.channel { display: flex; align-items: baseline; gap: 10px; padding: 12px 20px; border-bottom: 1px solid #e2e2e2; }
.channel b { font-size: 18px; font-weight: 900; }
.channel span { color: #616061; font-size: 13px; }
.message { display: flex; gap: 8px; padding: 8px 20px; }
.avatar { flex: 0 0 36px; height: 36px; border-radius: 6px; background: #232f3e; color: #ff9900; font: 900 14px/36px Lato, "Noto Sans", sans-serif; text-align: center; margin-top: 4px; }
.content { flex: 1; min-width: 0; }
.meta { display: flex; align-items: baseline; gap: 6px; }
.name { font-weight: 900; }
.app { background: rgba(29,28,29,.13); color: rgba(29,28,29,.7); font-size: 10px; font-weight: 700; padding: 0 3px; border-radius: 2px; line-height: 16px; }
.time { color: #616061; font-size: 12px; }
.block { margin: 4px 0; overflow-wrap: anywhere; }
.header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 6px 0 8px; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin: 4px 0; }
.context { color: #616061; font-size: 13px; line-height: 1.38; }
.context span + span { margin-left: 8px; }
.divider { border: 0; border-top: 1px solid #e2e2e2; margin: 12px 0; }
code { font: 12px/1.5 Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; color: #e01e5a; background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 3px; padding: 1px 3px; overflow-wrap: anywhere; }
pre { font: 12px/1.5 Monaco, Menlo, Consolas, "DejaVu Sans Mono", monospace; background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
a { color: #1264a3; text-decoration: none; }
.mention { color: #1264a3; background: rgba(29,155,209,.1); border-radius: 3px; padding: 0 2px; font-weight: 700; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 4px; }
.button { display: inline-flex; align-items: center; height: 28px; padding: 0 12px; border: 1px solid rgba(29,28,29,.3); border-radius: 4px; font-size: 13px; font-weight: 700; background: #fff; color: #1d1c1d; white-space: nowrap; }
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.button.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.thread { margin: 4px 20px 0 64px; border-left: 2px solid #e2e2e2; }
.thread .message { padding-left: 12px; }
.replies { margin: 0 20px 0 64px; color: #1264a3; font-size: 13px; font-weight: 700; }
.caption { padding: 12px 20px 0; color: #616061; font-size: 13px; }
.dialogs { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 20px 0 64px; }
.dialog-caption { color: #616061; font-size: 12px; margin-bottom: 4px; }
.dialog { width: 300px; border: 1px solid #e2e2e2; border-radius: 8px; box-shadow: 0 4px 12px rgba(0,0,0,.12); padding: 14px 16px; }
.dialog-title { font-size: 17px; font-weight: 900; margin-bottom: 6px; }
.dialog-text { font-size: 14px; overflow-wrap: anywhere; }
.dialog-buttons { display: flex; justify-content: flex-end; gap: 8px; margin-top: 12px; }
`;

/** A whole page: the channel, the message (with its thread and confirm dialogs), ready for a screenshot. */
export function pageHtml(page: PreviewPage, options: RenderOptions = {}): string {
  const main = postHtml(page.post, options);
  const replies = (page.replies ?? []).map((r) => postHtml(r, options));
  const dialogs = page.showDialogs === true ? [main, ...replies].flatMap((r) => r.dialogs) : [];
  const count = replies.length + (page.hiddenReplies ?? 0);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(page.title)}</title><style>${STYLE}</style></head>`,
    '<body><div class="page">',
    `<div class="channel"><b>#${escapeHtml(page.channel)}</b><span>${escapeHtml(page.title)}</span></div>`,
    `<div class="caption">${escapeHtml(page.caption)}</div>`,
    main.html,
    dialogs.length === 0 ? '' : `<div class="dialogs">${dialogs.map((d) => `<div>${d}</div>`).join('')}</div>`,
    count === 0 ? '' : `<div class="replies">${String(count)} ${count === 1 ? 'reply' : 'replies'}</div>`,
    replies.length === 0 ? '' : `<div class="thread">${replies.map((r) => r.html).join('\n')}</div>`,
    '</div></body></html>',
    '',
  ].join('\n');
}
