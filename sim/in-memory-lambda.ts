/**
 * The Lambda part of the in-memory account: functions (configuration, versions and aliases,
 * resource policies and URL configs per qualifier, tags, reserved concurrency) and layer versions
 * (with their policies) across accounts and regions. Failures are the SDK's own exception classes.
 */
import {
  InvalidParameterValueException,
  PreconditionFailedException,
  ResourceConflictException,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import {
  functionArn,
  layerArn,
  layerVersionArn,
  partitionOf,
  type FunctionConfiguration,
  type FunctionEventInvokeConfig,
  type FunctionRef,
  type FunctionUrlConfig,
  type LayerVersionRef,
  type PolicyDocument,
  type PolicyStatement,
} from '../functions/shared/state/resources';
import {
  functionPermissionStatement,
  layerPermissionStatement,
  type FunctionPermissionInput,
  type LayerPermissionInput,
} from './lambda-permission-statement';

/** Where a function lives, without a qualifier. */
export type FunctionKey = Pick<FunctionRef, 'account' | 'region' | 'functionName'>;

/** A resource policy as stored: its statements always a list. */
interface StoredPolicy {
  version: string | undefined;
  id: string | undefined;
  statements: PolicyStatement[];
}

interface QualifierState {
  readonly kind: 'version' | 'alias';
  /** The version itself, or the version an alias points to (`$LATEST` included). */
  version: string;
  /** The configuration frozen when a version was published. */
  readonly configuration?: FunctionConfiguration;
  revisionId: string;
}

interface FunctionState {
  readonly key: FunctionKey;
  configuration: FunctionConfiguration;
  readonly qualifiers: Map<string, QualifierState>;
  /** Keyed by qualifier; `''` is the unqualified function. */
  readonly policies: Map<string, StoredPolicy>;
  readonly urlConfigs: Map<string, FunctionUrlConfig>;
  /** Asynchronous invocation configs, keyed by qualifier like `policies`. */
  readonly eventInvokeConfigs: Map<string, FunctionEventInvokeConfig>;
  tags: Record<string, string>;
  reservedConcurrency: number | undefined;
  /** `PutFunctionRecursionConfig`'s setting; Lambda's default is `Terminate`. */
  recursiveLoop: 'Allow' | 'Terminate';
  codeSigningConfigArn: string | undefined;
  nextVersion: number;
  /** Event-source mappings of the function, by UUID (`ListEventSourceMappings` / `UpdateEventSourceMapping`). */
  readonly eventSourceMappings: Map<string, EventSourceMappingState>;
}

/** An event-source mapping as `ListEventSourceMappings` returns it (the fields the bot reads). */
export interface EventSourceMappingState {
  readonly UUID: string;
  readonly EventSourceArn: string;
  /** `Enabled` or `Disabled` here (Lambda passes through `Enabling` / `Disabling` on its way). */
  State: 'Enabled' | 'Disabled';
  /** Where the mapping sends the records it discards (issue #17); absent when none is set. */
  DestinationConfig?: { OnFailure?: { Destination?: string } };
}

/** A code-signing config (issue #17), as `GetCodeSigningConfig` returns it. */
export interface CodeSigningConfig {
  readonly CodeSigningConfigArn: string;
  readonly CodeSigningConfigId: string;
  readonly Description?: string | undefined;
  readonly AllowedPublishers: { readonly SigningProfileVersionArns: readonly string[] };
  readonly CodeSigningPolicies: { readonly UntrustedArtifactOnDeployment: 'Warn' | 'Enforce' };
  readonly LastModified: string;
}

/** `arn:aws:lambda:<region>:<account>:code-signing-config:csc-<17 hex>`. */
export const CODE_SIGNING_CONFIG_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:code-signing-config:(csc-[a-z0-9]{17})$/;

interface LayerVersionState {
  readonly ref: LayerVersionRef;
  readonly details: Record<string, unknown>;
  policy: StoredPolicy | null;
  revisionId: string;
}

/** A function's resource policy as `GetPolicy` returns it. */
export interface PolicyOutput {
  readonly Policy: string;
  readonly RevisionId: string;
}

/** What `UpdateFunctionConfiguration` (or CloudTrail's record of it) may change, in output shape. */
export type ConfigurationPatch = Readonly<Record<string, unknown>>;

/** The URL settings `CreateFunctionUrlConfig` and `UpdateFunctionUrlConfig` take. */
export interface UrlConfigInput {
  readonly AuthType?: string | undefined;
  readonly Cors?: unknown;
  readonly InvokeMode?: string | undefined;
  /** Known values from a CloudTrail record (kept instead of generated ones). */
  readonly FunctionUrl?: string | undefined;
  readonly CreationTime?: string | undefined;
}

const POLICY_VERSION = '2012-10-17';
const NOT_FOUND = 'The resource you requested does not exist.';

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: {}, Type: 'User' });
}

function conflict(message: string): ResourceConflictException {
  return new ResourceConflictException({ message, $metadata: {}, Type: 'User' });
}

function invalidParameter(message: string): InvalidParameterValueException {
  return new InvalidParameterValueException({ message, $metadata: {}, Type: 'User' });
}

function qualifierKey(qualifier: string | undefined): string {
  return qualifier === undefined || qualifier === '' || qualifier === '$LATEST' ? '' : qualifier;
}

/** ARNs by key object: a reader asks several questions about one (immutable) reference. */
const arnOfKey = new WeakMap<FunctionKey, string>();

function unqualifiedArn(key: FunctionKey): string {
  let arn = arnOfKey.get(key);
  if (arn === undefined) {
    arn = functionArn({ kind: 'lambda-function', account: key.account, region: key.region, functionName: key.functionName, qualifier: undefined });
    arnOfKey.set(key, arn);
  }
  return arn;
}

/** Lambda's `LastModified` format: `2024-05-01T12:00:00.000+0000`. */
export function lambdaTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/**
 * A policy document over the stored statements. `copy: false` shares the statement objects (they
 * are replaced, never mutated, when the policy changes): for readers that only look, such as rules.
 */
