/** The rule catalog: an explicit list, statically imported so the bundler sees every rule. */
import type { AnyRule } from './rule';
import { functionCrossAccountPrincipal } from './lambda/function-cross-account-principal';
import { functionPublicAccess } from './lambda/function-public-access';
import { functionServicePrincipalUnrestricted } from './lambda/function-service-principal-unrestricted';
import { functionUrlPublic } from './lambda/function-url-public';
import { layerVersionPublic } from './lambda/layer-version-public';
import { functionExemptionTagChanged } from './lambda/function-exemption-tag-changed';
import { wardenFunctionChanged } from './lambda/warden-function-changed';
import { trailLoggingStopped } from './trail/trail-logging-stopped';
import { wardenForwardingRuleChanged } from './events/warden-forwarding-rule-changed';

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
];
