/** The rule catalog: an explicit list, statically imported so the bundler sees every rule. */
import type { AnyRule } from './rule';
import { functionCrossAccountPrincipal } from './lambda/function-cross-account-principal';
import { functionPublicAccess } from './lambda/function-public-access';
import { functionServicePrincipalUnrestricted } from './lambda/function-service-principal-unrestricted';
import { functionUrlPublic } from './lambda/function-url-public';
import { layerVersionPublic } from './lambda/layer-version-public';

export const RULES: readonly AnyRule[] = [
  functionPublicAccess,
  functionServicePrincipalUnrestricted,
  functionCrossAccountPrincipal,
  functionUrlPublic,
  layerVersionPublic,
];
