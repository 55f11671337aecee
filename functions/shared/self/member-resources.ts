/**
 * The names of what the member template creates in every member account: one list, read by the
 * member stack (which names its resources from it), self-protection, the tamper rules and the
 * remediator role's Denies, so none of them can drift from what is really deployed.
 */
import type { WardenConfig } from '../config/config';

/** Forwarding rules on each region's default bus: `warden-forward-<service>` (one per event source of the catalog). */
export const FORWARDING_RULE_PREFIX = 'warden-forward-';

/** The role EventBridge uses to forward to the central bus: one per region (IAM names are global). */
export const FORWARDER_ROLE_PREFIX = 'warden-forwarder-';

/** The forwarding rule's name for an EventBridge source's service (`lambda`, `iam`, `cloudtrail` …). */
export function forwardingRuleName(service: string): string {
  return `${FORWARDING_RULE_PREFIX}${service}`;
}

/**
 * The scheduled rule that sends each account × region's heartbeat to the central bus, through the
 * forwarder role like the forwarding rules (and, being named like them, watched like them).
 */
export const HEARTBEAT_RULE_NAME = forwardingRuleName('heartbeat');

/** The heartbeat rule's ARN in an account and region (the `resources` entry of its scheduled events). */
export function heartbeatRuleArn(partition: string, account: string, region: string): string {
  return `arn:${partition}:events:${region}:${account}:rule/${HEARTBEAT_RULE_NAME}`;
}

/** The forwarder role's name in a region. */
export function forwarderRoleName(region: string): string {
  return `${FORWARDER_ROLE_PREFIX}${region}`;
}

const FORWARDING_RULE_NAME = /^warden-forward-[a-z0-9-]+$/;
const FORWARDER_ROLE_NAME = /^warden-forwarder-[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** True for the name of a forwarding rule the member template creates (on the default bus). */
export function isForwardingRuleName(ruleName: string): boolean {
  return FORWARDING_RULE_NAME.test(ruleName);
}

/** What a member role of the bot is for. */
export type MemberRole = 'remediator' | 'auditor' | 'forwarder';

/**
 * Which of the bot's member roles a role name (path `/`) is, or null for any other role. Names are
 * compared exactly: `WardenRemediator-dev` or `WardenPayments` are somebody else's.
 */
export function memberRoleOf(config: Pick<WardenConfig, 'remediatorRoleName' | 'auditRoleName'>, roleName: string, path = '/'): MemberRole | null {
  if (path !== '/') return null;
  if (roleName === config.remediatorRoleName) return 'remediator';
  if (roleName === config.auditRoleName) return 'auditor';
  if (FORWARDER_ROLE_NAME.test(roleName)) return 'forwarder';
  return null;
}

/** ARN: partition, service, region, account, resource. */
const ARN = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12}):(.+)$/;

/**
 * True for a resource the member template creates, in any account: a forwarding rule on the default bus
 * (`rule/warden-forward-<service>`), or the remediator, audit or forwarder role (path `/`). Nothing else —
 * the template creates no function, and a member's `WardenPayments` function or role is an ordinary one.
 */
export function isMemberTemplateResource(config: Pick<WardenConfig, 'remediatorRoleName' | 'auditRoleName'>, arn: string): boolean {
  const match = ARN.exec(arn);
  if (match === null) return false;
  const [, service, , , resource = ''] = match;
  if (service === 'events') return resource.startsWith('rule/') && isForwardingRuleName(resource.slice('rule/'.length));
  if (service === 'iam') return resource.startsWith('role/') && !resource.slice('role/'.length).includes('/') && memberRoleOf(config, resource.slice('role/'.length)) !== null;
  return false;
}
