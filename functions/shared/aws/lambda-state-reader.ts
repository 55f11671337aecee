/**
 * Reads the current state of Lambda resources with the real `@aws-sdk/client-lambda` client:
 * one call per part asked for, full ARNs always, "not found" mapped to `null`.
 */
import {
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  ListEventSourceMappingsCommand,
  GetFunctionUrlConfigCommand,
  GetLayerVersionPolicyCommand,
  GetPolicyCommand,
  ListTagsCommand,
  ResourceNotFoundException,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { StateReadError } from '../errors';
import {
  functionArn,
  layerArn,
  layerVersionArn,
  parsePolicyText,
  FunctionConfigurationSchema,
  FunctionUrlConfigSchema,
  EventSourceMappingSchema,
  type EventSourceMapping,
  type FunctionRef,
  type FunctionSnapshot,
  type FunctionStatePart,
  type LayerVersionRef,
  type LayerVersionSnapshot,
  type PolicyDocument,
} from '../state/resources';
import type { StateReader } from '../state/state-reader';

/** The IAM actions this reader calls: part of the remediator role (a test checks the commands it sends). */
export const LAMBDA_READ_PERMISSIONS = [
  'lambda:GetFunctionConfiguration',
  'lambda:GetPolicy',
  'lambda:GetFunctionUrlConfig',
  'lambda:ListTags',
  'lambda:GetLayerVersionPolicy',
] as const;

/**
 * The IAM actions of the parts only the runtime-threat rule reads (`concurrency`, `eventSourceMappings`):
 * the remediator's (the isolation declares them too), never the audit role's — a scan does not read them.
 */
export const LAMBDA_THREAT_READ_PERMISSIONS = ['lambda:GetFunctionConcurrency', 'lambda:ListEventSourceMappings'] as const;

/** The mappings of a function, every page (`ListEventSourceMappings` with `FunctionName`). */
async function listMappings(client: LambdaClient, functionName: string): Promise<EventSourceMapping[]> {
  const mappings: EventSourceMapping[] = [];
  let marker: string | undefined;
  do {
    const out = await client.send(new ListEventSourceMappingsCommand({ FunctionName: functionName, ...(marker === undefined ? {} : { Marker: marker }) }));
    for (const mapping of out.EventSourceMappings ?? []) mappings.push(EventSourceMappingSchema.parse(mapping));
    marker = out.NextMarker === '' ? undefined : out.NextMarker;
  } while (marker !== undefined);
  return mappings;
}

/** Gives the Lambda client to use for an account and region (credentials for that account). */
export type LambdaClientProvider = (account: string, region: string) => LambdaClient | Promise<LambdaClient>;

async function orNullIfMissing<T>(what: string, call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (e: unknown) {
    if (e instanceof ResourceNotFoundException || (e instanceof Error && e.name === 'ResourceNotFoundException')) return null;
    throw new StateReadError(`Reading ${what} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
  }
}

function policyOrNull(text: string | undefined, what: string): PolicyDocument | null {
  if (text === undefined || text === '') return null;
  try {
    return parsePolicyText(text);
  } catch (e: unknown) {
    throw new StateReadError(`The policy of ${what} is not a valid policy document`, { cause: e });
  }
}

/**
 * @example
 * const reader = new LambdaStateReader((account, region) => clients.lambda(account, region));
 * const snapshot = await reader.readFunction(ref, ['policy']);
 */
export class LambdaStateReader implements StateReader {
  constructor(private readonly clientFor: LambdaClientProvider) {}

  async readFunction(ref: FunctionRef, parts: readonly FunctionStatePart[]): Promise<FunctionSnapshot> {
    const client = await this.clientFor(ref.account, ref.region);
    const arn = functionArn(ref);
    const unqualified = functionArn({ ...ref, qualifier: undefined });
    const qualifier = ref.qualifier;
    const wanted = new Set(parts);
    let policyRevisionId: string | undefined;
    const [configuration, policy, urlConfig, tags] = await Promise.all([
      wanted.has('configuration')
        ? orNullIfMissing(`the configuration of ${arn}`, async () =>
            FunctionConfigurationSchema.parse(await client.send(new GetFunctionConfigurationCommand({ FunctionName: unqualified, Qualifier: qualifier }))),
          )
        : undefined,
      wanted.has('policy')
        ? orNullIfMissing(`the policy of ${arn}`, async () => {
            const out = await client.send(new GetPolicyCommand({ FunctionName: unqualified, Qualifier: qualifier }));
            policyRevisionId = out.RevisionId;
            return policyOrNull(out.Policy, arn);
          })
        : undefined,
      wanted.has('urlConfig')
        ? orNullIfMissing(`the URL config of ${arn}`, async () =>
            FunctionUrlConfigSchema.parse(await client.send(new GetFunctionUrlConfigCommand({ FunctionName: unqualified, Qualifier: qualifier }))),
          )
        : undefined,
      wanted.has('tags')
        ? orNullIfMissing(`the tags of ${arn}`, async () => (await client.send(new ListTagsCommand({ Resource: unqualified }))).Tags ?? {})
        : undefined,
    ]);
    // Concurrency and mappings are settings of the unqualified function, read only when a rule asks (the runtime-threat rule).
    const [reservedConcurrency, eventSourceMappings] = await Promise.all([
      wanted.has('concurrency')
        ? orNullIfMissing(`the concurrency of ${unqualified}`, async () => (await client.send(new GetFunctionConcurrencyCommand({ FunctionName: unqualified }))).ReservedConcurrentExecutions ?? ('none' as const))
        : undefined,
      wanted.has('eventSourceMappings') ? orNullIfMissing(`the event-source mappings of ${unqualified}`, () => listMappings(client, unqualified)) : undefined,
    ]);
    return {
      kind: 'lambda-function',
      ref,
      arn,
      configuration,
      policy,
      urlConfig,
      tags,
      ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }),
      ...(eventSourceMappings === undefined ? {} : { eventSourceMappings }),
      ...(policyRevisionId === undefined ? {} : { policyRevisionId }),
    };
  }

  async readLayerVersion(ref: LayerVersionRef): Promise<LayerVersionSnapshot> {
    const client = await this.clientFor(ref.account, ref.region);
    const arn = layerVersionArn(ref);
    let policyRevisionId: string | undefined;
    const policy = await orNullIfMissing(`the policy of ${arn}`, async () => {
      const out = await client.send(new GetLayerVersionPolicyCommand({ LayerName: layerArn(ref), VersionNumber: ref.version }));
      policyRevisionId = out.RevisionId;
      return policyOrNull(out.Policy, arn);
    });
    return { kind: 'lambda-layer-version', ref, arn, policy: policy ?? null, ...(policyRevisionId === undefined ? {} : { policyRevisionId }) };
  }
}
