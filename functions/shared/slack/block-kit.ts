/**
 * Block Kit rendering of Warden's messages (findings with their buttons, follow-ups, digests,
 * alerts), within Slack's limits: every text is fitted, JSON is pruned, never cut.
 */
import type { ActionsBlock, Button, ConfirmationDialog, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { BUTTON_ACTIONS, DECISION_EXEMPTION_DAYS, quarantineOffered } from '../contract/decision';
import type { Finding } from '../contract/finding';
import type { ExecutionOutcome } from '../contract/outcome';
import type { Line, MessageContent } from './message-content';
import { fitJson, fitText, SLACK_LIMITS } from './slack-limits';

/** A message as chat.postMessage / chat.update take it: always `text` and `blocks`. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

/** `block_id` of the buttons' block on a finding's message. */
export const FINDING_ACTIONS_BLOCK_ID = 'warden:actions';

/** Escapes Slack's three control characters in mrkdwn. */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code cannot contain a backquote in Slack: it is shown as a prime. */
function codeSpan(value: string): string {
  return `\`${escapeMrkdwn(value.replace(/`/g, 'ʹ').replace(/\n/g, ' '))}\``;
}

export function mrkdwnLine(line: Line): string {
  return line
    .map((part) => {
      switch (part.kind) {
        case 'text':
          return part.bold === true && part.text.trim() !== '' ? `*${escapeMrkdwn(part.text.trim())}*${part.text.endsWith(' ') ? ' ' : ''}` : escapeMrkdwn(part.text);
        case 'code':
          return codeSpan(part.text);
        case 'link':
          return `<${part.url.replace(/[|>]/g, (c) => encodeURIComponent(c))}|${escapeMrkdwn(part.text).replace(/\|/g, '¦')}>`;
        case 'user':
          return `<@${part.userId.replace(/[^A-Z0-9]/gi, '')}>`;
      }
    })
    .join('');
}

function section(mrkdwn: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: fitText(mrkdwn, SLACK_LIMITS.sectionText) } };
}

function context(mrkdwn: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: fitText(mrkdwn, SLACK_LIMITS.contextText) }] };
}

function header(value: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: fitText(value, SLACK_LIMITS.header), emoji: true } };
}

const FENCE_OVERHEAD = '```\n\n```'.length;

/** A JSON value as a code block that fits a section, and a note when something was left out. */
export function jsonBlocks(value: unknown): KnownBlock[] {
  // Escaping can lengthen the text: fit the JSON to what is left after the worst case.
  let budget = SLACK_LIMITS.sectionText - FENCE_OVERHEAD;
  for (;;) {
    const fitted = fitJson(value, budget);
    const body = escapeMrkdwn(fitted.json.replace(/```/g, '`\u200b``'));
    if (body.length + FENCE_OVERHEAD <= SLACK_LIMITS.sectionText) {
      const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`\n${body}\n\`\`\`` } }];
      if (fitted.note !== null) blocks.push(context(`_${escapeMrkdwn(fitted.note)}_`));
      return blocks;
    }
    budget = Math.floor(budget * 0.8);
  }
}

function confirm(title: string, body: string, yes: string): ConfirmationDialog {
  return {
    title: { type: 'plain_text', text: fitText(title, SLACK_LIMITS.confirmTitle) },
    text: { type: 'plain_text', text: fitText(body, SLACK_LIMITS.confirmText) },
    confirm: { type: 'plain_text', text: fitText(yes, SLACK_LIMITS.confirmButton) },
    deny: { type: 'plain_text', text: 'Cancel' },
    style: 'danger',
  };
}

function button(label: string, actionId: string, recordId: string, options: { style?: 'primary' | 'danger'; confirm?: ConfirmationDialog } = {}): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: fitText(label, SLACK_LIMITS.buttonText), emoji: true },
    action_id: actionId,
    value: recordId.slice(0, SLACK_LIMITS.buttonValue),
    ...(options.style === undefined ? {} : { style: options.style }),
    ...(options.confirm === undefined ? {} : { confirm: options.confirm }),
  };
}

