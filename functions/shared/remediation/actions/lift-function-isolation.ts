/**
 * The inverse of `isolate-function`, run by Slack's "Restore": the reserved concurrency put back as it
 * was (deleted when there was none) while it is still the isolation's 0, and exactly the mappings the
 * isolation disabled enabled again. A second run finds nothing to do and changes nothing.
 */
import { DeleteFunctionConcurrencyCommand, PutFunctionConcurrencyCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { defineAction, failedOutcome, formatCall, type ActionClients } from '../action';
import { IsolationParams, ISOLATION_READ_PERMISSIONS, mappingIdsOf } from '../function-isolation';
import { isDisabledState, isEnabledState } from '../../state/resources';
import { readIsolationState } from '../isolation-state';

async function lifted(clients: ActionClients, params: IsolationParams): Promise<boolean> {
  const state = await readIsolationState(clients, params.functionName);
  if (state === null) return false;
  // A mapping deleted since is not there to enable.
  return state.concurrency === params.previousConcurrency && mappingIdsOf(params).every((uuid) => !state.mappings.has(uuid) || isEnabledState(state.mappings.get(uuid)));
}

export const liftFunctionIsolation = defineAction<IsolationParams>({
  name: 'lift-function-isolation',
  permissions: [...ISOLATION_READ_PERMISSIONS, 'lambda:PutFunctionConcurrency', 'lambda:DeleteFunctionConcurrency', 'lambda:UpdateEventSourceMapping'],
  paramsSchema: IsolationParams,
  describe: (p) =>
    [
      p.previousConcurrency === 'none'
        ? formatCall('lambda:DeleteFunctionConcurrency', { FunctionName: p.functionName })
        : formatCall('lambda:PutFunctionConcurrency', { FunctionName: p.functionName, ReservedConcurrentExecutions: p.previousConcurrency }),
      ...mappingIdsOf(p).map((uuid) => formatCall('lambda:UpdateEventSourceMapping', { UUID: uuid, Enabled: true })),
    ].join('; '),
  async execute(clients, params) {
    try {
      const before = await readIsolationState(clients, params.functionName);
      if (before === null) return { status: 'failed', detail: 'the function no longer exists: nothing to restore', error: new Error('the function no longer exists') };
      // Only the isolation's own 0 is replaced: a concurrency someone set since is theirs.
      const setConcurrency = before.concurrency === 0 && params.previousConcurrency !== 0;
      const toEnable = mappingIdsOf(params).filter((uuid) => isDisabledState(before.mappings.get(uuid)));
      if (!setConcurrency && toEnable.length === 0) {
        const kept = before.concurrency === params.previousConcurrency ? '' : ` (reserved concurrency is ${String(before.concurrency)}, set since the isolation: left as it is)`;
        return { status: 'already-compliant', detail: `nothing to restore: the isolation is already lifted${kept}` };
      }
      if (setConcurrency) {
        if (params.previousConcurrency === 'none') await clients.lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: params.functionName }));
        else await clients.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: params.functionName, ReservedConcurrentExecutions: params.previousConcurrency }));
      }
      for (const uuid of toEnable) await clients.lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
      const verified = await this.verify(clients, params);
      const concurrency = setConcurrency ? `reserved concurrency back to ${String(params.previousConcurrency)}` : 'reserved concurrency left as it is';
      return { status: 'remediated', verified, detail: `isolation lifted: ${concurrency}, ${String(toEnable.length)} event-source mapping(s) enabled again${toEnable.length === 0 ? '' : ` (${toEnable.join(', ')})`}` };
    } catch (e: unknown) {
      return failedOutcome(e);
    }
  },
  verify: lifted,
});
