/**
 * The `StateReader` of a scan: configurations come from the listing and roles from the account's
 * authorization details (no call per function for them); policies and URL configs are read per
 * function through `LambdaStateReader`. Tags are not read here: see {@link ScanStateReader}.
 */
import { LambdaStateReader, type LambdaClientProvider } from '../aws/lambda-state-reader';
import { functionArn, roleArn, type FunctionConfiguration, type FunctionRef, type FunctionSnapshot, type FunctionStatePart, type LayerVersionRef, type LayerVersionSnapshot, type RoleRef, type RoleSnapshot } from '../state/resources';
import type { StateReader } from '../state/state-reader';

export interface ScanInventory {
  /** Function configurations by unqualified function ARN, as `ListFunctions` returned them. */
  readonly functions: ReadonlyMap<string, FunctionConfiguration>;
  /** Role snapshots by role ARN (with path), without `usedByFunctions`. */
  readonly roles: ReadonlyMap<string, RoleSnapshot>;
}

/**
 * What a scan does with each part of a function's state a rule can ask for: read it, read it only when
 * the configuration opts in (`scan.readAsyncDestinations`), or leave it unread. A rule reading an unread
 * part sees it `undefined` in a scan (`test/rules/catalog.test.ts` lists those rules).
 */
export const SCAN_STATE_PARTS: { readonly [P in FunctionStatePart]: 'read' | 'opt-in' | 'unread' } = {
  configuration: 'read',
  policy: 'read',
  urlConfig: 'read',
  eventInvokeConfig: 'opt-in',
  tags: 'unread',
  executionRole: 'unread',
  recursion: 'unread',
  concurrency: 'unread',
  codeSigning: 'unread',
  eventSourceMappings: 'unread',
  /** The scan's reader has no CloudWatch Logs client: log groups are judged on their events only. */
  logGroup: 'unread',
};

/**
 * Tags are left unread (`undefined`): the only rule that reads them judges tag *changes*, which a
 * scan has none of (a test pins this), and the scan reads tags for exemptions only on functions
 * with findings. That keeps a clean function at two calls (`GetPolicy`, `GetFunctionUrlConfig`).
 */
export class ScanStateReader implements StateReader {
  private readonly lambda: LambdaStateReader;
  private readonly usedBy = new Map<string, string[]>();

  constructor(
    private readonly inventory: ScanInventory,
    lambdaFor: LambdaClientProvider,
    /** Read asynchronous invocation configs (one more call per function: `scan.readAsyncDestinations`); left unread otherwise. */
    private readonly options: { readonly readAsyncDestinations?: boolean } = {},
  ) {
    this.lambda = new LambdaStateReader(lambdaFor);
    for (const [arn, configuration] of inventory.functions) {
      const role = configuration.Role;
      if (role !== undefined) this.usedBy.set(role, [...(this.usedBy.get(role) ?? []), arn]);
    }
  }

  /** ARNs of the listed functions that run as the role. */
  functionsUsing(roleArnWithPath: string): readonly string[] {
    return [...(this.usedBy.get(roleArnWithPath) ?? [])].sort();
  }

  async readFunction(ref: FunctionRef, parts: readonly FunctionStatePart[]): Promise<FunctionSnapshot> {
    const listed = this.inventory.functions.get(functionArn({ ...ref, qualifier: undefined }));
    const fromList = ref.qualifier === undefined && listed !== undefined;
    const remote = parts.filter(
      (p) => (SCAN_STATE_PARTS[p] === 'read' && !(p === 'configuration' && fromList)) || (SCAN_STATE_PARTS[p] === 'opt-in' && this.options.readAsyncDestinations === true),
    );
    const snapshot: FunctionSnapshot = remote.length > 0 ? await this.lambda.readFunction(ref, remote) : { kind: 'lambda-function', ref, arn: functionArn(ref) };
    return fromList && parts.includes('configuration') ? { ...snapshot, configuration: listed } : snapshot;
  }

  readLayerVersion(ref: LayerVersionRef): Promise<LayerVersionSnapshot> {
    return this.lambda.readLayerVersion(ref);
  }

  /** Tags of a function, read on demand (exemptions of its findings). */
  async readTags(ref: FunctionRef): Promise<Readonly<Record<string, string>> | null> {
    return (await this.lambda.readFunction({ ...ref, qualifier: undefined }, ['tags'])).tags ?? null;
  }

  readRole(ref: RoleRef): Promise<RoleSnapshot> {
    const arn = roleArn(ref);
    const known = this.inventory.roles.get(arn);
    const snapshot: RoleSnapshot = known ?? { kind: 'iam-role', ref, arn, role: null, inlinePolicies: {}, attachedPolicies: [] };
    return Promise.resolve({ ...snapshot, usedByFunctions: this.functionsUsing(snapshot.arn) });
  }
}
