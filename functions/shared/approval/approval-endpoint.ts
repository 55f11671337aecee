/**
 * The approval endpoint's core, behind API Gateway (HTTP API, payload 2.0): verify Slack's signature
 * on the raw bytes before reading anything else (401), parse the click (400), decide (200 at once;
 * the plan runs in the responder on the "Warden Decision" event).
 */
import * as z from 'zod';
import type { Telemetry } from '../observability';
import { verifySlackSignature } from '../slack/signature';
import type { ApprovalService } from './approval-service';
import { InvalidInteractionError, parseInteraction } from './interaction';
import type { ResponseUrlReplier } from './response-url';

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const RequestSchema = z.looseObject({
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().default(''),
  isBase64Encoded: z.boolean().default(false),
});

const respond = (statusCode: number, body = ''): HttpResponse => ({ statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });

export interface ApprovalEndpointOptions {
  /** The Slack signing secret (Secrets Manager, cached). */
  readonly signingSecret: () => Promise<string>;
  readonly service: ApprovalService;
  readonly replier: Pick<ResponseUrlReplier, 'ephemeral'>;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
}

/**
 * @example
 * const endpoint = new ApprovalEndpoint({ signingSecret, service, replier, telemetry });
 * return endpoint.handle(apiGatewayEvent); // { statusCode: 200 | 400 | 401, … }
 */
export class ApprovalEndpoint {
  private readonly now: () => Date;

  constructor(private readonly options: ApprovalEndpointOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async handle(event: unknown): Promise<HttpResponse> {
    const { telemetry } = this.options;
    const request = RequestSchema.safeParse(event);
    if (!request.success) {
      telemetry.warn('approval request refused: not an HTTP API request', { fields: request.error.issues.map((i) => i.path.join('.')) });
      return respond(400, 'bad request');
    }
    const raw = request.data.isBase64Encoded ? Buffer.from(request.data.body, 'base64') : Buffer.from(request.data.body, 'utf8');
    const verdict = verifySlackSignature({ secret: await this.options.signingSecret(), headers: request.data.headers, body: raw, now: this.now() });
    if (!verdict.ok) {
      telemetry.warn('approval request refused: bad Slack signature', { reason: verdict.reason });
      return respond(401, 'invalid signature');
    }
    let interaction;
    try {
      interaction = parseInteraction(raw.toString('utf8'));
    } catch (e: unknown) {
      if (!(e instanceof InvalidInteractionError)) throw e;
      telemetry.warn('approval request refused: not a Lambda Warden button click', { fields: e.fields });
      return respond(400, 'bad request');
    }
    const result = await this.options.service.click(interaction);
    if (result.reply !== null) {
      try {
        await this.options.replier.ephemeral(interaction.responseUrl, result.reply);
      } catch (e: unknown) {
        telemetry.warn('ephemeral reply not posted', { recordId: interaction.recordId, outcome: result.outcome, error: e instanceof Error ? e.message : 'unknown error' });
      }
    }
    return respond(200);
  }
}
