/**
 * A Slack button click (`block_actions`), parsed at the edge with zod from the verified form body
 * `payload=<JSON>`. Only the fields the approval flow needs are kept; the button value is an opaque
 * record id and nothing else.
 */
import * as z from 'zod';
import { WardenError } from '../errors';
import { BUTTON_ACTIONS, type ButtonAction } from '../contract/decision';

/** The request body is not a Slack interaction the approval endpoint handles. */
export class InvalidInteractionError extends WardenError {
  constructor(
    message: string,
    /** Dotted paths of the fields that were missing or wrong. */
    readonly fields: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Interaction {
  readonly userId: string;
  readonly userName?: string;
  readonly action: ButtonAction;
  /** The approval or restore record id the button carries. */
  readonly recordId: string;
  readonly responseUrl: string;
  /** The message the button is on, when Slack says. */
  readonly message?: { readonly channel: string; readonly ts: string };
}

export const RECORD_ID_PATTERN = /^w[ar]-[0-9a-f]{24}$/;

const PayloadSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({
    id: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id'),
    username: z.string().max(256).optional(),
    name: z.string().max(256).optional(),
  }),
  actions: z
    .array(
      z.looseObject({
        action_id: z.enum(Object.values(BUTTON_ACTIONS) as [ButtonAction, ...ButtonAction[]]),
        value: z.string().regex(RECORD_ID_PATTERN, 'must be a Lambda Warden record id'),
      }),
    )
    .min(1),
  response_url: z.url({ protocol: /^https?$/ }),
  container: z.looseObject({ message_ts: z.string().optional() }).optional(),
  channel: z.looseObject({ id: z.string() }).optional(),
});

/**
 * Parses the form body Slack posts for a click (call it only after the signature verified).
 * @throws InvalidInteractionError naming the offending fields.
 */
export function parseInteraction(body: string): Interaction {
  const payloads = new URLSearchParams(body).getAll('payload');
  const [text] = payloads;
  if (payloads.length !== 1 || text === undefined) throw new InvalidInteractionError('The body must carry exactly one payload field', ['payload']);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e: unknown) {
    throw new InvalidInteractionError('The payload is not JSON', ['payload'], { cause: e });
  }
  const parsed = PayloadSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(top level)');
    throw new InvalidInteractionError(`Invalid Slack interaction: ${fields.join(', ')}`, fields, { cause: parsed.error });
  }
  const { user, actions, response_url: responseUrl, container, channel } = parsed.data;
  const [action] = actions;
  if (action === undefined) throw new InvalidInteractionError('No action in the interaction', ['actions']);
  const userName = user.username ?? user.name;
  const ts = container?.message_ts;
  return {
    userId: user.id,
    ...(userName === undefined ? {} : { userName }),
    action: action.action_id,
    recordId: action.value,
    responseUrl,
    ...(channel === undefined || ts === undefined ? {} : { message: { channel: channel.id, ts } }),
  };
}