/**
 * The buttons of a finding's message: Approve / Quarantine (functions only) / Reject / Reject and
 * exempt for a pending approval; Restore after an automatic revert. Each carries only the record
 * id in `value`; dangerous ones ask for confirmation. Null when there is nothing to decide.
 */
export function findingButtons(finding: Finding, outcome: ExecutionOutcome): ActionsBlock | null {
  const call = outcome.plan?.call ?? 'the planned fix';
  const where = `${finding.resource} (account ${finding.account}, ${finding.region})`;
  const elements: Button[] = [];
  if (outcome.status === 'pending-approval' && outcome.approval !== undefined) {
    const id = outcome.approval.id;
    elements.push(button('Approve', BUTTON_ACTIONS.approve, id, { style: 'primary', confirm: confirm('Run the fix?', `Runs ${call} on ${where}.`, 'Run it') }));
    if (quarantineOffered(finding)) {
      elements.push(
        button('Quarantine', BUTTON_ACTIONS.quarantine, id, {
          style: 'danger',
          confirm: confirm('Quarantine the function?', `Sets the reserved concurrency of ${finding.resource} to 0: the function stops running until someone restores it.`, 'Quarantine'),
        }),
      );
    }
    elements.push(button('Reject (keep the change)', BUTTON_ACTIONS.reject, id));
    elements.push(
      button(`Reject and exempt for ${String(DECISION_EXEMPTION_DAYS)} days`, BUTTON_ACTIONS.rejectAndExempt, id, {
        confirm: confirm('Keep the change and exempt it?', `Keeps the change and exempts ${finding.resource} from ${finding.ruleId} for ${String(DECISION_EXEMPTION_DAYS)} days: the bot will not report or fix it again until then.`, 'Exempt'),
      }),
    );
  }
  if (outcome.restore !== undefined) {
    elements.push(
      button('Restore', BUTTON_ACTIONS.restore, outcome.restore.id, {
        style: 'danger',
        confirm: confirm('Put the change back?', `Restores the reverted change on ${where} from its snapshot and exempts it from ${finding.ruleId} for ${String(DECISION_EXEMPTION_DAYS)} days.`, 'Restore'),
      }),
    );
  }
  return elements.length === 0 ? null : { type: 'actions', block_id: FINDING_ACTIONS_BLOCK_ID, elements };
}

/** Renders content as blocks; `actions` (the buttons) go last. At most 50 blocks. */
export function contentBlocks(content: MessageContent, actions: ActionsBlock | null = null): SlackMessage {
  const blocks: KnownBlock[] = [header(content.header)];
  blocks.push({
    type: 'section',
    fields: content.fields.slice(0, SLACK_LIMITS.fields).map((f) => ({ type: 'mrkdwn', text: fitText(`*${escapeMrkdwn(f.label)}*\n${mrkdwnLine(f.line)}`, SLACK_LIMITS.fieldText) })),
  });
  for (const s of content.sections) {
    blocks.push(section(`*${escapeMrkdwn(s.label)}*\n${s.lines.map(mrkdwnLine).join('\n')}`));
    if (s.json !== undefined) blocks.push(...jsonBlocks(s.json));
  }
  blocks.push(context(mrkdwnLine(content.footer)));
  const reserved = actions === null ? 0 : 1;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - reserved);
  if (actions !== null) kept.push(actions);
  // `text` is mrkdwn too (notifications, fallbacks): escaped like the blocks, so no `<!channel>` gets through.
  return { text: fitText(escapeMrkdwn(content.summary), SLACK_LIMITS.messageText), blocks: kept };
}

/** A short message (thread replies, digests, alerts): the title and each line in its own section, so one long line cannot push out the others. */
export function simpleMessage(title: string, lines: readonly Line[], fallback: string): SlackMessage {
  const [first, ...rest] = lines;
  return {
    text: fitText(escapeMrkdwn(fallback), SLACK_LIMITS.messageText),
    blocks: [section(`*${escapeMrkdwn(title)}*${first === undefined ? '' : `\n${mrkdwnLine(first)}`}`), ...rest.slice(0, SLACK_LIMITS.blocks - 1).map((line) => section(mrkdwnLine(line)))],
  };
}