function documentOf(policy: StoredPolicy, copy = true): PolicyDocument {
  const document: PolicyDocument = { Statement: copy ? structuredClone(policy.statements) : [...policy.statements] };
  return { ...(policy.version === undefined ? {} : { Version: policy.version }), ...(policy.id === undefined ? {} : { Id: policy.id }), ...document };
}

function storedPolicyOf(document: PolicyDocument): StoredPolicy {
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return { version: document.Version, id: document.Id, statements: structuredClone(statements) };
}

function newPolicy(): StoredPolicy {
  return { version: POLICY_VERSION, id: 'default', statements: [] };
}

/** The in-memory Lambda service of any number of accounts and regions. */
export class InMemoryLambda {
  private readonly functions = new Map<string, FunctionState>();
  private readonly layerVersions = new Map<string, LayerVersionState>();
  private readonly codeSigningConfigs = new Map<string, CodeSigningConfig>();
  private revisions = 0;
  private clock: () => Date;

  constructor(clock: () => Date = () => new Date()) {
    this.clock = clock;
  }

  /** Runs `action` with the clock stopped at `time` (CloudTrail's `eventTime` when replaying). */
  at<T>(time: Date, action: () => T): T {
    const saved = this.clock;
    this.clock = () => time;
    try {
      return action();
    } finally {
      this.clock = saved;
    }
  }

  private nextRevision(): string {
    this.revisions += 1;
    return `00000000-0000-4000-8000-${this.revisions.toString(16).padStart(12, '0')}`;
  }

  // ── Functions ─────────────────────────────────────────────────────────────────────────

  hasFunction(key: FunctionKey): boolean {
    return this.functions.has(unqualifiedArn(key));
  }

  /** True when the function exists and, for a qualified reference, so does the version or alias. */
  hasQualified(ref: FunctionRef): boolean {
    const state = this.functions.get(unqualifiedArn(ref));
    if (state === undefined) return false;
    const qualifier = qualifierKey(ref.qualifier);
    return qualifier === '' || state.qualifiers.has(qualifier);
  }

  private requireFunction(ref: FunctionKey & { qualifier?: string | undefined }): FunctionState {
    const state = this.functions.get(unqualifiedArn(ref));
    if (state === undefined) {
      throw notFound(`Function not found: ${functionArn({ kind: 'lambda-function', ...ref })}`);
    }
    return state;
  }

  /** The function and the qualifier key, after checking that the version or alias exists. */
  private requireQualified(ref: FunctionRef): { state: FunctionState; qualifier: string } {
    const state = this.requireFunction(ref);
    const qualifier = qualifierKey(ref.qualifier);
    if (qualifier !== '' && !state.qualifiers.has(qualifier)) {
      throw notFound(`Function not found: ${functionArn(ref)}`);
    }
    return { state, qualifier };
  }

  private revisionOf(state: FunctionState, qualifier: string): string {
    if (qualifier === '') return state.configuration.RevisionId as string;
    return state.qualifiers.get(qualifier)?.revisionId ?? '';
  }

  private bumpRevision(state: FunctionState, qualifier: string): void {
    const revision = this.nextRevision();
    if (qualifier === '') state.configuration.RevisionId = revision;
    else {
      const entry = state.qualifiers.get(qualifier);
      if (entry !== undefined) entry.revisionId = revision;
    }
  }

  private checkRevision(state: FunctionState, qualifier: string, revisionId: string | undefined): void {
    if (revisionId !== undefined && revisionId !== this.revisionOf(state, qualifier)) {
      throw new PreconditionFailedException({
        message: 'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
        $metadata: {},
        Type: 'User',
      });
    }
  }

  /** The configuration Lambda gives a new function when nothing else is known. */
  defaultConfiguration(key: FunctionKey): FunctionConfiguration {
    return {
      FunctionName: key.functionName,
      FunctionArn: unqualifiedArn(key),
      Runtime: 'nodejs22.x',
      Role: `arn:${partitionOf(key.region)}:iam::${key.account}:role/${key.functionName}-role`,
      Handler: 'index.handler',
      CodeSize: 0,
      Description: '',
      Timeout: 3,
      MemorySize: 128,
      LastModified: lambdaTimestamp(this.clock()),
      CodeSha256: '',
      Version: '$LATEST',
      TracingConfig: { Mode: 'PassThrough' },
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
      Architectures: ['x86_64'],
    };
  }

  /**
   * Creates a function: the default configuration (unless `withDefaults` is false) overlaid with
   * `configuration` (output shape); the name, ARN and a revision id are always set.
   * @throws ResourceConflictException when it exists.
   */
  createFunction(
    key: FunctionKey,
    configuration: ConfigurationPatch = {},
    tags: Readonly<Record<string, string>> = {},
    options: { readonly withDefaults?: boolean } = {},
  ): FunctionConfiguration {
    const arn = unqualifiedArn(key);
    if (this.functions.has(arn)) throw conflict(`Function already exist: ${key.functionName}`);
    const base = options.withDefaults === false ? {} : this.defaultConfiguration(key);
    const state: FunctionState = {
      key: { account: key.account, region: key.region, functionName: key.functionName },
      configuration: base,
      qualifiers: new Map(),
      policies: new Map(),
      urlConfigs: new Map(),
      eventInvokeConfigs: new Map(),
      tags: { ...tags },
      reservedConcurrency: undefined,
      recursiveLoop: 'Terminate',
      codeSigningConfigArn: undefined,
      nextVersion: 1,
      eventSourceMappings: new Map(),
    };
    applyPatch(state.configuration, configuration);
    state.configuration.FunctionName = key.functionName;
    state.configuration.FunctionArn = arn;
    if (typeof state.configuration.RevisionId !== 'string') state.configuration.RevisionId = this.nextRevision();
    this.functions.set(arn, state);
    return structuredClone(state.configuration);
  }

