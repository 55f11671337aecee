/**
 * What an egress rule open to the world is, and which rules an EC2 CloudTrail record added or changed
 * (issue #17 rule 5). Pure: no AWS SDK here.
 */
import { SECURITY_GROUP_RULE_ID, type SecurityGroupRule } from '../state/resources';

/** Every IPv4 and every IPv6 address. */
export const WORLD_CIDRS: readonly string[] = ['0.0.0.0/0', '::/0'];

/** The EC2 events that add a rule or change one in place (the ones the egress rule judges). */
export const EGRESS_OPENING_EVENTS = ['AuthorizeSecurityGroupEgress', 'ModifySecurityGroupRules'] as const;

/** The fields of a rule that say what traffic it allows and where to. */
export type RulePermission = Pick<SecurityGroupRule, 'IpProtocol' | 'FromPort' | 'ToPort' | 'CidrIpv4' | 'CidrIpv6'>;

/**
 * True when the rule allows every port: all traffic (`-1`), or every TCP or every UDP port (0–65535,
 * protocol by name or number).
 */
export function allowsAllPorts(rule: Pick<RulePermission, 'IpProtocol' | 'FromPort' | 'ToPort'>): boolean {
  const protocol = rule.IpProtocol.toLowerCase();
  if (protocol === '-1' || protocol === 'all') return true;
  if (!['tcp', 'udp', '6', '17'].includes(protocol)) return false;
  return (rule.FromPort ?? 0) <= 0 && (rule.ToPort ?? 65535) >= 65535;
}

/** The world CIDR the rule sends to (`0.0.0.0/0` or `::/0`) when it allows all ports there; null otherwise. */
export function worldOpenCidr(rule: RulePermission): string | null {
  if (!allowsAllPorts(rule)) return null;
  const cidr = [rule.CidrIpv4, rule.CidrIpv6].find((c) => c !== undefined && WORLD_CIDRS.includes(c));
  return cidr ?? null;
}

/**
 * True when the rule is indistinguishable from the egress rule EC2 gives every new group: all traffic (`-1`) to
 * `0.0.0.0/0` (or `::/0`, which a group in a VPC with IPv6 gets too), without a description. A scan, which has no
 * record of when a rule was added, does not report such a rule: it would flag every VPC function.
 */
export function looksLikeDefaultEgress(rule: Pick<SecurityGroupRule, 'IsEgress' | 'IpProtocol' | 'CidrIpv4' | 'CidrIpv6' | 'Description'>): boolean {
  if (!rule.IsEgress || rule.IpProtocol !== '-1' || (rule.Description ?? '') !== '') return false;
  return (rule.CidrIpv4 === '0.0.0.0/0' && rule.CidrIpv6 === undefined) || (rule.CidrIpv6 === '::/0' && rule.CidrIpv4 === undefined);
}

/** "all traffic", "all TCP ports", "all UDP ports". */
export function trafficOf(rule: Pick<RulePermission, 'IpProtocol'>): string {
  const protocol = rule.IpProtocol.toLowerCase();
  if (protocol === 'tcp' || protocol === '6') return 'all TCP ports';
  if (protocol === 'udp' || protocol === '17') return 'all UDP ports';
  return 'all traffic';
}

type Json = Readonly<Record<string, unknown>>;

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** CloudTrail's EC2 lists: `{ items: [...] }` (`{}` when empty), sometimes a bare array or one object. */
export function itemsOf(value: unknown): Json[] {
  const object = record(value);
  let items: unknown[] = [];
  if (Array.isArray(value)) items = value as unknown[];
  else if (object !== undefined && 'items' in object) items = Array.isArray(object.items) ? (object.items as unknown[]) : [];
  else if (object !== undefined && Object.keys(object).length > 0) items = [object];
  return items.flatMap((item) => (record(item) === undefined ? [] : [item as Json]));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function port(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

/** A rule as CloudTrail spells it in `securityGroupRuleSet` items (camelCase) or in ModifySecurityGroupRules (PascalCase). */
function permissionOf(item: Json): RulePermission | null {
  const protocol = text(item.ipProtocol) ?? text(item.IpProtocol);
  if (protocol === undefined) return null;
  const from = port(item.fromPort ?? item.FromPort);
  const to = port(item.toPort ?? item.ToPort);
  const v4 = text(item.cidrIpv4) ?? text(item.CidrIpv4);
  const v6 = text(item.cidrIpv6) ?? text(item.CidrIpv6);
  return { IpProtocol: protocol, ...(from === undefined ? {} : { FromPort: from }), ...(to === undefined ? {} : { ToPort: to }), ...(v4 === undefined ? {} : { CidrIpv4: v4 }), ...(v6 === undefined ? {} : { CidrIpv6: v6 }) };
}

/**
 * The ids of the rules an EC2 record added (`AuthorizeSecurityGroupEgress`: `responseElements.securityGroupRuleSet`,
 * egress items only) or changed (`ModifySecurityGroupRules`: the request's rules), keeping only those the record
 * shows open to the world on every port: a narrower rule costs no read. A record without rule ids (older than
 * security group rule ids) names none.
 */
export function worldOpenRuleIds(eventName: string, request: Json | null | undefined, response: Json | null | undefined): string[] {
  const ids: string[] = [];
  if (eventName === 'AuthorizeSecurityGroupEgress') {
    for (const item of itemsOf(response?.securityGroupRuleSet)) {
      const id = text(item.securityGroupRuleId);
      const permission = permissionOf(item);
      if (id !== undefined && item.isEgress !== false && permission !== null && worldOpenCidr(permission) !== null) ids.push(id);
    }
  } else if (eventName === 'ModifySecurityGroupRules') {
    const modify = record(request?.ModifySecurityGroupRulesRequest) ?? request ?? undefined;
    for (const item of itemsOf(modify?.SecurityGroupRule)) {
      const id = text(item.SecurityGroupRuleId);
      const inner = record(item.SecurityGroupRule);
      const permission = inner === undefined ? null : permissionOf(inner);
      if (id !== undefined && permission !== null && worldOpenCidr(permission) !== null) ids.push(id);
    }
  }
  return [...new Set(ids.filter((id) => SECURITY_GROUP_RULE_ID.test(id)))];
}
