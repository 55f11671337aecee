/** The rule catalog: an explicit list, statically imported so the bundler sees every rule. */
import type { AnyRule } from './rule';
import { functionPublicAccess } from './lambda/function-public-access';

export const RULES: readonly AnyRule[] = [functionPublicAccess];