  /** Deletes a function, or only one version when the reference is qualified. */
  deleteFunction(ref: FunctionRef): void {
    const { state, qualifier } = this.requireQualified(ref);
    if (qualifier === '') {
      this.functions.delete(unqualifiedArn(ref));
      return;
    }
    state.qualifiers.delete(qualifier);
    state.policies.delete(qualifier);
    state.urlConfigs.delete(qualifier);
    state.eventInvokeConfigs.delete(qualifier);
  }

  /**
   * The configuration `GetFunctionConfiguration` returns. `copy: false` shares the stored objects:
   * for readers that validate (and so copy) what they keep, such as the state reader.
   */
  getFunctionConfiguration(ref: FunctionRef, options: { readonly copy?: boolean } = {}): FunctionConfiguration {
    const copy = options.copy ?? true ? structuredClone : <T>(value: T): T => value;
    const { state, qualifier } = this.requireQualified(ref);
    if (qualifier === '') return copy(state.configuration);
    const entry = state.qualifiers.get(qualifier);
    const version = entry?.version ?? '$LATEST';
    const frozen = entry?.kind === 'version' ? entry.configuration : state.qualifiers.get(version)?.configuration;
    return copy({ ...(frozen ?? state.configuration), FunctionArn: functionArn(ref), Version: version, RevisionId: entry?.revisionId });
  }

  /** `GetFunction`'s answer: configuration, tags and reserved concurrency. */
  getFunction(ref: FunctionRef): { Configuration: FunctionConfiguration; Tags?: Record<string, string>; Concurrency?: { ReservedConcurrentExecutions: number } } {
    const configuration = this.getFunctionConfiguration(ref);
    const state = this.requireFunction(ref);
    return {
      Configuration: configuration,
      ...(Object.keys(state.tags).length === 0 ? {} : { Tags: { ...state.tags } }),
      ...(state.reservedConcurrency === undefined ? {} : { Concurrency: { ReservedConcurrentExecutions: state.reservedConcurrency } }),
    };
  }

  /** Applies a configuration change (output shape: `Layers` as `{Arn}` objects) to `$LATEST`. */
  updateFunctionConfiguration(ref: FunctionKey, patch: ConfigurationPatch, revisionId?: string): FunctionConfiguration {
    const state = this.requireFunction(ref);
    this.checkRevision(state, '', revisionId);
    applyPatch(state.configuration, patch);
    state.configuration.FunctionName = ref.functionName;
    state.configuration.FunctionArn = unqualifiedArn(ref);
    state.configuration.LastModified = lambdaTimestamp(this.clock());
    this.bumpRevision(state, '');
    return structuredClone(state.configuration);
  }

  /** Publishes `$LATEST` as a new version (frozen configuration) and returns its number. */
  publishVersion(key: FunctionKey, version?: string): string {
    const state = this.requireFunction(key);
    const number = version ?? String(state.nextVersion);
    state.nextVersion = Math.max(state.nextVersion, Number(number) + 1 || state.nextVersion + 1);
    const revisionId = this.nextRevision();
    state.qualifiers.set(number, {
      kind: 'version',
      version: number,
      configuration: { ...structuredClone(state.configuration), Version: number, FunctionArn: `${unqualifiedArn(key)}:${number}` },
      revisionId,
    });
    return number;
  }

  /** Creates or moves an alias. */
  putAlias(key: FunctionKey, alias: string, functionVersion = '$LATEST'): void {
    const state = this.requireFunction(key);
    if (/^\d+$/.test(alias)) throw invalidParameter(`Alias name ${alias} must not be a version number`);
    const existing = state.qualifiers.get(alias);
    if (existing !== undefined) {
      existing.version = functionVersion;
      existing.revisionId = this.nextRevision();
      return;
    }
    state.qualifiers.set(alias, { kind: 'alias', version: functionVersion, revisionId: this.nextRevision() });
  }

  /** Makes a version or alias exist (a number is a version, anything else an alias to `$LATEST`). */
  ensureQualifier(ref: FunctionRef): void {
    const state = this.requireFunction(ref);
    const qualifier = qualifierKey(ref.qualifier);
    if (qualifier === '' || state.qualifiers.has(qualifier)) return;
    if (/^\d+$/.test(qualifier)) this.publishVersion(ref, qualifier);
    else this.putAlias(ref, qualifier);
  }

  /** The aliases of a function with the version each points to, as `ListAliases` returns them. */
  aliasesOf(key: FunctionKey): readonly { readonly name: string; readonly functionVersion: string }[] {
    return [...this.requireFunction(key).qualifiers.entries()].flatMap(([name, q]) => (q.kind === 'alias' ? [{ name, functionVersion: q.version }] : []));
  }

  /** The versions and aliases of a function. */
  qualifiersOf(key: FunctionKey): readonly string[] {
    return [...this.requireFunction(key).qualifiers.keys()];
  }

  // ── Resource policies ─────────────────────────────────────────────────────────────────

  /** The revision id GetPolicy would return with the policy (undefined when there is none). */
  policyRevisionId(ref: FunctionRef): string | undefined {
    if (!this.hasQualified(ref)) return undefined;
    const { state, qualifier } = this.requireQualified(ref);
    return state.policies.get(qualifier)?.statements.length ? this.revisionOf(state, qualifier) : undefined;
  }

  /** The revision id GetLayerVersionPolicy would return (undefined when there is no policy). */
  layerPolicyRevisionId(ref: LayerVersionRef): string | undefined {
    return this.layerPolicyDocument(ref, { copy: false }) === null ? undefined : this.requireLayerVersion(ref).revisionId;
  }

  getPolicy(ref: FunctionRef): PolicyOutput {
    const { state, qualifier } = this.requireQualified(ref);
    const policy = state.policies.get(qualifier);
    if (policy === undefined || policy.statements.length === 0) throw notFound(NOT_FOUND);
    return { Policy: JSON.stringify(documentOf(policy)), RevisionId: this.revisionOf(state, qualifier) };
  }

