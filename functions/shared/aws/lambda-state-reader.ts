/**
 * Reads the current state of Lambda resources with the real `@aws-sdk/client-lambda` client:
 * one call per part asked for, full ARNs always, "not found" mapped to `null`.
 */
import {
  GetCodeSigningConfigCommand,
  GetFunctionCodeSigningConfigCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionRecursionConfigCommand,
  ListFunctionsByCodeSigningConfigCommand,
  ListFunctionsCommand,
  GetFunctionEventInvokeConfigCommand,
  ListEventSourceMappingsCommand,
  GetFunctionUrlConfigCommand,
  GetLayerVersionPolicyCommand,
  GetPolicyCommand,
  ListTagsCommand,
  ResourceNotFoundException,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { StateReadError } from '../errors';
import { readLogGroup, type LogsClientProvider } from './logs-state-reader';
import {
  functionArn,
  layerArn,
  parseFunctionName,
  functionLogGroupName,
  layerVersionArn,
  parsePolicyText,
  FunctionConfigurationSchema,
  FunctionUrlConfigSchema,
  type FunctionCodeSigning,
  type FunctionConfiguration,
  type FunctionLogGroup,
  FunctionEventInvokeConfigSchema,
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
  'lambda:GetFunctionEventInvokeConfig',
] as const;

/**
 * The function settings some rules read besides (issue #17): recursion, reserved concurrency and code
 * signing. Part of the remediator role; a scan does not read them (each would cost a call per function).
 */
export const LAMBDA_SETTINGS_READ_PERMISSIONS = [
  'lambda:GetFunctionRecursionConfig',
  'lambda:GetFunctionConcurrency',
  'lambda:GetFunctionCodeSigningConfig',
  'lambda:GetCodeSigningConfig',
  'lambda:ListFunctionsByCodeSigningConfig',
] as const;

/**
 * The IAM actions of the parts only the runtime-threat rule reads (`concurrency`, `eventSourceMappings`):
 * the remediator's (the isolation declares them too), never the audit role's — a scan does not read them.
 */
export const LAMBDA_THREAT_READ_PERMISSIONS = ['lambda:GetFunctionConcurrency', 'lambda:ListEventSourceMappings'] as const;

/** Finding the functions that log to a custom log group (`functionsWithLogGroup`, issue #17): the remediator's, not the audit role's. */
export const LAMBDA_LOG_GROUP_READ_PERMISSIONS = ['lambda:ListFunctions'] as const;

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
  constructor(
    private readonly clientFor: LambdaClientProvider,
    /** CloudWatch Logs clients, for the `logGroup` part (issue #17); without them that part is left unread. */
    private readonly options: { readonly logsFor?: LogsClientProvider } = {},
  ) {}

  async readFunction(ref: FunctionRef, parts: readonly FunctionStatePart[]): Promise<FunctionSnapshot> {
    const client = await this.clientFor(ref.account, ref.region);
    const arn = functionArn(ref);
    const unqualified = functionArn({ ...ref, qualifier: undefined });
    const qualifier = ref.qualifier;
    const wanted = new Set(parts);
    let policyRevisionId: string | undefined;
    const logsFor = wanted.has('logGroup') ? this.options.logsFor : undefined;
    const configurationRead =
      wanted.has('configuration') || logsFor !== undefined
        ? orNullIfMissing(`the configuration of ${arn}`, async () =>
            FunctionConfigurationSchema.parse(await client.send(new GetFunctionConfigurationCommand({ FunctionName: unqualified, Qualifier: qualifier }))),
          )
        : undefined;
    const [configuration, policy, urlConfig, tags, eventInvokeConfig, settings, logGroup] = await Promise.all([
      wanted.has('configuration') ? configurationRead : undefined,
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
      wanted.has('eventInvokeConfig')
        ? orNullIfMissing(`the asynchronous invocation config of ${arn}`, async () =>
            FunctionEventInvokeConfigSchema.parse(await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: unqualified, Qualifier: qualifier }))),
          )
        : undefined,
      // Settings of the unqualified function, read alongside the rest (one round trip, not two).
      this.readSettings(client, unqualified, wanted),
      logsFor === undefined || configurationRead === undefined ? undefined : this.readFunctionLogGroup(ref, configurationRead, logsFor),
    ]);
    return {
      kind: 'lambda-function',
      ref,
      arn,
      configuration,
      policy,
      urlConfig,
      tags,
      ...settings,
      ...(eventInvokeConfig === undefined ? {} : { eventInvokeConfig }),
      ...(logGroup === undefined ? {} : { logGroup }),
      ...(policyRevisionId === undefined ? {} : { policyRevisionId }),
    };
  }

  /**
   * The group the function logs to: `/aws/lambda/<name>` is read alongside the configuration (one round
   * trip); a custom `LoggingConfig.LogGroup` costs a second one. Null when the function is gone.
   */
  private async readFunctionLogGroup(ref: FunctionRef, configurationRead: Promise<FunctionConfiguration | null>, logsFor: LogsClientProvider): Promise<FunctionLogGroup | null> {
    // Both awaited together: a failed client or read never leaves the other promise's rejection unhandled.
    const logs = Promise.resolve(logsFor(ref.account, ref.region));
    const own = `/aws/lambda/${ref.functionName}`;
    const [configuration, ownGroup] = await Promise.all([configurationRead, logs.then((client) => readLogGroup(client, own))]);
    if (configuration === null) return null;
    const name = functionLogGroupName(configuration, ref.functionName);
    return name === own ? ownGroup : readLogGroup(await logs, name);
  }

  async functionsWithLogGroup(account: string, region: string, logGroupName: string): Promise<readonly FunctionRef[]> {
    const client = await this.clientFor(account, region);
    const refs: FunctionRef[] = [];
    let marker: string | undefined;
    do {
      const out = await client.send(new ListFunctionsCommand({ ...(marker === undefined ? {} : { Marker: marker }) }));
      for (const listed of out.Functions ?? []) {
        if (listed.LoggingConfig?.LogGroup !== logGroupName) continue;
        const ref = parseFunctionName(listed.FunctionArn ?? listed.FunctionName ?? '', account, region);
        if (ref?.account === account && ref.region === region) refs.push({ ...ref, qualifier: undefined });
      }
      marker = out.NextMarker === '' ? undefined : out.NextMarker;
    } while (marker !== undefined);
    return refs;
  }

  /** Recursion, reserved concurrency, code signing and event-source mappings: settings of the unqualified function, read only when asked for. */
  private async readSettings(
    client: LambdaClient,
    unqualified: string,
    wanted: ReadonlySet<FunctionStatePart>,
  ): Promise<Pick<FunctionSnapshot, 'recursiveLoop' | 'reservedConcurrency' | 'codeSigning' | 'eventSourceMappings'>> {
    const [recursiveLoop, reservedConcurrency, codeSigning, eventSourceMappings] = await Promise.all([
      wanted.has('recursion')
        ? orNullIfMissing(`the recursion config of ${unqualified}`, async () => (await client.send(new GetFunctionRecursionConfigCommand({ FunctionName: unqualified }))).RecursiveLoop ?? 'Terminate')
        : undefined,
      wanted.has('concurrency')
        ? orNullIfMissing(`the concurrency of ${unqualified}`, async () => (await client.send(new GetFunctionConcurrencyCommand({ FunctionName: unqualified }))).ReservedConcurrentExecutions ?? ('none' as const))
        : undefined,
      wanted.has('codeSigning') ? orNullIfMissing(`the code-signing config of ${unqualified}`, () => this.readCodeSigning(client, unqualified)) : undefined,
      wanted.has('eventSourceMappings') ? orNullIfMissing(`the event-source mappings of ${unqualified}`, () => listMappings(client, unqualified)) : undefined,
    ]);
    return {
      ...(recursiveLoop === undefined ? {} : { recursiveLoop }),
      ...(reservedConcurrency === undefined ? {} : { reservedConcurrency }),
      ...(codeSigning === undefined ? {} : { codeSigning }),
      ...(eventSourceMappings === undefined ? {} : { eventSourceMappings }),
    };
  }

  private async readCodeSigning(client: LambdaClient, unqualified: string): Promise<FunctionCodeSigning | null> {
    const attached = await client.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: unqualified }));
    const configArn = attached.CodeSigningConfigArn;
    if (configArn === undefined || configArn === '') return null;
    const config = await orNullIfMissing(`the code-signing config ${configArn}`, () => client.send(new GetCodeSigningConfigCommand({ CodeSigningConfigArn: configArn })));
    return { codeSigningConfigArn: configArn, untrustedArtifactOnDeployment: config?.CodeSigningConfig?.CodeSigningPolicies?.UntrustedArtifactOnDeployment ?? null };
  }

  async functionsWithCodeSigningConfig(account: string, region: string, codeSigningConfigArn: string): Promise<readonly FunctionRef[]> {
    const client = await this.clientFor(account, region);
    const refs: FunctionRef[] = [];
    let marker: string | undefined;
    do {
      const out = await orNullIfMissing(`the functions of ${codeSigningConfigArn}`, () => client.send(new ListFunctionsByCodeSigningConfigCommand({ CodeSigningConfigArn: codeSigningConfigArn, Marker: marker })));
      for (const arn of out?.FunctionArns ?? []) {
        const ref = parseFunctionName(arn, account, region);
        if (ref?.account === account && ref.region === region) refs.push({ ...ref, qualifier: undefined });
      }
      marker = out?.NextMarker;
    } while (marker !== undefined && marker !== '');
    return refs;
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
