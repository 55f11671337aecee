/** The rule catalog: an explicit list, statically imported so the bundler sees every rule. */
import type { AnyRule } from './rule';
import { executionRoleAdminAccess } from './iam/execution-role-admin-access';
import { executionRolePrivilegeEscalation } from './iam/execution-role-privilege-escalation';
import { executionRoleTrustOpened } from './iam/execution-role-trust-opened';
import { executionRoleLoggingRemoved } from './iam/execution-role-logging-removed';
import { executionRoleShared } from './iam/execution-role-shared';
import { wardenMemberRoleChanged } from './iam/warden-member-role-changed';
import { functionCrossAccountPrincipal } from './lambda/function-cross-account-principal';
import { functionPublicAccess } from './lambda/function-public-access';
import { functionServicePrincipalUnrestricted } from './lambda/function-service-principal-unrestricted';
import { functionUrlPublic } from './lambda/function-url-public';
import { layerVersionPublic } from './lambda/layer-version-public';
import { functionExemptionTagChanged } from './lambda/function-exemption-tag-changed';
import { wardenFunctionChanged } from './lambda/warden-function-changed';
import { trailLoggingStopped } from './trail/trail-logging-stopped';
import { wardenForwardingRuleChanged } from './events/warden-forwarding-rule-changed';
import { functionEnvPlaintextSecret } from './lambda/function-env-plaintext-secret';
import { functionEnvKmsKeyRemoved } from './lambda/function-env-kms-key-removed';
import { functionRuntimeDeprecated } from './lambda/function-runtime-deprecated';
import { functionLayerOutsideOrg } from './lambda/function-layer-outside-org';
import { functionCodeChangedByUnexpectedPrincipal } from './lambda/function-code-changed-by-unexpected-principal';
import { functionExecutionRoleSwapped } from './lambda/function-execution-role-swapped';
import { functionLeftVpc } from './lambda/function-left-vpc';
import { functionEnvRandomValue } from './lambda/function-env-random-value';
import { functionRecursiveLoopAllowed } from './lambda/function-recursive-loop-allowed';
import { functionConcurrencyZeroed } from './lambda/function-concurrency-zeroed';
import { functionCodeSigningWeakened } from './lambda/function-code-signing-weakened';
import { functionLogGroupRedirected } from './lambda/function-log-group-redirected';
import { functionLogGroupDeleted } from './lambda/function-log-group-deleted';
import { functionLogRetentionShortened } from './lambda/function-log-retention-shortened';
import { functionDestinationOutsideOrg } from './lambda/function-destination-outside-org';
import { functionRuntimeThreat } from './lambda/function-runtime-threat';
import { functionVulnerableDependency } from './lambda/function-vulnerable-dependency';
import { functionApiRouteUnauthenticated } from './apigateway/function-api-route-unauthenticated';
import { functionSecurityGroupEgressOpened } from './ec2/function-security-group-egress-opened';

export const RULES: readonly AnyRule[] = [
  functionPublicAccess,
  functionServicePrincipalUnrestricted,
  functionCrossAccountPrincipal,
  functionUrlPublic,
  layerVersionPublic,
  functionExemptionTagChanged,
  wardenFunctionChanged,
  trailLoggingStopped,
  wardenForwardingRuleChanged,
  functionEnvPlaintextSecret,
  functionEnvKmsKeyRemoved,
  functionRuntimeDeprecated,
  functionLayerOutsideOrg,
  functionCodeChangedByUnexpectedPrincipal,
  functionExecutionRoleSwapped,
  functionLeftVpc,
  functionEnvRandomValue,
  functionRecursiveLoopAllowed,
  functionConcurrencyZeroed,
  functionCodeSigningWeakened,
  functionLogGroupRedirected,
  functionLogGroupDeleted,
  functionLogRetentionShortened,
  functionDestinationOutsideOrg,
  functionRuntimeThreat,
  functionVulnerableDependency,
  functionApiRouteUnauthenticated,
  functionSecurityGroupEgressOpened,
  executionRoleAdminAccess,
  executionRolePrivilegeEscalation,
  executionRoleTrustOpened,
  executionRoleLoggingRemoved,
  executionRoleShared,
  wardenMemberRoleChanged,
];
