/**
 * Pauses one event-source mapping of a function (`Enabled: false`) that reads from a source outside the
 * organization: the mapping, its settings and its position in the source stay; `enable-event-source-mapping`
 * (Slack's "Restore") resumes it.
 */
import { UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { defineAction, failedOutcome, formatCall, type ActionClients } from '../action';
import { isPaused, MAPPING_PERMISSIONS, MappingParams, readOwnMapping } from '../event-source-mapping-access';

export const EventSourceParams = MappingParams.extend({
  /** The source judged foreign: a mapping reading from another source by now is left alone. */
  eventSourceArn: z.string().startsWith('arn:'),
});
export type EventSourceParams = z.infer<typeof EventSourceParams>;

async function paused(clients: ActionClients, params: EventSourceParams): Promise<boolean> {
  const mapping = await readOwnMapping(clients, params);
  return mapping === null || mapping.EventSourceArn !== params.eventSourceArn || isPaused(mapping.State);
}

export const disableEventSourceMapping = defineAction<EventSourceParams>({
  name: 'disable-event-source-mapping',
  permissions: [...MAPPING_PERMISSIONS],
  paramsSchema: EventSourceParams,
  describe: (p) => formatCall('lambda:UpdateEventSourceMapping', { UUID: p.uuid, Enabled: false }),
  async execute(clients, params) {
    try {
      const before = await readOwnMapping(clients, params);
      if (before === null) return { status: 'already-compliant', detail: `event-source mapping ${params.uuid} no longer exists` };
      if (before.EventSourceArn !== params.eventSourceArn) return { status: 'already-compliant', detail: `event-source mapping ${params.uuid} no longer reads from ${params.eventSourceArn}` };
      if (isPaused(before.State)) return { status: 'already-compliant', detail: `event-source mapping ${params.uuid} is already disabled` };
      await clients.lambda.send(new UpdateEventSourceMappingCommand({ UUID: params.uuid, Enabled: false }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `disabled event-source mapping ${params.uuid} (records from ${params.eventSourceArn}); Restore enables it again` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  verify: paused,
});
