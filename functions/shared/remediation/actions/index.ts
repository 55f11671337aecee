/** The registry of remediation actions: one per `ActionName`, so a missing one fails type-checking. */
import type { ActionName } from '../../contract/finding';
import type { RemediationAction } from '../action';
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

type AnyAction = RemediationAction<never> & { describe(params: never): string };

export const ACTIONS: { readonly [N in ActionName]: RemediationAction<never> } = {
  'remove-function-permission': removeFunctionPermission as AnyAction,
  'set-function-url-auth-iam': setFunctionUrlAuthIam as AnyAction,
  'remove-layer-version-permission': removeLayerVersionPermission as AnyAction,
  'start-trail-logging': startTrailLogging as AnyAction,
  'remove-function-env-variables': removeFunctionEnvVariables as AnyAction,
  'restore-function-layers': restoreFunctionLayers as AnyAction,
  'delete-role-policy': deleteRolePolicy as AnyAction,
  'restore-role-policy': restoreRolePolicy as AnyAction,
  'detach-role-policy': detachRolePolicy as AnyAction,
  'set-default-policy-version': setDefaultPolicyVersion as AnyAction,
  'restore-trust-policy': restoreTrustPolicy as AnyAction,
  'quarantine-function': quarantineFunction as AnyAction,
  'add-function-permission': addFunctionPermission as AnyAction,
  'set-function-url-auth-none': setFunctionUrlAuthNone as AnyAction,
  'add-layer-version-permission': addLayerVersionPermission as AnyAction,
  'set-function-recursion-terminate': setFunctionRecursionTerminate as AnyAction,
  'remove-function-destination': removeFunctionDestination as AnyAction,
  'remove-function-dead-letter-queue': removeFunctionDeadLetterQueue as AnyAction,
  'isolate-function': isolateFunction as AnyAction,
  'lift-function-isolation': liftFunctionIsolation as AnyAction,
  'revoke-security-group-egress': revokeSecurityGroupEgress as AnyAction,
  'authorize-security-group-egress': authorizeSecurityGroupEgress as AnyAction,
  'set-api-route-auth-iam': setApiRouteAuthIam as AnyAction,
  'set-api-route-auth-none': setApiRouteAuthNone as AnyAction,
  'restore-function-code-signing-config': restoreFunctionCodeSigningConfig as AnyAction,
  'reattach-function-code-signing-config': reattachFunctionCodeSigningConfig as AnyAction,
  'set-code-signing-config-enforce': setCodeSigningConfigEnforce as AnyAction,
  'set-code-signing-config-warn': setCodeSigningConfigWarn as AnyAction,
  'disable-event-source-mapping': disableEventSourceMapping as AnyAction,
  'enable-event-source-mapping': enableEventSourceMapping as AnyAction,
  'remove-event-source-mapping-destination': removeEventSourceMappingDestination as AnyAction,
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
  const action = ACTIONS[name] as unknown as RemediationAction<unknown>;
  return action.describe(action.paramsSchema.parse(params));
}
