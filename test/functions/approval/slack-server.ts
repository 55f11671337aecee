/**
 * A local stand-in for Slack: answers `usergroups.users.list` (the real WebClient posts to
 * `slackApiUrl + method`) and records what is posted to `response_url`s.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

export interface LocalSlack {
  /** `slackApiUrl` for the WebClient (ends with `/api/`). */
  readonly apiUrl: string;
  /** Origin of the `response_url`s handed out by `responseUrl()`. */
  readonly origin: string;
  readonly calls: SlackCall[];
  /** A fresh `response_url` on this server. */
  responseUrl(): string;
  /** JSON bodies posted to `response_url`s. */
  replies(): { url: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startLocalSlack(groups: Readonly<Record<string, readonly string[]>>): Promise<LocalSlack> {
  const calls: SlackCall[] = [];
  let replyCount = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '';
      calls.push({ path, authorization: request.headers.authorization, body });
      response.setHeader('content-type', 'application/json');
      if (path === '/api/usergroups.users.list') {
        const group = new URLSearchParams(body).get('usergroup') ?? '';
        const users = groups[group];
        response.end(JSON.stringify(users === undefined ? { ok: false, error: 'no_such_subteam' } : { ok: true, users }));
        return;
      }
      if (path.startsWith('/response/')) {
        response.end('ok');
        return;
      }
      response.statusCode = 404;
      response.end(JSON.stringify({ ok: false, error: 'unknown_method' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${String(port)}`;
  return {
    apiUrl: `${origin}/api/`,
    origin,
    calls,
    responseUrl: () => `${origin}/response/${String(++replyCount)}`,
    replies: () => calls.filter((c) => c.path.startsWith('/response/')).map((c) => ({ url: c.path, body: JSON.parse(c.body) as Record<string, unknown> })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => {
          if (e === undefined) resolve();
          else reject(e);
        });
      }),
  };
}
