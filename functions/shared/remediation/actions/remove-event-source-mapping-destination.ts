/**
 * Removes the `OnFailure` destination of one event-source mapping of a function (where it sends the records it
 * discards), keeping the mapping and its other settings.
 */
import { UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { defineAction, failedOutcome, formatCall, type ActionClients } from '../action';
import { MAPPING_PERMISSIONS, MappingParams, readOwnMapping } from '../event-source-mapping-access';

const Params = MappingParams.extend({
  /** The destination judged foreign: when another one is set by now, nothing is changed. */
  targetArn: z.string().startsWith('arn:'),
});
type Params = z.infer<typeof Params>;

async function removed(clients: ActionClients, params: Params): Promise<boolean> {
  const mapping = await readOwnMapping(clients, params);
  return mapping?.DestinationConfig?.OnFailure?.Destination !== params.targetArn;
}

export const removeEventSourceMappingDestination = defineAction<Params>({
  name: 'remove-event-source-mapping-destination',
  permissions: [...MAPPING_PERMISSIONS],
  paramsSchema: Params,
  describe: (p) => formatCall('lambda:UpdateEventSourceMapping', { UUID: p.uuid, DestinationConfig: `OnFailure without ${p.targetArn}` }),
  async execute(clients, params) {
    try {
      const before = await readOwnMapping(clients, params);
      if (before === null) return { status: 'already-compliant', detail: `event-source mapping ${params.uuid} no longer exists` };
      if (before.DestinationConfig?.OnFailure?.Destination !== params.targetArn) return { status: 'already-compliant', detail: `the OnFailure destination of ${params.uuid} is no longer ${params.targetArn}` };
      // An OnFailure without a destination clears it; the other settings of the mapping are not sent, so they stay.
      await clients.lambda.send(new UpdateEventSourceMappingCommand({ UUID: params.uuid, DestinationConfig: { OnFailure: {} } }));
      const verified = await this.verify(clients, params);
      return { status: 'remediated', verified, detail: `removed the OnFailure destination ${params.targetArn} of event-source mapping ${params.uuid}` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  verify: removed,
});
