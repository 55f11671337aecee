/** Turns CloudTrail logging back on for a trail (in its home region, in the account that owns it). */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import * as z from 'zod';
import { lazySchema } from '../../lazy-schema';
import { loadCloudTrail } from '../../aws/sdk-module';
import { defineAction, formatCall, isNotFound, type ActionClients } from '../action';

const Params = lazySchema(() => z.strictObject({
  trailArn: z.string().regex(/^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[\w.-]+$/, 'must be a trail ARN'),
  /**
   * The logging status the finding was judged on. With it StartLogging goes out without reading
   * first: it is idempotent and only ever turns logging on. Absent in older plans.
   */
  judgedStatus: z.literal('not-logging').optional(),
}));
type Params = z.infer<typeof Params>;

/** The CloudTrail client, created (and the CloudTrail SDK loaded) on first use. */
async function cloudtrailOf(clients: ActionClients): Promise<CloudTrailClient> {
  if (clients.cloudtrail === undefined) throw new Error('start-trail-logging needs a CloudTrail client');
  return clients.cloudtrail();
}

function isTrailGone(e: unknown): boolean {
  return isNotFound(e) || (e instanceof Error && e.name === 'TrailNotFoundException');
}

/** null when the trail no longer exists. */
async function isLogging(clients: ActionClients, params: Params): Promise<boolean | null> {
  try {
    const [cloudtrail, { GetTrailStatusCommand }] = await Promise.all([cloudtrailOf(clients), loadCloudTrail()]);
    return (await cloudtrail.send(new GetTrailStatusCommand({ Name: params.trailArn }))).IsLogging ?? false;
  } catch (e: unknown) {
    if (isTrailGone(e)) return null;
    throw e;
  }
}

export const startTrailLogging = defineAction<Params>({
  name: 'start-trail-logging',
  permissions: ['cloudtrail:GetTrailStatus', 'cloudtrail:StartLogging'],
  paramsSchema: Params,
  describe: (p) => formatCall('cloudtrail:StartLogging', { Name: p.trailArn }),
  async execute(clients, params) {
    try {
      if (params.judgedStatus === undefined) {
        const before = await isLogging(clients, params);
        if (before !== false) return { status: 'already-compliant', detail: before === null ? 'the trail no longer exists' : 'the trail is logging again' };
      }
      try {
        const [cloudtrail, { StartLoggingCommand }] = await Promise.all([cloudtrailOf(clients), loadCloudTrail()]);
        await cloudtrail.send(new StartLoggingCommand({ Name: params.trailArn }));
      } catch (e: unknown) {
        if (isTrailGone(e)) return { status: 'already-compliant', detail: 'the trail no longer exists' };
        throw e;
      }
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: 'trail logging started' };
    } catch (e: unknown) {
      return { status: 'failed', detail: e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error', error: e };
    }
  },
  async verify(clients, params) {
    return (await isLogging(clients, params)) === true;
  },
});
