/**
 * The central stack's resources in the security account: CloudFormation names every resource it
 * creates `<stack name>-<logical id>-<suffix>`, and the bot's event bus is `warden`. The deployed
 * functions learn the account and the stack's name from their own stack (environment), so the match is
 * the stack's own namespace in its own account — never a name in a member account.
 */
import type { WardenConfig } from '../config/config';
import { InvalidConfigError } from '../errors';

/** The Warden event bus's name in the security account (`infra/central-stack.ts` names it so). */
export const WARDEN_BUS_NAME = 'warden';

/** ARN: partition, service, region, account, resource. */
const ARN = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12}):(.+)$/;
/** A name without a path or a qualifier: `/` and `:` never occur in the stack's generated names. */
const PLAIN = /^[\w+=,.@-]+$/;

type CentralSelf = Pick<WardenConfig['selfProtection'], 'securityAccount' | 'centralStack' | 'stackPrefix'>;

/** The name prefix of the central stack's resources: `<centralStack>-`, else the configured `stackPrefix`. */
function namePrefix(self: CentralSelf): string {
  return self.centralStack === undefined ? self.stackPrefix : `${self.centralStack}-`;
}

/**
 * True for a resource of the central stack: in the security account (unknown: nothing), a function, role,
 * table, queue or topic whose plain name starts with the stack's prefix, the bus `warden` or a rule on it,
 * or a rule on the default bus named with the prefix (the scheduled scan's). A qualified function counts as its function.
 */
export function isCentralStackResource(config: Pick<WardenConfig, 'selfProtection'>, arn: string): boolean {
  const self = config.selfProtection;
  const match = ARN.exec(arn);
  if (self.securityAccount === undefined || match === null) return false;
  const [, service = '', , account, resource = ''] = match;
  if (account !== self.securityAccount) return false;
  const prefix = namePrefix(self);
  const named = (name: string): boolean => PLAIN.test(name) && name.startsWith(prefix);
  switch (service) {
    case 'lambda': {
      const fn = /^function:([^:]+)(?::[^:]+)?$/.exec(resource);
      return fn !== null && named(fn[1] ?? '');
    }
    case 'iam':
      return resource.startsWith('role/') && named(resource.slice('role/'.length));
    case 'events': {
      if (resource === `event-bus/${WARDEN_BUS_NAME}`) return true;
      if (resource.startsWith(`rule/${WARDEN_BUS_NAME}/`)) return PLAIN.test(resource.slice(`rule/${WARDEN_BUS_NAME}/`.length));
      return resource.startsWith('rule/') && named(resource.slice('rule/'.length));
    }
    case 'dynamodb':
      return resource.startsWith('table/') && named(resource.slice('table/'.length));
    case 'sqs':
    case 'sns':
      return named(resource);
    default:
      return false;
  }
}

/**
 * The configuration with the central stack's identity the deployed function got from its stack.
 * @throws InvalidConfigError for a value that is not an account id or a stack name.
 */
export function withCentralStack(config: WardenConfig, stack: { readonly securityAccount: string; readonly stackName: string }): WardenConfig {
  if (!/^\d{12}$/.test(stack.securityAccount)) throw new InvalidConfigError('WARDEN_SECURITY_ACCOUNT: must be a 12-digit AWS account id');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stack.stackName)) throw new InvalidConfigError('WARDEN_STACK_NAME: must be a CloudFormation stack name');
  return { ...config, selfProtection: { ...config.selfProtection, securityAccount: stack.securityAccount, centralStack: stack.stackName } };
}
