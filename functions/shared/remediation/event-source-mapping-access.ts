/**
 * What the event-source mapping actions (issue #17) share: their parameters and one read of the mapping that
 * checks it still belongs to the function the finding is about, so a plan can only act on that function's
 * mappings whatever UUID it carries.
 */
import { GetEventSourceMappingCommand, type GetEventSourceMappingCommandOutput } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { WardenError } from '../errors';
import { parseFunctionName } from '../state/resources';
import { isNotFound, type ActionClients } from './action';

/** A mapping's UUID names a mapping of another function than the plan's: nothing is changed. */
export class MappingOwnerError extends WardenError {}

/** The parameters every mapping action shares. */
export const MappingParams = lazySchema(() => z.strictObject({
  /** The unqualified function ARN the finding is about: the mapping must invoke it (or one of its versions or aliases). */
  functionName: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+$/, 'must be an unqualified function ARN'),
  uuid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be an event-source mapping UUID'),
}));

/** The IAM actions of the mapping actions: one read, one write, on the mapping's own ARN. */
export const MAPPING_PERMISSIONS = ['lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping'] as const;

/**
 * The mapping as `GetEventSourceMapping` returns it; null when it is gone.
 * @throws MappingOwnerError when the mapping invokes another function than `functionName`.
 */
export async function readOwnMapping(clients: ActionClients, params: z.infer<typeof MappingParams>): Promise<GetEventSourceMappingCommandOutput | null> {
  let out: GetEventSourceMappingCommandOutput;
  try {
    out = await clients.lambda.send(new GetEventSourceMappingCommand({ UUID: params.uuid }));
  } catch (e: unknown) {
    if (isNotFound(e)) return null;
    throw e;
  }
  const invoked = parseFunctionName(out.FunctionArn ?? '', '', '');
  const planned = parseFunctionName(params.functionName, '', '');
  if (invoked === null || planned === null || invoked.account !== planned.account || invoked.region !== planned.region || invoked.functionName !== planned.functionName) {
    throw new MappingOwnerError(`Event-source mapping ${params.uuid} does not invoke ${params.functionName}: nothing was changed`);
  }
  return out;
}

/** True for a mapping that delivers nothing (or is about to stop). */
export function isPaused(state: string | undefined): boolean {
  return state === 'Disabled' || state === 'Disabling';
}