  /** The policy document, or null when the function has none. */
  policyDocument(ref: FunctionRef, options: { readonly copy?: boolean } = {}): PolicyDocument | null {
    const { state, qualifier } = this.requireQualified(ref);
    const policy = state.policies.get(qualifier);
    return policy === undefined || policy.statements.length === 0 ? null : documentOf(policy, options.copy ?? true);
  }

  /**
   * Adds a statement, built as Lambda builds it unless `statement` gives the exact one.
   * @throws ResourceConflictException for a statement id in use (unless `replace`).
   */
  addPermission(
    ref: FunctionRef,
    input: FunctionPermissionInput & { readonly RevisionId?: string | undefined },
    options: { readonly statement?: PolicyStatement | null; readonly replace?: boolean } = {},
  ): PolicyStatement {
    const { state, qualifier } = this.requireQualified(ref);
    this.checkRevision(state, qualifier, input.RevisionId);
    const policy = state.policies.get(qualifier) ?? newPolicy();
    const index = policy.statements.findIndex((s) => s.Sid === input.StatementId);
    if (index >= 0 && options.replace !== true) {
      throw conflict(`The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
    }
    const statement = options.statement ?? functionPermissionStatement(input, functionArn(ref), ref.region);
    if (index >= 0) policy.statements.splice(index, 1, statement);
    else policy.statements.push(statement);
    state.policies.set(qualifier, policy);
    this.bumpRevision(state, qualifier);
    return structuredClone(statement);
  }

  /** Removes one statement; the policy goes when its last statement does. */
  removePermission(ref: FunctionRef, statementId: string, revisionId?: string): void {
    const { state, qualifier } = this.requireQualified(ref);
    this.checkRevision(state, qualifier, revisionId);
    const policy = state.policies.get(qualifier);
    const index = policy?.statements.findIndex((s) => s.Sid === statementId) ?? -1;
    if (policy === undefined || index < 0) throw notFound(`Statement ${statementId} is not found in resource policy.`);
    policy.statements.splice(index, 1);
    if (policy.statements.length === 0) state.policies.delete(qualifier);
    this.bumpRevision(state, qualifier);
  }

  /** Replaces the whole policy (seeding); null removes it. */
  setPolicy(ref: FunctionRef, document: PolicyDocument | null): void {
    const { state, qualifier } = this.requireQualified(ref);
    if (document === null) state.policies.delete(qualifier);
    else state.policies.set(qualifier, storedPolicyOf(document));
  }

  // ── Function URLs ─────────────────────────────────────────────────────────────────────

  getFunctionUrlConfig(ref: FunctionRef): FunctionUrlConfig {
    const { state, qualifier } = this.requireQualified(ref);
    const config = state.urlConfigs.get(qualifier);
    if (config === undefined) throw notFound(NOT_FOUND);
    return structuredClone(config);
  }

  /** The URL config, or null when there is none. */
  urlConfig(ref: FunctionRef): FunctionUrlConfig | null {
    const { state, qualifier } = this.requireQualified(ref);
    const config = state.urlConfigs.get(qualifier);
    return config === undefined ? null : structuredClone(config);
  }

  /** @throws ResourceConflictException when the function (qualifier) already has a URL. */
  createFunctionUrlConfig(ref: FunctionRef, input: UrlConfigInput): FunctionUrlConfig {
    const { state, qualifier } = this.requireQualified(ref);
    if (state.urlConfigs.has(qualifier)) throw conflict(`Failed to create function url config for [functionArn = ${functionArn(ref)}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
    if (input.AuthType !== 'NONE' && input.AuthType !== 'AWS_IAM') throw invalidParameter(`1 validation error detected: Value '${String(input.AuthType)}' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [AWS_IAM, NONE]`);
    const now = new Date(this.clock()).toISOString();
    const config: FunctionUrlConfig = {
      FunctionUrl: input.FunctionUrl ?? functionUrlOf(ref),
      FunctionArn: functionArn(ref),
      AuthType: input.AuthType,
      ...(input.Cors === undefined ? {} : { Cors: structuredClone(input.Cors) }),
      CreationTime: input.CreationTime ?? now,
      LastModifiedTime: now,
      InvokeMode: input.InvokeMode ?? 'BUFFERED',
    };
    state.urlConfigs.set(qualifier, config);
    return structuredClone(config);
  }

  updateFunctionUrlConfig(ref: FunctionRef, input: UrlConfigInput): FunctionUrlConfig {
    const { state, qualifier } = this.requireQualified(ref);
    const existing = state.urlConfigs.get(qualifier);
    if (existing === undefined) throw notFound(NOT_FOUND);
    if (input.AuthType !== undefined && input.AuthType !== 'NONE' && input.AuthType !== 'AWS_IAM') {
      throw invalidParameter(`1 validation error detected: Value '${input.AuthType}' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [AWS_IAM, NONE]`);
    }
    const updated: FunctionUrlConfig = {
      ...existing,
      ...(input.AuthType === undefined ? {} : { AuthType: input.AuthType }),
      ...(input.Cors === undefined ? {} : { Cors: structuredClone(input.Cors) }),
      ...(input.InvokeMode === undefined ? {} : { InvokeMode: input.InvokeMode }),
      LastModifiedTime: new Date(this.clock()).toISOString(),
    };
    state.urlConfigs.set(qualifier, updated);
    return structuredClone(updated);
  }

  deleteFunctionUrlConfig(ref: FunctionRef): void {
    const { state, qualifier } = this.requireQualified(ref);
    if (!state.urlConfigs.delete(qualifier)) throw notFound(NOT_FOUND);
  }

  /** Replaces the URL config (seeding); null removes it. */
  setUrlConfig(ref: FunctionRef, config: FunctionUrlConfig | null): void {
    const { state, qualifier } = this.requireQualified(ref);
    if (config === null) state.urlConfigs.delete(qualifier);
    else state.urlConfigs.set(qualifier, { ...structuredClone(config), FunctionArn: config.FunctionArn ?? functionArn(ref) });
  }

  // ── Asynchronous invocation (destinations) ─────────────────────────────────────────────

  /** `GetFunctionEventInvokeConfig`'s answer. @throws ResourceNotFoundException when there is none. */
  getFunctionEventInvokeConfig(ref: FunctionRef): FunctionEventInvokeConfig {
    const config = this.eventInvokeConfig(ref);
    if (config === null) throw notFound(`The function ${functionArn(ref)} doesn't have an EventInvokeConfig`);
    return config;
  }

  /** The asynchronous invocation config of the function, version or alias, or null when there is none. */
  eventInvokeConfig(ref: FunctionRef): FunctionEventInvokeConfig | null {
    const { state, qualifier } = this.requireQualified(ref);
    const config = state.eventInvokeConfigs.get(qualifier);
    return config === undefined ? null : structuredClone(config);
  }

  /** `PutFunctionEventInvokeConfig`: replaces the whole config; settings left out are removed. */
  putFunctionEventInvokeConfig(ref: FunctionRef, input: EventInvokeConfigInput): FunctionEventInvokeConfig {
    const { state, qualifier } = this.requireQualified(ref);
    const config = eventInvokeConfigOf(functionArn(ref), this.clock(), undefined, input);
    state.eventInvokeConfigs.set(qualifier, config);
    return structuredClone(config);
  }

  /**
   * `UpdateFunctionEventInvokeConfig`: changes only the settings given (`OnSuccess` and `OnFailure`
   * each on their own; an empty `Destination` removes one).
   * @throws ResourceNotFoundException when the function (qualifier) has no config yet.
   */
  updateFunctionEventInvokeConfig(ref: FunctionRef, input: EventInvokeConfigInput): FunctionEventInvokeConfig {
    const { state, qualifier } = this.requireQualified(ref);
    const existing = state.eventInvokeConfigs.get(qualifier);
    if (existing === undefined) throw notFound(`The function ${functionArn(ref)} doesn't have an EventInvokeConfig`);
    const config = eventInvokeConfigOf(functionArn(ref), this.clock(), existing, input);
    state.eventInvokeConfigs.set(qualifier, config);
    return structuredClone(config);
  }

  deleteFunctionEventInvokeConfig(ref: FunctionRef): void {
    const { state, qualifier } = this.requireQualified(ref);
    if (!state.eventInvokeConfigs.delete(qualifier)) throw notFound(`The function ${functionArn(ref)} doesn't have an EventInvokeConfig`);
  }

  /** Replaces the asynchronous invocation config (seeding); null removes it. */
  setEventInvokeConfig(ref: FunctionRef, config: FunctionEventInvokeConfig | null): void {
    const { state, qualifier } = this.requireQualified(ref);
    if (config === null) state.eventInvokeConfigs.delete(qualifier);
    else state.eventInvokeConfigs.set(qualifier, { ...structuredClone(config), FunctionArn: config.FunctionArn ?? functionArn(ref) });
  }

  // ── Tags and concurrency ──────────────────────────────────────────────────────────────

  listTags(key: FunctionKey): Record<string, string> {
    return { ...this.requireFunction(key).tags };
  }

  tagResource(key: FunctionKey, tags: Readonly<Record<string, string>>): void {
    const state = this.requireFunction(key);
    state.tags = { ...state.tags, ...tags };
  }

  untagResource(key: FunctionKey, tagKeys: readonly string[]): void {
    const state = this.requireFunction(key);
    state.tags = Object.fromEntries(Object.entries(state.tags).filter(([k]) => !tagKeys.includes(k)));
  }

  /** Replaces all tags (seeding). */
  setTags(key: FunctionKey, tags: Readonly<Record<string, string>>): void {
    this.requireFunction(key).tags = { ...tags };
  }

  getReservedConcurrency(key: FunctionKey): number | undefined {
    return this.requireFunction(key).reservedConcurrency;
  }

  putFunctionConcurrency(key: FunctionKey, reserved: number): number {
    if (!Number.isInteger(reserved) || reserved < 0) throw invalidParameter(`Invalid ReservedConcurrentExecutions: ${String(reserved)}`);
    this.requireFunction(key).reservedConcurrency = reserved;
    return reserved;
  }

  deleteFunctionConcurrency(key: FunctionKey): void {
    this.requireFunction(key).reservedConcurrency = undefined;
  }

  // ── Recursion and code signing (issue #17) ────────────────────────────────────────────

  getRecursiveLoop(key: FunctionKey): 'Allow' | 'Terminate' {
    return this.requireFunction(key).recursiveLoop;
  }

  putFunctionRecursionConfig(key: FunctionKey, recursiveLoop: string): 'Allow' | 'Terminate' {
    if (recursiveLoop !== 'Allow' && recursiveLoop !== 'Terminate') throw invalidParameter(`Invalid RecursiveLoop: ${recursiveLoop}`);
    this.requireFunction(key).recursiveLoop = recursiveLoop;
    return recursiveLoop;
  }

  /** The ARN of the function's code-signing config, or undefined. */
  getFunctionCodeSigningConfigArn(key: FunctionKey): string | undefined {
    return this.requireFunction(key).codeSigningConfigArn;
  }

  /** @throws ResourceNotFoundException when the config does not exist. */
  putFunctionCodeSigningConfig(key: FunctionKey, codeSigningConfigArn: string): void {
    const state = this.requireFunction(key);
    this.getCodeSigningConfig(codeSigningConfigArn);
    state.codeSigningConfigArn = codeSigningConfigArn;
  }

  deleteFunctionCodeSigningConfig(key: FunctionKey): void {
    this.requireFunction(key).codeSigningConfigArn = undefined;
  }

  /** Creates (or, with a known ARN, replaces) a code-signing config; returns its ARN. */
  putCodeSigningConfig(
    place: { readonly account: string; readonly region: string },
    input: { readonly arn?: string | undefined; readonly untrustedArtifactOnDeployment?: string | undefined; readonly signingProfileVersionArns?: readonly string[] | undefined; readonly description?: string | undefined },
  ): string {
    const policy = input.untrustedArtifactOnDeployment ?? 'Warn';
    if (policy !== 'Warn' && policy !== 'Enforce') throw invalidParameter(`Invalid UntrustedArtifactOnDeployment: ${policy}`);
    const id = input.arn === undefined ? `csc-${createHash('sha256').update(`${place.account}:${place.region}:${String(this.codeSigningConfigs.size)}`).digest('hex').slice(0, 17)}` : CODE_SIGNING_CONFIG_ARN.exec(input.arn)?.[1];
    if (id === undefined) throw invalidParameter(`Invalid CodeSigningConfigArn: ${String(input.arn)}`);
    const arn = input.arn ?? `arn:${partitionOf(place.region)}:lambda:${place.region}:${place.account}:code-signing-config:${id}`;
    this.codeSigningConfigs.set(arn, {
      CodeSigningConfigArn: arn,
      CodeSigningConfigId: id,
      ...(input.description === undefined ? {} : { Description: input.description }),
      AllowedPublishers: { SigningProfileVersionArns: [...(input.signingProfileVersionArns ?? [])] },
      CodeSigningPolicies: { UntrustedArtifactOnDeployment: policy },
      LastModified: lambdaTimestamp(this.clock()),
    });
    return arn;
  }

  /** @throws ResourceNotFoundException when the config does not exist. */
  getCodeSigningConfig(arn: string): CodeSigningConfig {
    const config = this.codeSigningConfigs.get(arn);
    if (config === undefined) throw notFound(`Code signing config not found: ${arn}`);
    return structuredClone(config);
  }

  /** `UpdateCodeSigningConfig`: changes only the fields given. */
  updateCodeSigningConfig(arn: string, input: { readonly untrustedArtifactOnDeployment?: string | undefined; readonly signingProfileVersionArns?: readonly string[] | undefined; readonly description?: string | undefined }): CodeSigningConfig {
    const config = this.getCodeSigningConfig(arn);
    const [account, region] = [arn.split(':')[4] ?? '', arn.split(':')[3] ?? ''];
    this.putCodeSigningConfig(
      { account, region },
      {
        arn,
        untrustedArtifactOnDeployment: input.untrustedArtifactOnDeployment ?? config.CodeSigningPolicies.UntrustedArtifactOnDeployment,
        signingProfileVersionArns: input.signingProfileVersionArns ?? config.AllowedPublishers.SigningProfileVersionArns,
        description: input.description ?? config.Description,
      },
    );
    return this.getCodeSigningConfig(arn);
  }

  codeSigningConfigArns(): readonly string[] {
    return [...this.codeSigningConfigs.keys()].sort();
  }

  /** The unqualified ARNs of the functions that use a code-signing config. */
  functionsWithCodeSigningConfig(arn: string): string[] {
    return [...this.functions.values()].filter((state) => state.codeSigningConfigArn === arn).map((state) => unqualifiedArn(state.key)).sort();
  }

  // ── Event-source mappings ─────────────────────────────────────────────────────────────

  /** Adds a mapping (seeding); its UUID must be new in the whole service. */
  addEventSourceMapping(key: FunctionKey, mapping: Readonly<EventSourceMappingState>): void {
    if (this.mappingOwner(mapping.UUID) !== undefined) throw conflict(`The event source mapping ${mapping.UUID} already exists`);
    this.requireFunction(key).eventSourceMappings.set(mapping.UUID, { ...mapping });
  }

  /** The function's mappings, sorted by UUID, with `FunctionArn` as `ListEventSourceMappings` returns it. */
  listEventSourceMappings(key: FunctionKey): (EventSourceMappingState & { readonly FunctionArn: string })[] {
    const state = this.requireFunction(key);
    return [...state.eventSourceMappings.values()].sort((a, b) => a.UUID.localeCompare(b.UUID)).map((m) => ({ ...m, FunctionArn: unqualifiedArn(key) }));
  }

  /** `UpdateEventSourceMapping` with `Enabled`: the mapping's new state (ResourceNotFoundException for an unknown UUID). */
  updateEventSourceMapping(uuid: string, enabled: boolean): EventSourceMappingState & { readonly FunctionArn: string } {
    return this.changeEventSourceMapping(uuid, { enabled });
  }

  /**
   * `UpdateEventSourceMapping` with `Enabled` and/or `DestinationConfig` (issue #17): an `OnFailure` without a
   * `Destination` clears it; settings not given stay.
   */
  changeEventSourceMapping(uuid: string, change: { readonly enabled?: boolean | undefined; readonly onFailure?: { readonly Destination?: string | undefined } | undefined }): EventSourceMappingState & { readonly FunctionArn: string } {
    const owner = this.mappingOwner(uuid);
    const mapping = owner?.eventSourceMappings.get(uuid);
    if (owner === undefined || mapping === undefined) throw notFound(`The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${uuid})`);
    if (change.enabled !== undefined) mapping.State = change.enabled ? 'Enabled' : 'Disabled';
    if (change.onFailure !== undefined) {
      const destination = change.onFailure.Destination;
      if (destination === undefined || destination === '') delete mapping.DestinationConfig;
      else mapping.DestinationConfig = { OnFailure: { Destination: destination } };
    }
    return { ...mapping, FunctionArn: unqualifiedArn(owner.key) };
  }

  /** `GetEventSourceMapping`: the mapping with the function it invokes (ResourceNotFoundException for an unknown UUID). */
  getEventSourceMapping(uuid: string): EventSourceMappingState & { readonly FunctionArn: string } {
    const owner = this.mappingOwner(uuid);
    const mapping = owner?.eventSourceMappings.get(uuid);
    if (owner === undefined || mapping === undefined) throw notFound(`The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${uuid})`);
    return { ...mapping, FunctionArn: unqualifiedArn(owner.key) };
  }

  /** `DeleteEventSourceMapping`; false when no mapping has the UUID. */
  deleteEventSourceMapping(uuid: string): boolean {
    return this.mappingOwner(uuid)?.eventSourceMappings.delete(uuid) ?? false;
  }

  /** `ListEventSourceMappings` without `FunctionName`: every mapping of an account and region, sorted by UUID. */
  listAllEventSourceMappings(account: string, region: string): (EventSourceMappingState & { readonly FunctionArn: string })[] {
    return [...this.functions.values()]
      .filter((state) => state.key.account === account && state.key.region === region)
      .flatMap((state) => [...state.eventSourceMappings.values()].map((m) => ({ ...m, FunctionArn: unqualifiedArn(state.key) })))
      .sort((a, b) => a.UUID.localeCompare(b.UUID));
  }

  private mappingOwner(uuid: string): FunctionState | undefined {
    for (const state of this.functions.values()) if (state.eventSourceMappings.has(uuid)) return state;
    return undefined;
  }

  /** The unqualified ARNs of the account's functions whose execution role is `roleArn`, without copying any state (issue #4). */
  functionsWithRole(account: string, roleArn: string): string[] {
    // Every change draws a new revision id or changes the number of functions: the index is rebuilt then.
    const generation = `${String(this.revisions)}/${String(this.functions.size)}`;
    if (this.roleIndex?.generation !== generation) {
      const byRole = new Map<string, string[]>();
      for (const state of this.functions.values()) {
        const key = `${state.key.account}|${String(state.configuration.Role)}`;
        byRole.set(key, [...(byRole.get(key) ?? []), unqualifiedArn(state.key)]);
      }
      this.roleIndex = { generation, byRole };
    }
    return [...(this.roleIndex.byRole.get(`${account}|${roleArn}`) ?? [])].sort();
  }

  private roleIndex: { readonly generation: string; readonly byRole: ReadonlyMap<string, string[]> } | undefined;

  /** Every function's unqualified key, in insertion order. */
  functionKeys(): readonly FunctionKey[] {
    return [...this.functions.values()].map((s) => ({ ...s.key }));
  }

  // ── Layers ────────────────────────────────────────────────────────────────────────────

  hasLayerVersion(ref: LayerVersionRef): boolean {
    return this.layerVersions.has(layerVersionArn(ref));
  }

  private requireLayerVersion(ref: LayerVersionRef): LayerVersionState {
    const state = this.layerVersions.get(layerVersionArn(ref));
    if (state === undefined) throw notFound(NOT_FOUND);
    return state;
  }

  /**
   * Publishes a layer version: the next number unless `version` says which (replaying CloudTrail).
   * Returns its reference.
   */
  publishLayerVersion(layer: Pick<LayerVersionRef, 'account' | 'region' | 'layerName'>, details: Readonly<Record<string, unknown>> = {}, version?: number): LayerVersionRef {
    const prefix = `${layerArn(layer)}:`;
    const taken = [...this.layerVersions.keys()].filter((k) => k.startsWith(prefix)).map((k) => Number(k.slice(prefix.length)));
    const number = version ?? Math.max(0, ...taken) + 1;
    const ref: LayerVersionRef = { kind: 'lambda-layer-version', account: layer.account, region: layer.region, layerName: layer.layerName, version: number };
    const existing = this.layerVersions.get(layerVersionArn(ref));
    this.layerVersions.set(layerVersionArn(ref), {
      ref,
      details: {
        LayerArn: layerArn(ref),
        LayerVersionArn: layerVersionArn(ref),
        Version: number,
        CreatedDate: lambdaTimestamp(this.clock()),
        ...structuredClone(details),
      },
      policy: existing?.policy ?? null,
      revisionId: existing?.revisionId ?? this.nextRevision(),
    });
    return ref;
  }

  /** Deletes a layer version; deleting one that does not exist succeeds, as in Lambda. */
  deleteLayerVersion(ref: LayerVersionRef): void {
    this.layerVersions.delete(layerVersionArn(ref));
  }

  /** `GetLayerVersion`-shaped details of a layer version. */
  layerVersionDetails(ref: LayerVersionRef): Record<string, unknown> {
    return structuredClone(this.requireLayerVersion(ref).details);
  }

  getLayerVersionPolicy(ref: LayerVersionRef): PolicyOutput {
    const state = this.requireLayerVersion(ref);
    if (state.policy === null || state.policy.statements.length === 0) throw notFound(NOT_FOUND);
    return { Policy: JSON.stringify(documentOf(state.policy)), RevisionId: state.revisionId };
  }

  /** The layer version's policy document, or null when it has none or does not exist. */
  layerPolicyDocument(ref: LayerVersionRef, options: { readonly copy?: boolean } = {}): PolicyDocument | null {
    const state = this.layerVersions.get(layerVersionArn(ref));
    if (state?.policy == null || state.policy.statements.length === 0) return null;
    return documentOf(state.policy, options.copy ?? true);
  }

  addLayerVersionPermission(
    ref: LayerVersionRef,
    input: LayerPermissionInput & { readonly RevisionId?: string | undefined },
    options: { readonly statement?: PolicyStatement | null; readonly replace?: boolean } = {},
  ): { Statement: PolicyStatement; RevisionId: string } {
    const state = this.requireLayerVersion(ref);
    this.checkLayerRevision(state, input.RevisionId);
    const policy = state.policy ?? newPolicy();
    const index = policy.statements.findIndex((s) => s.Sid === input.StatementId);
    if (index >= 0 && options.replace !== true) {
      throw conflict(`The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
    }
    const statement = options.statement ?? layerPermissionStatement(input, layerVersionArn(ref), ref.region);
    if (index >= 0) policy.statements.splice(index, 1, statement);
    else policy.statements.push(statement);
    state.policy = policy;
    state.revisionId = this.nextRevision();
    return { Statement: structuredClone(statement), RevisionId: state.revisionId };
  }

  removeLayerVersionPermission(ref: LayerVersionRef, statementId: string, revisionId?: string): void {
    const state = this.requireLayerVersion(ref);
    this.checkLayerRevision(state, revisionId);
    const index = state.policy?.statements.findIndex((s) => s.Sid === statementId) ?? -1;
    if (state.policy === null || index < 0) throw notFound(`Statement ${statementId} is not found in resource policy.`);
    state.policy.statements.splice(index, 1);
    if (state.policy.statements.length === 0) state.policy = null;
    state.revisionId = this.nextRevision();
  }

  /** Replaces the layer version's policy (seeding); null removes it. */
  setLayerVersionPolicy(ref: LayerVersionRef, document: PolicyDocument | null): void {
    this.requireLayerVersion(ref).policy = document === null ? null : storedPolicyOf(document);
  }

  private checkLayerRevision(state: LayerVersionState, revisionId: string | undefined): void {
    if (revisionId !== undefined && revisionId !== state.revisionId) {
      throw new PreconditionFailedException({
        message: 'The Revision Id provided does not match the latest Revision Id. Call the GetLayerVersionPolicy API to retrieve the latest Revision Id',
        $metadata: {},
        Type: 'User',
      });
    }
  }

  /** Every layer version, in insertion order. */
  layerVersionRefs(): readonly LayerVersionRef[] {
    return [...this.layerVersions.values()].map((s) => ({ ...s.ref }));
  }
}

/** The settings `PutFunctionEventInvokeConfig` and `UpdateFunctionEventInvokeConfig` take. */
export interface EventInvokeConfigInput {
  readonly MaximumRetryAttempts?: number | undefined;
  readonly MaximumEventAgeInSeconds?: number | undefined;
  readonly DestinationConfig?: {
    readonly OnSuccess?: { readonly Destination?: string | undefined } | undefined;
    readonly OnFailure?: { readonly Destination?: string | undefined } | undefined;
  } | undefined;
}

const DESTINATION_ARN = /^arn:aws[a-zA-Z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;

/** The config after `input`: over nothing (Put) or over `existing` (Update), destinations validated as Lambda does. */
function eventInvokeConfigOf(functionArnText: string, now: Date, existing: FunctionEventInvokeConfig | undefined, input: EventInvokeConfigInput): FunctionEventInvokeConfig {
  const retries = input.MaximumRetryAttempts ?? existing?.MaximumRetryAttempts;
  const age = input.MaximumEventAgeInSeconds ?? existing?.MaximumEventAgeInSeconds;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 2)) throw invalidParameter('MaximumRetryAttempts must be between 0 and 2');
  if (age !== undefined && (!Number.isInteger(age) || age < 60 || age > 21600)) throw invalidParameter('MaximumEventAgeInSeconds must be between 60 and 21600');
  const pick = (side: 'OnSuccess' | 'OnFailure'): { Destination?: string } => {
    const given = input.DestinationConfig?.[side];
    const destination = given === undefined ? existing?.DestinationConfig?.[side]?.Destination : given.Destination;
    if (destination === undefined || destination === '') return {};
    if (!DESTINATION_ARN.test(destination)) throw invalidParameter(`1 validation error detected: Value '${destination}' at 'destinationConfig.${side === 'OnSuccess' ? 'onSuccess' : 'onFailure'}.destination' failed to satisfy constraint`);
    return { Destination: destination };
  };
  return {
    FunctionArn: functionArnText,
    ...(retries === undefined ? {} : { MaximumRetryAttempts: retries }),
    ...(age === undefined ? {} : { MaximumEventAgeInSeconds: age }),
    DestinationConfig: { OnSuccess: pick('OnSuccess'), OnFailure: pick('OnFailure') },
    LastModified: now.toISOString(),
  };
}

/** A stable, URL-shaped function URL for a function (32 lowercase characters, as Lambda's are). */
export function functionUrlOf(ref: FunctionRef): string {
  const id = createHash('sha256').update(functionArn(ref)).digest('hex').slice(0, 32);
  return `https://${id}.lambda-url.${ref.region}.on.aws/`;
}

/** Writes a patch onto a configuration: `undefined` keeps a field; empty layers or KMS key remove it. */
function applyPatch(configuration: FunctionConfiguration, patch: ConfigurationPatch): void {
  const target = configuration as Record<string, unknown>;
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    // An empty `DeadLetterConfig.TargetArn` is how UpdateFunctionConfiguration removes the dead-letter queue;
    // a `DeadLetterConfig` without `TargetArn` changes nothing here (the simulator does not guess).
    const deadLetterTarget = name === 'DeadLetterConfig' && typeof value === 'object' && value !== null ? (value as { TargetArn?: unknown }).TargetArn : null;
    if (name === 'DeadLetterConfig' && deadLetterTarget === undefined) continue;
    if ((name === 'Layers' && Array.isArray(value) && value.length === 0) || (name === 'KMSKeyArn' && value === '') || deadLetterTarget === '') {
      Reflect.deleteProperty(target, name);
      continue;
    }
    target[name] = structuredClone(value);
  }
}

const INPUT_ONLY = new Set(['FunctionName', 'Qualifier', 'RevisionId', 'Publish', 'DryRun', 'ZipFile', 'Code', 'Tags', 'S3Bucket', 'S3Key', 'S3ObjectVersion', 'ImageUri']);

/**
 * Turns `UpdateFunctionConfiguration`/`CreateFunction` input into a configuration patch in
 * output shape: layer ARNs become `{Arn}` objects, a VPC config gets its `VpcId`.
 */
export function configurationPatchFromInput(input: Readonly<Record<string, unknown>>, existing?: FunctionConfiguration): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined || INPUT_ONLY.has(name)) continue;
    if (name === 'Layers' && Array.isArray(value)) {
      patch.Layers = value.map((layer: unknown) => (typeof layer === 'string' ? { Arn: layer } : layer));
    } else if (name === 'VpcConfig' && typeof value === 'object' && value !== null) {
      const vpc = value as { SubnetIds?: unknown; VpcId?: unknown };
      const attached = Array.isArray(vpc.SubnetIds) && vpc.SubnetIds.length > 0;
      patch.VpcConfig = { ...vpc, VpcId: typeof vpc.VpcId === 'string' ? vpc.VpcId : attached ? (existing?.VpcConfig?.VpcId ?? 'vpc-00000000000000000') : '' };
    } else {
      patch[name] = value;
    }
  }
  return patch;
}
