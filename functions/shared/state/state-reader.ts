/** How the engine learns the current state of a resource: an interface, with AWS and in-memory implementations. */
import type { ApiRef, ApiSnapshot, FunctionRef, FunctionSnapshot, FunctionStatePart, LayerVersionRef, LayerVersionSnapshot, RoleRef, RoleSnapshot, SecurityGroupRuleRef, SecurityGroupRuleSnapshot, TrailRef, TrailSnapshot } from './resources';

export interface StateReader {
  /** Reads only the parts asked for; a part AWS reports missing is `null`. */
  readFunction(ref: FunctionRef, parts: readonly FunctionStatePart[]): Promise<FunctionSnapshot>;
  readLayerVersion(ref: LayerVersionRef): Promise<LayerVersionSnapshot>;
  /** Reads a trail's configuration, status and event selectors; readers without it leave the trail unread. */
  readTrail?(ref: TrailRef): Promise<TrailSnapshot>;
  /** Reads an IAM role: trust policy, inline and attached policies, the functions using it (issue #4). */
  readRole?(ref: RoleRef): Promise<RoleSnapshot>;
  /**
   * The Lambda execution roles of an account to which a managed policy is attached (for
   * `CreatePolicyVersion` / `SetDefaultPolicyVersion`); readers without IAM access return none.
   */
  rolesWithPolicy?(account: string, region: string, policyArn: string): Promise<readonly RoleRef[]>;
  /**
   * The functions of an account and region that use a code-signing config (for `UpdateCodeSigningConfig`,
   * issue #17); readers without it judge no function for such an event.
   */
  functionsWithCodeSigningConfig?(account: string, region: string, codeSigningConfigArn: string): Promise<readonly FunctionRef[]>;
  /**
   * The functions of an account and region whose `LoggingConfig.LogGroup` names a log group (for CloudWatch
   * Logs events on a group not named `/aws/lambda/<function>`, issue #17); readers without it judge none.
   */
  functionsWithLogGroup?(account: string, region: string, logGroupName: string): Promise<readonly FunctionRef[]>;
  /** Reads an API Gateway API and what each of its stages serves (issue #17); readers without it leave APIs unread. */
  readApi?(ref: ApiRef): Promise<ApiSnapshot>;
  /**
   * Reads a security group rule, its group and the functions using the group (issue #17 rule 5); readers
   * without EC2 access leave it unread.
   */
  readSecurityGroupRule?(ref: SecurityGroupRuleRef): Promise<SecurityGroupRuleSnapshot>;
}

/** Every method of a `StateReader`: the compiler makes a new one appear here, so no wrapper forgets to pass it on. */
const STATE_READER_METHODS: Readonly<Record<keyof StateReader, true>> = {
  readFunction: true,
  readLayerVersion: true,
  readTrail: true,
  readRole: true,
  rolesWithPolicy: true,
  functionsWithCodeSigningConfig: true,
  functionsWithLogGroup: true,
  readApi: true,
  readSecurityGroupRule: true,
};

/**
 * A reader that answers with `base` for everything `base` answers and with `added` for the rest:
 * how a service's reader is put beside the others (`withTrailReader`, `withRoleReader`, `withApiReader`).
 */
export function extendReader(base: StateReader, added: Partial<StateReader>): StateReader {
  const reader: Partial<Record<keyof StateReader, unknown>> = {};
  for (const key of Object.keys(STATE_READER_METHODS) as (keyof StateReader)[]) {
    const own: unknown = Reflect.get(added, key);
    const inherited: unknown = Reflect.get(base, key);
    if (typeof own === 'function') reader[key] = own;
    else if (typeof inherited === 'function') reader[key] = (inherited as (...args: unknown[]) => unknown).bind(base);
  }
  return reader as StateReader;
}
