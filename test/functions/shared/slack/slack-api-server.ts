/**
 * A local stand-in for Slack's Web API on 127.0.0.1: records every call (method, parsed body,
 * authorization header) and answers `ok` with a fresh `ts`, or what a test scripts for a method.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  readonly method: string;
  readonly body: Record<string, unknown>;
  /** The raw request body, exactly as sent. */
  readonly raw: string;
  readonly authorization: string | undefined;
}

export interface ScriptedAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

export interface SlackApiServer {
  /** `http://127.0.0.1:<port>/api/` — pass as `slackApiUrl`. */
  readonly url: string;
  readonly calls: RecordedCall[];
  /** The next answers for a method (then `ok` again). */
  script(method: string, ...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json') === true) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = /^[[{]/.test(value) ? (JSON.parse(value) as unknown) : value;
  }
  return out;
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSlackApiServer(): Promise<SlackApiServer> {
  const calls: RecordedCall[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  let seq = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await read(req);
      const method = (req.url ?? '').replace(/^\/api\//, '');
      const body = parseBody(raw, req.headers['content-type']);
      calls.push({ method, body, raw, authorization: req.headers.authorization });
      const scripted = scripts.get(method)?.shift();
      if (scripted !== undefined) {
        res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
        res.end(JSON.stringify(scripted.body));
        return;
      }
      seq += 1;
      const ts = method === 'chat.update' ? String(body.ts) : `1700000000.${String(seq).padStart(6, '0')}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, channel: body.channel, ts }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/api/`,
    calls,
    script: (method, ...answers) => scripts.set(method, [...(scripts.get(method) ?? []), ...answers]),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => {
          if (e) reject(e);
          else resolve();
        });
      }),
  };
}
