/** Checks a Block Kit message against Slack's documented limits; returns every violation (empty when it fits). */
import type { KnownBlock } from '@slack/types';
import { SLACK_LIMITS } from '../../../../functions/shared/slack/slack-limits';

interface Message {
  readonly text: string;
  readonly blocks: readonly KnownBlock[];
}

export function limitViolations(message: Message): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  check(message.text.length > 0, 'text is empty');
  check(message.blocks.length > 0 && message.blocks.length <= SLACK_LIMITS.blocks, `${String(message.blocks.length)} blocks`);
  for (const [i, block] of message.blocks.entries()) {
    const at = `block ${String(i)} (${block.type})`;
    if (block.block_id !== undefined) check(block.block_id.length <= SLACK_LIMITS.blockId, `${at} block_id`);
    switch (block.type) {
      case 'header':
        check(block.text.text.length <= SLACK_LIMITS.header && block.text.text.length > 0, `${at} header length ${String(block.text.text.length)}`);
        break;
      case 'section':
        if (block.text !== undefined) check(block.text.text.length <= SLACK_LIMITS.sectionText && block.text.text.length > 0, `${at} text length ${String(block.text.text.length)}`);
        if (block.fields !== undefined) {
          check(block.fields.length <= SLACK_LIMITS.fields, `${at} ${String(block.fields.length)} fields`);
          for (const f of block.fields) check(f.text.length <= SLACK_LIMITS.fieldText, `${at} field length ${String(f.text.length)}`);
        }
        check(block.text !== undefined || block.fields !== undefined, `${at} has neither text nor fields`);
        break;
      case 'context':
        check(block.elements.length <= SLACK_LIMITS.contextElements, `${at} elements`);
        for (const e of block.elements) if (e.type === 'mrkdwn' || e.type === 'plain_text') check(e.text.length <= SLACK_LIMITS.contextText, `${at} element length`);
        break;
      case 'actions':
        for (const e of block.elements) {
          if (e.type !== 'button') continue;
          check(e.text.text.length <= SLACK_LIMITS.buttonText, `${at} button text`);
          check((e.value ?? '').length <= SLACK_LIMITS.buttonValue, `${at} button value`);
          check((e.action_id ?? '').length <= SLACK_LIMITS.actionId, `${at} action_id`);
          if (e.confirm !== undefined) {
            check((e.confirm.title?.text.length ?? 0) <= SLACK_LIMITS.confirmTitle, `${at} confirm title`);
            check(e.confirm.text.text.length <= SLACK_LIMITS.confirmText, `${at} confirm text`);
          }
        }
        break;
      case 'alert':
      case 'card':
      case 'carousel':
      case 'container':
      case 'context_actions':
      case 'data_table':
      case 'divider':
      case 'file':
      case 'image':
      case 'input':
      case 'markdown':
      case 'plan':
      case 'rich_text':
      case 'table':
      case 'task_card':
      case 'video':
        problems.push(`${at}: a block type Warden does not use`);
    }
  }
  return problems;
}

/** The JSON shown in the message's code blocks, parsed (throws when one does not parse). */
export function jsonShown(message: Message): unknown[] {
  return message.blocks.flatMap((b) => {
    if (b.type !== 'section' || b.text === undefined) return [];
    const m = /^```\n([\s\S]*)\n```$/.exec(b.text.text);
    if (m === null) return [];
    const unescaped = (m[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/`\u200b``/g, '```');
    return [JSON.parse(unescaped) as unknown];
  });
}

/** All the text of a message (text, every block's text, fields, button labels and confirm texts), for content assertions. */
export function allText(message: Message): string {
  const parts: string[] = [message.text];
  for (const b of message.blocks) {
    if (b.type === 'header') parts.push(b.text.text);
    if (b.type === 'section') parts.push(b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text));
    if (b.type === 'context') for (const e of b.elements) if (e.type === 'mrkdwn' || e.type === 'plain_text') parts.push(e.text);
    if (b.type === 'actions') for (const e of b.elements) if (e.type === 'button') parts.push(e.text.text, e.confirm?.text.text ?? '');
  }
  return parts.join('\n');
}
