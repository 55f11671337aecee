/** Reads what an isolation changes (reserved concurrency, mapping states) with the real SDK. */
import { GetFunctionConcurrencyCommand, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { isNotFound, type ActionClients } from './action';

/** What an isolation reads before and after: null when the function is gone. */
export interface IsolationState {
  readonly concurrency: number | 'none';
  /** State by UUID (`Enabled`, `Disabled`, `Enabling`, `Disabling` …). */
  readonly mappings: ReadonlyMap<string, string>;
}

export async function readIsolationState(clients: ActionClients, functionName: string): Promise<IsolationState | null> {
  try {
    const concurrency = (await clients.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: functionName }))).ReservedConcurrentExecutions ?? 'none';
    const mappings = new Map<string, string>();
    let marker: string | undefined;
    do {
      const out = await clients.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName, ...(marker === undefined ? {} : { Marker: marker }) }));
      for (const mapping of out.EventSourceMappings ?? []) if (mapping.UUID !== undefined) mappings.set(mapping.UUID, mapping.State ?? '');
      marker = out.NextMarker === '' ? undefined : out.NextMarker;
    } while (marker !== undefined);
    return { concurrency, mappings };
  } catch (e: unknown) {
    if (isNotFound(e)) return null;
    throw e;
  }
}
