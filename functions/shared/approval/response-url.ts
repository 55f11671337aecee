/**
 * Ephemeral replies to the clicking user through the interaction's `response_url` (Slack allows
 * 5 posts in 30 minutes); only Slack's own hooks host is called, with a short timeout.
 */
import { WardenError } from '../errors';

/** Posting the reply failed; the decision (if any) stands. */
export class ReplyError extends WardenError {}

export interface ReplierOptions {
  /** Origins a `response_url` may point to (default Slack's `https://hooks.slack.com`). */
  readonly allowedOrigins?: readonly string[];
  readonly timeoutMs?: number;
}

/**
 * @example
 * await new ResponseUrlReplier().ephemeral(interaction.responseUrl, 'You are not one of the approvers.');
 */
export class ResponseUrlReplier {
  private readonly origins: readonly string[];

  constructor(private readonly options: ReplierOptions = {}) {
    this.origins = options.allowedOrigins ?? ['https://hooks.slack.com'];
  }

  /** @throws ReplyError for a URL outside the allowed origins or a failed post. */
  async ephemeral(responseUrl: string, text: string): Promise<void> {
    const url = new URL(responseUrl);
    if (!this.origins.includes(url.origin)) throw new ReplyError(`response_url origin ${url.origin} is not allowed`);
    let status: number;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 1500),
      });
      status = response.status;
    } catch (e: unknown) {
      throw new ReplyError(`Posting to response_url failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
    if (status >= 300) throw new ReplyError(`Posting to response_url failed: HTTP ${String(status)}`);
  }
}
