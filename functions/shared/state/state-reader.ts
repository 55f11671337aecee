/** How the engine learns the current state of a resource: an interface, with AWS and in-memory implementations. */
import type { FunctionRef, FunctionSnapshot, FunctionStatePart, LayerVersionRef, LayerVersionSnapshot, RoleRef, RoleSnapshot, SecurityGroupRuleRef, SecurityGroupRuleSnapshot, TrailRef, TrailSnapshot } from './resources';

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
   * Reads a security group rule, its group and the functions using the group (issue #17 rule 5); readers
   * without EC2 access leave it unread.
   */
  readSecurityGroupRule?(ref: SecurityGroupRuleRef): Promise<SecurityGroupRuleSnapshot>;
}
