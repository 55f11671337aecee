/** The registry of remediation actions: one per `ActionName`, so a missing one fails type-checking. */
import type { ActionName } from '../../contract/finding';
import type { RegisteredAction } from '../action';
import { removeFunctionPermission } from './remove-function-permission';
import { removeLayerVersionPermission } from './remove-layer-version-permission';
import { setFunctionUrlAuthIam } from './set-function-url-auth-iam';
import { startTrailLogging } from './start-trail-logging';
import { removeFunctionEnvVariables } from './remove-function-env-variables';
import { restoreFunctionLayers } from './restore-function-layers';
import { deleteRolePolicy } from './delete-role-policy';
import { restoreRolePolicy } from './restore-role-policy';
import { detachRolePolicy } from './detach-role-policy';
import { setDefaultPolicyVersion } from './set-default-policy-version';
import { restoreTrustPolicy } from './restore-trust-policy';
import { quarantineFunction } from './quarantine-function';
import { addFunctionPermission } from './add-function-permission';
import { setFunctionUrlAuthNone } from './set-function-url-auth-none';
import { addLayerVersionPermission } from './add-layer-version-permission';
import { setFunctionRecursionTerminate } from './set-function-recursion-terminate';
import { removeFunctionDestination } from './remove-function-destination';
import { removeFunctionDeadLetterQueue } from './remove-function-dead-letter-queue';
import { isolateFunction } from './isolate-function';
import { liftFunctionIsolation } from './lift-function-isolation';
import { revokeSecurityGroupEgress } from './revoke-security-group-egress';
import { authorizeSecurityGroupEgress } from './authorize-security-group-egress';
import { setApiRouteAuthIam } from './set-api-route-auth-iam';
import { setApiRouteAuthNone } from './set-api-route-auth-none';
import { restoreFunctionCodeSigningConfig } from './restore-function-code-signing-config';
import { reattachFunctionCodeSigningConfig } from './reattach-function-code-signing-config';
import { setCodeSigningConfigEnforce } from './set-code-signing-config-enforce';
import { setCodeSigningConfigWarn } from './set-code-signing-config-warn';
import { disableEventSourceMapping } from './disable-event-source-mapping';
import { enableEventSourceMapping } from './enable-event-source-mapping';
import { removeEventSourceMappingDestination } from './remove-event-source-mapping-destination';

/** Every action, by name; each is a `defineAction` (its parameter type stays inside it: callers bind a plan's parameters). */
export const ACTIONS: { readonly [N in ActionName]: RegisteredAction } = {
  'remove-function-permission': removeFunctionPermission,
  'set-function-url-auth-iam': setFunctionUrlAuthIam,
  'remove-layer-version-permission': removeLayerVersionPermission,
  'start-trail-logging': startTrailLogging,
  'remove-function-env-variables': removeFunctionEnvVariables,
  'restore-function-layers': restoreFunctionLayers,
  'delete-role-policy': deleteRolePolicy,
  'restore-role-policy': restoreRolePolicy,
  'detach-role-policy': detachRolePolicy,
  'set-default-policy-version': setDefaultPolicyVersion,
  'restore-trust-policy': restoreTrustPolicy,
  'quarantine-function': quarantineFunction,
  'add-function-permission': addFunctionPermission,
  'set-function-url-auth-none': setFunctionUrlAuthNone,
  'add-layer-version-permission': addLayerVersionPermission,
  'set-function-recursion-terminate': setFunctionRecursionTerminate,
  'remove-function-destination': removeFunctionDestination,
  'remove-function-dead-letter-queue': removeFunctionDeadLetterQueue,
  'isolate-function': isolateFunction,
  'lift-function-isolation': liftFunctionIsolation,
  'revoke-security-group-egress': revokeSecurityGroupEgress,
  'authorize-security-group-egress': authorizeSecurityGroupEgress,
  'set-api-route-auth-iam': setApiRouteAuthIam,
  'set-api-route-auth-none': setApiRouteAuthNone,
  'restore-function-code-signing-config': restoreFunctionCodeSigningConfig,
  'reattach-function-code-signing-config': reattachFunctionCodeSigningConfig,
  'set-code-signing-config-enforce': setCodeSigningConfigEnforce,
  'set-code-signing-config-warn': setCodeSigningConfigWarn,
  'disable-event-source-mapping': disableEventSourceMapping,
  'enable-event-source-mapping': enableEventSourceMapping,
  'remove-event-source-mapping-destination': removeEventSourceMappingDestination,
};

/** The IAM permissions of one action. */
export function permissionsOf(name: ActionName): readonly string[] {
  return ACTIONS[name].permissions;
}

/** The union of every action's declared permissions, sorted: the remediator role's actions. */
export function allDeclaredPermissions(): readonly string[] {
  return [...new Set(Object.values(ACTIONS).flatMap((a) => a.permissions))].sort();
}

/** Renders a plan as the exact API call, validating its parameters with the action's schema. */
export function describePlan(name: ActionName, params: unknown): string {
  return ACTIONS[name].bind(params).describe();
}
