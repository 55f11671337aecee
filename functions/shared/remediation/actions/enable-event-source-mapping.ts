/**
 * Resumes an event-source mapping `disable-event-source-mapping` paused ("Restore" after an automatic revert):
 * only while it still reads from the source that was judged, and only a mapping of the plan's function.
 */
import { UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { defineAction, failedOutcome, formatCall, type ActionClients } from '../action';
import { MAPPING_PERMISSIONS, readOwnMapping } from '../event-source-mapping-access';
import { EventSourceParams } from './disable-event-source-mapping';

async function delivering(clients: ActionClients, params: EventSourceParams): Promise<boolean> {
  const mapping = await readOwnMapping(clients, params);
  return mapping?.EventSourceArn === params.eventSourceArn && (mapping.State === 'Enabled' || mapping.State === 'Enabling');
}

export const enableEventSourceMapping = defineAction<EventSourceParams>({
  name: 'enable-event-source-mapping',
  permissions: [...MAPPING_PERMISSIONS],
  paramsSchema: EventSourceParams,
  describe: (p) => formatCall('lambda:UpdateEventSourceMapping', { UUID: p.uuid, Enabled: true }),
  async execute(clients, params) {
    try {
      const before = await readOwnMapping(clients, params);
      if (before === null) return failedOutcome(new Error(`event-source mapping ${params.uuid} no longer exists: there is nothing to enable`));
      if (before.EventSourceArn !== params.eventSourceArn) return failedOutcome(new Error(`event-source mapping ${params.uuid} reads from ${String(before.EventSourceArn)} now, not ${params.eventSourceArn}: it is left as it is`));
      if (before.State === 'Enabled' || before.State === 'Enabling') return { status: 'already-compliant', detail: `event-source mapping ${params.uuid} is already enabled` };
      await clients.lambda.send(new UpdateEventSourceMappingCommand({ UUID: params.uuid, Enabled: true }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `enabled event-source mapping ${params.uuid} again (records from ${params.eventSourceArn})` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  verify: delivering,
});
