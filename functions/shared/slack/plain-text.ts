/**
 * The plain-text form of a message's content: the same facts as the Slack message, for the SNS
 * topic (e-mail, paging) and `warden simulate`. JSON is fitted the same way, with a larger budget.
 */
import type { Line, MessageContent } from './message-content';
import { fitJson } from './slack-limits';

/** JSON blocks in plain text are kept under this many characters (SNS allows 256 KB in all). */
const PLAIN_JSON_MAX = 20_000;

export function plainLine(line: Line): string {
  return line
    .map((part) => {
      switch (part.kind) {
        case 'text':
          return part.text;
        case 'code':
          return part.text;
        case 'link':
          return `${part.text} <${part.url}>`;
        case 'user':
          return part.name === undefined ? `<@${part.userId}>` : `@${part.name} (${part.userId})`;
      }
    })
    .join('');
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : `${by}${l}`))
    .join('\n');
}

/** The content as indented plain text (`indentBy` before every line). */
export function contentText(content: MessageContent, indentBy = ''): string {
  const out: string[] = [content.header];
  out.push(content.fields.map((f) => `${f.label}: ${plainLine(f.line)}`).join(' · '));
  for (const s of content.sections) {
    out.push(`${s.label}:`);
    for (const line of s.lines) out.push(indent(plainLine(line), '  '));
    if (s.json !== undefined) {
      const fitted = fitJson(s.json, PLAIN_JSON_MAX);
      out.push(indent(fitted.json, '  '));
      if (fitted.note !== null) out.push(`  (${fitted.note})`);
    }
  }
  out.push(plainLine(content.footer));
  return indent(out.join('\n'), indentBy);
}
