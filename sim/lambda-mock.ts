/**
 * Answers `@aws-sdk/client-lambda` commands from the in-memory account through
 * `aws-sdk-client-mock`, so the real client code runs unchanged against simulated state.
 */
import {
  AddLayerVersionPermissionCommand,
  AddPermissionCommand,
  DeleteFunctionCodeSigningConfigCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetCodeSigningConfigCommand,
  GetEventSourceMappingCommand,
  GetFunctionCodeSigningConfigCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionRecursionConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  GetFunctionUrlConfigCommand,
  GetLayerVersionPolicyCommand,
  GetPolicyCommand,
  InvalidParameterValueException,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsByCodeSigningConfigCommand,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  ListTagsCommand,
  PutFunctionCodeSigningConfigCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionRecursionConfigCommand,
  PutFunctionEventInvokeConfigCommand,
  RemoveLayerVersionPermissionCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateCodeSigningConfigCommand,
  UpdateEventSourceMappingCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionEventInvokeConfigCommand,
  UpdateFunctionUrlConfigCommand,
  type LambdaClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-lambda';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { functionArn, layerArn, parseFunctionName, parseLayerVersion, type FunctionRef, type LayerVersionRef } from '../functions/shared/state/resources';
import type { InMemoryAccount } from './in-memory-account';
import { configurationPatchFromInput, type EventInvokeConfigInput } from './in-memory-lambda';

/** The stub `mockClient(LambdaClient)` returns. */
export type LambdaMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, LambdaClientResolvedConfig>;

/** One command the code under test sent. */
export interface LambdaCall {
  /** The API name without `Command`: `GetPolicy`, `RemovePermission` … */
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface LambdaMockOptions {
  /** The account of bare function and layer names (default: the in-memory account's default). */
  readonly defaultAccount?: string;
  /** Runs before each command; throw (or delay) here to inject throttling, latency or failures. */
  readonly onCommand?: (command: string, input: Readonly<Record<string, unknown>>) => void | Promise<void>;
  /**
   * The account a client acts in (for example from its credentials: {@link accountOfCredentials}).
   * With it, listings hold that account's resources only and bare names are in it; without it,
   * listings hold every account's resources of the region (callers filter by ARN).
   */
  readonly accountOf?: (client: { config: LambdaClientResolvedConfig }) => string | undefined | Promise<string | undefined>;
}

/** Lambda's page size for `ListFunctions`, `ListLayers` and `ListLayerVersions` (also their maximum `MaxItems`). */
export const LAMBDA_PAGE_SIZE = 50;

/** The account of a client's credentials (`accountId`, as `CrossAccountCredentials` sets it). */
export async function accountOfCredentials(client: { config: { credentials: () => Promise<{ accountId?: string }> } }): Promise<string | undefined> {
  return (await client.config.credentials()).accountId;
}

/** One page of `items` after the opaque `marker` (an offset here, as opaque to callers as Lambda's). */
function page<T>(items: readonly T[], marker: string | undefined, maxItems: number | undefined): { items: T[]; NextMarker?: string } {
  const start = marker === undefined || marker === '' ? 0 : Number.parseInt(Buffer.from(marker, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(start) || start < 0) throw invalid(`Invalid marker: ${String(marker)}`);
  const size = Math.min(maxItems ?? LAMBDA_PAGE_SIZE, LAMBDA_PAGE_SIZE);
  if (size < 1) throw invalid('MaxItems must be between 1 and 50');
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { NextMarker: Buffer.from(String(end), 'utf8').toString('base64url') } : {}) };
}

export interface LambdaMockHandle {
  readonly mock: LambdaMock;
  /** Every command received, in order (including those `onCommand` failed). */
  readonly calls: readonly LambdaCall[];
  /** The calls of one command. */
  callsOf(command: string): readonly LambdaCall[];
  clearCalls(): void;
}

interface Context {
  readonly account: string;
  /** The client's account when `accountOf` knows it (listings are then scoped to it). */
  readonly clientAccount: string | undefined;
  region(): Promise<string>;
}

type ClientGetter = () => { config: LambdaClientResolvedConfig };

function invalid(message: string): InvalidParameterValueException {
  return new InvalidParameterValueException({ message, $metadata: {}, Type: 'User' });
}

async function functionRefOf(name: string | undefined, qualifier: string | undefined, context: Context): Promise<FunctionRef> {
  if (name === undefined || name === '') throw invalid('FunctionName is required');
  const region = name.startsWith('arn:') ? '' : await context.region();
  const ref = parseFunctionName(name, context.account, region, qualifier === '' ? undefined : qualifier);
  if (ref === null) throw invalid(`1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint`);
  return ref;
}

async function layerRefOf(name: string | undefined, version: number | undefined, context: Context): Promise<LayerVersionRef> {
  if (name === undefined || name === '') throw invalid('LayerName is required');
  const region = name.startsWith('arn:') ? '' : await context.region();
  const ref = parseLayerVersion(name, version, context.account, region);
  if (ref === null) throw invalid(`1 validation error detected: Value '${name}' at 'layerName' failed to satisfy constraint`);
  return ref;
}

/**
 * Registers `callsFake` handlers answering Lambda commands from `account`.
 * Function and layer names may be full ARNs (their account and region are used), partial ARNs or
 * bare names (the client's region and `defaultAccount`). Errors are the SDK's exception classes.
 * @example
 * const lambda = installLambdaMock(account);
 * const reader = new LambdaStateReader(() => new LambdaClient({ region: 'us-east-1' }));
 * await reader.readFunction(ref, ['policy']);
 * lambda.mock.restore();
 */
export function installLambdaMock(account: InMemoryAccount, mock: LambdaMock = mockClient(LambdaClient), options: LambdaMockOptions = {}): LambdaMockHandle {
  const calls: LambdaCall[] = [];
  const store = account.lambda;
  const defaultAccount = options.defaultAccount ?? account.defaultAccount;

  function handler<I extends object, O>(command: string, answer: (input: I, context: Context) => O | Promise<O>) {
    return async (input: I, getClient: ClientGetter): Promise<O> => {
      // The mock knows the calling client only until the next call: take it before any await.
      const client = getClient();
      const recorded = structuredClone(input) as Readonly<Record<string, unknown>>;
      calls.push({ command, input: recorded });
      await options.onCommand?.(command, recorded);
      const clientAccount = await options.accountOf?.(client);
      const context: Context = { account: clientAccount ?? defaultAccount, clientAccount, region: () => client.config.region() };
      return answer(input, context);
    };
  }

  mock.on(GetFunctionConfigurationCommand).callsFake(
    handler('GetFunctionConfiguration', async (input: { FunctionName?: string; Qualifier?: string }, c) =>
      store.getFunctionConfiguration(await functionRefOf(input.FunctionName, input.Qualifier, c)),
    ),
  );
  mock.on(GetFunctionCommand).callsFake(
    handler('GetFunction', async (input: { FunctionName?: string; Qualifier?: string }, c) => store.getFunction(await functionRefOf(input.FunctionName, input.Qualifier, c))),
  );
  mock.on(GetPolicyCommand).callsFake(
    handler('GetPolicy', async (input: { FunctionName?: string; Qualifier?: string }, c) => store.getPolicy(await functionRefOf(input.FunctionName, input.Qualifier, c))),
  );
  mock.on(GetFunctionUrlConfigCommand).callsFake(
    handler('GetFunctionUrlConfig', async (input: { FunctionName?: string; Qualifier?: string }, c) =>
      store.getFunctionUrlConfig(await functionRefOf(input.FunctionName, input.Qualifier, c)),
    ),
  );
  mock.on(ListAliasesCommand).callsFake(
    handler('ListAliases', async (input: { FunctionName?: string; Marker?: string; MaxItems?: number }, c) => {
      const ref = await functionRefOf(input.FunctionName, undefined, c);
      const { items, NextMarker } = page([...store.aliasesOf(ref)], input.Marker, input.MaxItems);
      return {
        Aliases: items.map((a) => ({ AliasArn: `${functionArn({ ...ref, qualifier: undefined })}:${a.name}`, Name: a.name, FunctionVersion: a.functionVersion })),
        ...(NextMarker === undefined ? {} : { NextMarker }),
      };
    }),
  );
  mock.on(ListFunctionsCommand).callsFake(
    handler('ListFunctions', async (input: { Marker?: string; MaxItems?: number }, c) => {
      const region = await c.region();
      const keys = store.functionKeys().filter((key) => key.region === region && (c.clientAccount === undefined || key.account === c.clientAccount));
      const { items, NextMarker } = page(keys, input.Marker, input.MaxItems);
      return { Functions: items.map((key) => store.getFunctionConfiguration({ kind: 'lambda-function', ...key })), ...(NextMarker === undefined ? {} : { NextMarker }) };
    }),
  );
  mock.on(ListLayersCommand).callsFake(
    handler('ListLayers', async (input: { Marker?: string; MaxItems?: number }, c) => {
      const region = await c.region();
      const latest = new Map<string, LayerVersionRef>();
      for (const ref of store.layerVersionRefs()) {
        if (ref.region !== region || (c.clientAccount !== undefined && ref.account !== c.clientAccount)) continue;
        const arn = layerArn(ref);
        const known = latest.get(arn);
        if (known === undefined || known.version < ref.version) latest.set(arn, ref);
      }
      const { items, NextMarker } = page([...latest.values()], input.Marker, input.MaxItems);
      return {
        Layers: items.map((ref) => ({ LayerName: ref.layerName, LayerArn: layerArn(ref), LatestMatchingVersion: { ...store.layerVersionDetails(ref) } })),
        ...(NextMarker === undefined ? {} : { NextMarker }),
      };
    }),
  );
  mock.on(ListLayerVersionsCommand).callsFake(
    handler('ListLayerVersions', async (input: { LayerName?: string; Marker?: string; MaxItems?: number }, c) => {
      if (input.LayerName === undefined || input.LayerName === '') throw invalid('LayerName is required');
      const layer = await layerRefOf(input.LayerName, 0, c);
      const versions = store
        .layerVersionRefs()
        .filter((ref) => ref.account === layer.account && ref.region === layer.region && ref.layerName === layer.layerName)
        .sort((a, b) => b.version - a.version);
      const { items, NextMarker } = page(versions, input.Marker, input.MaxItems);
      return { LayerVersions: items.map((ref) => store.layerVersionDetails(ref)), ...(NextMarker === undefined ? {} : { NextMarker }) };
    }),
  );
  mock.on(ListTagsCommand).callsFake(
    handler('ListTags', async (input: { Resource?: string }, c) => {
      const ref = await functionRefOf(input.Resource, undefined, c);
      return { Tags: store.listTags(ref) };
    }),
  );
  mock.on(AddPermissionCommand).callsFake(
    handler(
      'AddPermission',
      async (
        input: {
          FunctionName?: string;
          Qualifier?: string;
          StatementId?: string;
          Action?: string;
          Principal?: string;
          SourceArn?: string;
          SourceAccount?: string;
          EventSourceToken?: string;
          PrincipalOrgID?: string;
          FunctionUrlAuthType?: string;
          RevisionId?: string;
        },
        c,
      ) => {
        const ref = await functionRefOf(input.FunctionName, input.Qualifier, c);
        if (input.StatementId === undefined || input.Action === undefined || input.Principal === undefined) {
          throw invalid('StatementId, Action and Principal are required');
        }
        const statement = store.addPermission(ref, { ...input, StatementId: input.StatementId, Action: input.Action, Principal: input.Principal });
        return { Statement: JSON.stringify(statement) };
      },
    ),
  );
  mock.on(RemovePermissionCommand).callsFake(
    handler('RemovePermission', async (input: { FunctionName?: string; Qualifier?: string; StatementId?: string; RevisionId?: string }, c) => {
      const ref = await functionRefOf(input.FunctionName, input.Qualifier, c);
      if (input.StatementId === undefined) throw invalid('StatementId is required');
      store.removePermission(ref, input.StatementId, input.RevisionId);
      return {};
    }),
  );
  mock.on(UpdateFunctionUrlConfigCommand).callsFake(
    handler('UpdateFunctionUrlConfig', async (input: { FunctionName?: string; Qualifier?: string; AuthType?: string; Cors?: unknown; InvokeMode?: string }, c) => {
      const ref = await functionRefOf(input.FunctionName, input.Qualifier, c);
      return store.updateFunctionUrlConfig(ref, { AuthType: input.AuthType, Cors: input.Cors, InvokeMode: input.InvokeMode });
    }),
  );
  mock.on(DeleteFunctionUrlConfigCommand).callsFake(
    handler('DeleteFunctionUrlConfig', async (input: { FunctionName?: string; Qualifier?: string }, c) => {
      store.deleteFunctionUrlConfig(await functionRefOf(input.FunctionName, input.Qualifier, c));
      return {};
    }),
  );
  mock.on(GetLayerVersionPolicyCommand).callsFake(
    handler('GetLayerVersionPolicy', async (input: { LayerName?: string; VersionNumber?: number }, c) =>
      store.getLayerVersionPolicy(await layerRefOf(input.LayerName, input.VersionNumber, c)),
    ),
  );
  mock.on(AddLayerVersionPermissionCommand).callsFake(
    handler(
      'AddLayerVersionPermission',
      async (
        input: { LayerName?: string; VersionNumber?: number; StatementId?: string; Action?: string; Principal?: string; OrganizationId?: string; RevisionId?: string },
        c,
      ) => {
        const ref = await layerRefOf(input.LayerName, input.VersionNumber, c);
        if (input.StatementId === undefined || input.Action === undefined || input.Principal === undefined) {
          throw invalid('StatementId, Action and Principal are required');
        }
        const out = store.addLayerVersionPermission(ref, { ...input, StatementId: input.StatementId, Action: input.Action, Principal: input.Principal });
        return { Statement: JSON.stringify(out.Statement), RevisionId: out.RevisionId };
      },
    ),
  );
  mock.on(RemoveLayerVersionPermissionCommand).callsFake(
    handler('RemoveLayerVersionPermission', async (input: { LayerName?: string; VersionNumber?: number; StatementId?: string; RevisionId?: string }, c) => {
      const ref = await layerRefOf(input.LayerName, input.VersionNumber, c);
      if (input.StatementId === undefined) throw invalid('StatementId is required');
      store.removeLayerVersionPermission(ref, input.StatementId, input.RevisionId);
      return {};
    }),
  );
  mock.on(UpdateFunctionConfigurationCommand).callsFake(
    handler('UpdateFunctionConfiguration', async (input: Record<string, unknown> & { FunctionName?: string; RevisionId?: string }, c) => {
      const ref = await functionRefOf(input.FunctionName, undefined, c);
      const existing = store.getFunctionConfiguration({ ...ref, qualifier: undefined });
      return store.updateFunctionConfiguration(ref, configurationPatchFromInput(input, existing), input.RevisionId);
    }),
  );
  mock.on(PutFunctionConcurrencyCommand).callsFake(
    handler('PutFunctionConcurrency', async (input: { FunctionName?: string; ReservedConcurrentExecutions?: number }, c) => {
      const ref = await functionRefOf(input.FunctionName, undefined, c);
      if (input.ReservedConcurrentExecutions === undefined) throw invalid('ReservedConcurrentExecutions is required');
      return { ReservedConcurrentExecutions: store.putFunctionConcurrency(ref, input.ReservedConcurrentExecutions) };
    }),
  );
  mock.on(GetFunctionConcurrencyCommand).callsFake(
    handler('GetFunctionConcurrency', async (input: { FunctionName?: string }, c) => {
      const reserved = store.getReservedConcurrency(await functionRefOf(input.FunctionName, undefined, c));
      return reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved };
    }),
  );
  mock.on(DeleteFunctionConcurrencyCommand).callsFake(
    handler('DeleteFunctionConcurrency', async (input: { FunctionName?: string }, c) => {
      store.deleteFunctionConcurrency(await functionRefOf(input.FunctionName, undefined, c));
      return {};
    }),
  );
  mock.on(GetFunctionRecursionConfigCommand).callsFake(
    handler('GetFunctionRecursionConfig', async (input: { FunctionName?: string }, c) => ({ RecursiveLoop: store.getRecursiveLoop(await functionRefOf(input.FunctionName, undefined, c)) })),
  );
  mock.on(PutFunctionRecursionConfigCommand).callsFake(
    handler('PutFunctionRecursionConfig', async (input: { FunctionName?: string; RecursiveLoop?: string }, c) => {
      const ref = await functionRefOf(input.FunctionName, undefined, c);
      if (input.RecursiveLoop === undefined) throw invalid('RecursiveLoop is required');
      return { RecursiveLoop: store.putFunctionRecursionConfig(ref, input.RecursiveLoop) };
    }),
  );
  mock.on(GetFunctionCodeSigningConfigCommand).callsFake(
    handler('GetFunctionCodeSigningConfig', async (input: { FunctionName?: string }, c) => {
      const ref = await functionRefOf(input.FunctionName, undefined, c);
      return { FunctionName: ref.functionName, CodeSigningConfigArn: store.getFunctionCodeSigningConfigArn(ref) ?? '' };
    }),
  );
  mock.on(PutFunctionCodeSigningConfigCommand).callsFake(
    handler('PutFunctionCodeSigningConfig', async (input: { FunctionName?: string; CodeSigningConfigArn?: string }, c) => {
      const ref = await functionRefOf(input.FunctionName, undefined, c);
      if (input.CodeSigningConfigArn === undefined) throw invalid('CodeSigningConfigArn is required');
      store.putFunctionCodeSigningConfig(ref, input.CodeSigningConfigArn);
      return { FunctionName: ref.functionName, CodeSigningConfigArn: input.CodeSigningConfigArn };
    }),
  );
  mock.on(DeleteFunctionCodeSigningConfigCommand).callsFake(
    handler('DeleteFunctionCodeSigningConfig', async (input: { FunctionName?: string }, c) => {
      store.deleteFunctionCodeSigningConfig(await functionRefOf(input.FunctionName, undefined, c));
      return {};
    }),
  );
  mock.on(GetCodeSigningConfigCommand).callsFake(
    handler('GetCodeSigningConfig', (input: { CodeSigningConfigArn?: string }) => ({ CodeSigningConfig: store.getCodeSigningConfig(input.CodeSigningConfigArn ?? '') })),
  );
  mock.on(UpdateCodeSigningConfigCommand).callsFake(
    handler('UpdateCodeSigningConfig', (input: { CodeSigningConfigArn?: string; CodeSigningPolicies?: { UntrustedArtifactOnDeployment?: string }; AllowedPublishers?: { SigningProfileVersionArns?: string[] }; Description?: string }) => ({
      CodeSigningConfig: store.updateCodeSigningConfig(input.CodeSigningConfigArn ?? '', {
        untrustedArtifactOnDeployment: input.CodeSigningPolicies?.UntrustedArtifactOnDeployment,
        signingProfileVersionArns: input.AllowedPublishers?.SigningProfileVersionArns,
        description: input.Description,
      }),
    })),
  );
  mock.on(ListFunctionsByCodeSigningConfigCommand).callsFake(
    handler('ListFunctionsByCodeSigningConfig', (input: { CodeSigningConfigArn?: string }) => {
      const arn = input.CodeSigningConfigArn ?? '';
      store.getCodeSigningConfig(arn);
      return { FunctionArns: store.functionsWithCodeSigningConfig(arn) };
    }),
  );
  // The SDK's output has `LastModified` as a Date.
  const invokeConfigOutput = (config: Readonly<Record<string, unknown>>) => ({ ...config, LastModified: typeof config.LastModified === 'string' ? new Date(config.LastModified) : undefined });
  mock.on(GetFunctionEventInvokeConfigCommand).callsFake(
    handler('GetFunctionEventInvokeConfig', async (input: { FunctionName?: string; Qualifier?: string }, c) =>
      invokeConfigOutput(store.getFunctionEventInvokeConfig(await functionRefOf(input.FunctionName, input.Qualifier, c))),
    ),
  );
  mock.on(PutFunctionEventInvokeConfigCommand).callsFake(
    handler('PutFunctionEventInvokeConfig', async (input: EventInvokeConfigInput & { FunctionName?: string; Qualifier?: string }, c) =>
      invokeConfigOutput(store.putFunctionEventInvokeConfig(await functionRefOf(input.FunctionName, input.Qualifier, c), input)),
    ),
  );
  mock.on(UpdateFunctionEventInvokeConfigCommand).callsFake(
    handler('UpdateFunctionEventInvokeConfig', async (input: EventInvokeConfigInput & { FunctionName?: string; Qualifier?: string }, c) =>
      invokeConfigOutput(store.updateFunctionEventInvokeConfig(await functionRefOf(input.FunctionName, input.Qualifier, c), input)),
    ),
  );
  mock.on(DeleteFunctionEventInvokeConfigCommand).callsFake(
    handler('DeleteFunctionEventInvokeConfig', async (input: { FunctionName?: string; Qualifier?: string }, c) => {
      store.deleteFunctionEventInvokeConfig(await functionRefOf(input.FunctionName, input.Qualifier, c));
      return {};
    }),
  );
  mock.on(ListEventSourceMappingsCommand).callsFake(
    handler('ListEventSourceMappings', async (input: { FunctionName?: string; Marker?: string; MaxItems?: number }, c) => {
      // Without FunctionName: every mapping of the client's account and region (what a scan lists).
      const all = input.FunctionName === undefined ? store.listAllEventSourceMappings(c.clientAccount ?? c.account, await c.region()) : null;
      const mappings = all ?? store.listEventSourceMappings(await functionRefOf(input.FunctionName, undefined, c));
      const listed = page(mappings, input.Marker, input.MaxItems);
      return { EventSourceMappings: listed.items, ...(listed.NextMarker === undefined ? {} : { NextMarker: listed.NextMarker }) };
    }),
  );
  mock.on(UpdateEventSourceMappingCommand).callsFake(
    handler('UpdateEventSourceMapping', (input: { UUID?: string; Enabled?: boolean; DestinationConfig?: { OnFailure?: { Destination?: string } } }) => {
      if (input.UUID === undefined || input.UUID === '') throw invalid('UUID is required');
      const onFailure = input.DestinationConfig?.OnFailure;
      if (input.Enabled === undefined && onFailure === undefined) throw invalid('this simulator answers UpdateEventSourceMapping with Enabled or DestinationConfig.OnFailure only');
      return store.changeEventSourceMapping(input.UUID, { enabled: input.Enabled, onFailure });
    }),
  );
  mock.on(GetEventSourceMappingCommand).callsFake(
    handler('GetEventSourceMapping', (input: { UUID?: string }) => {
      if (input.UUID === undefined || input.UUID === '') throw invalid('UUID is required');
      return store.getEventSourceMapping(input.UUID);
    }),
  );
  mock.on(TagResourceCommand).callsFake(
    handler('TagResource', async (input: { Resource?: string; Tags?: Record<string, string> }, c) => {
      store.tagResource(await functionRefOf(input.Resource, undefined, c), input.Tags ?? {});
      return {};
    }),
  );
  mock.on(UntagResourceCommand).callsFake(
    handler('UntagResource', async (input: { Resource?: string; TagKeys?: string[] }, c) => {
      store.untagResource(await functionRefOf(input.Resource, undefined, c), input.TagKeys ?? []);
      return {};
    }),
  );

  return {
    mock,
    calls,
    callsOf: (command) => calls.filter((call) => call.command === command),
    clearCalls: () => {
      calls.length = 0;
    },
  };
}
