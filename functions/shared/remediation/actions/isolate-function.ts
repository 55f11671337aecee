/**
 * Isolates a function a runtime threat was found in: reserved concurrency 0 (every invocation is
 * throttled) and exactly the event-source mappings that were enabled when the finding was judged
 * disabled. Code, configuration and policy stay; the plan records what to put back
 * (`lift-function-isolation`, Slack's "Restore").
 */
import { PutFunctionConcurrencyCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { defineAction, failedOutcome, formatCall, type ActionClients } from '../action';
import { IsolationParams, ISOLATION_READ_PERMISSIONS, mappingIdsOf } from '../function-isolation';
import { isEnabledState } from '../../state/resources';
import { readIsolationState } from '../isolation-state';

/** True when the isolation holds: concurrency 0 and none of the plan's mappings still delivering. */
async function isolated(clients: ActionClients, params: IsolationParams): Promise<boolean> {
  const state = await readIsolationState(clients, params.functionName);
  if (state === null) return true;
  return state.concurrency === 0 && mappingIdsOf(params).every((uuid) => !isEnabledState(state.mappings.get(uuid)));
}

export const isolateFunction = defineAction<IsolationParams>({
  name: 'isolate-function',
  permissions: [...ISOLATION_READ_PERMISSIONS, 'lambda:PutFunctionConcurrency', 'lambda:UpdateEventSourceMapping'],
  paramsSchema: IsolationParams,
  describe: (p) =>
    [
      formatCall('lambda:PutFunctionConcurrency', { FunctionName: p.functionName, ReservedConcurrentExecutions: 0 }),
      ...mappingIdsOf(p).map((uuid) => formatCall('lambda:UpdateEventSourceMapping', { UUID: uuid, Enabled: false })),
    ].join('; '),
  async execute(clients, params) {
    try {
      const before = await readIsolationState(clients, params.functionName);
      if (before === null) return { status: 'already-compliant', detail: 'the function no longer exists' };
      const toDisable = mappingIdsOf(params).filter((uuid) => isEnabledState(before.mappings.get(uuid)));
      if (before.concurrency === 0 && toDisable.length === 0) return { status: 'already-compliant', detail: 'the function is already isolated (reserved concurrency 0, its mappings disabled)' };
      if (before.concurrency !== 0) await clients.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: params.functionName, ReservedConcurrentExecutions: 0 }));
      for (const uuid of toDisable) await clients.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
      const verified = await this.verify(clients, params);
      const previous = params.previousConcurrency === 'none' ? 'none' : String(params.previousConcurrency);
      return {
        status: 'remediated',
        verified,
        detail: `isolated: reserved concurrency 0 (was ${previous}), ${String(toDisable.length)} event-source mapping(s) disabled${toDisable.length === 0 ? '' : ` (${toDisable.join(', ')})`}; Restore puts back exactly these`,
      };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  verify: isolated,
});
