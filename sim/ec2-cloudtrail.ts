/**
 * Replays EC2 security group events (`ec2.amazonaws.com`) into the in-memory groups, with the shapes
 * CloudTrail logs: `CreateSecurityGroup` (`groupName`, `groupDescription`, `vpcId`; the new `groupId` in
 * `responseElements`), `AuthorizeSecurityGroupEgress` and `RevokeSecurityGroupEgress` (`groupId`,
 * `ipPermissions.items[]` with `ipRanges` / `ipv6Ranges` / `prefixListIds` / `groups`, or
 * `securityGroupRuleIds`; the new rules and their ids in `responseElements.securityGroupRuleSet`), and
 * `ModifySecurityGroupRules` (`ModifySecurityGroupRulesRequest`).
 */
import { EC2ServiceException, type IpPermission } from '@aws-sdk/client-ec2';
import type { CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { itemsOf } from '../functions/shared/ec2/security-group-rules';
import type { ResourceRef } from '../functions/shared/state/resources';
import { specsOf, type InMemoryEc2, type RuleSpec } from './in-memory-ec2';
import type { ApplyOutcome } from './lambda-cloudtrail';

export const EC2_SOURCE = 'ec2.amazonaws.com';

type Json = Readonly<Record<string, unknown>>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : undefined);
const done = (eventName: string, detail: string): ApplyOutcome => ({ applied: true, eventName, detail });
const skipped = (eventName: string, detail: string): ApplyOutcome => ({ applied: false, eventName, detail });

/** `ipPermissions` as CloudTrail logs it, in the SDK's shape. */
export function ipPermissionsOf(value: unknown): IpPermission[] {
  return itemsOf(value).map((p) => ({
    IpProtocol: str(p.ipProtocol) ?? '-1',
    FromPort: num(p.fromPort),
    ToPort: num(p.toPort),
    IpRanges: itemsOf(p.ipRanges).map((r) => ({ CidrIp: str(r.cidrIp), Description: str(r.description) })),
    Ipv6Ranges: itemsOf(p.ipv6Ranges).map((r) => ({ CidrIpv6: str(r.cidrIpv6), Description: str(r.description) })),
    PrefixListIds: itemsOf(p.prefixListIds).map((r) => ({ PrefixListId: str(r.prefixListId), Description: str(r.description) })),
    UserIdGroupPairs: itemsOf(p.groups).map((r) => ({ GroupId: str(r.groupId), Description: str(r.description) })),
  }));
}

/** A `securityGroupRuleSet` item (or a ModifySecurityGroupRules rule) as a rule spec. */
function specOf(item: Json): RuleSpec {
  const protocol = str(item.ipProtocol) ?? str(item.IpProtocol) ?? '-1';
  const all = protocol === '-1';
  return {
    IpProtocol: protocol,
    FromPort: all ? -1 : num(item.fromPort ?? item.FromPort),
    ToPort: all ? -1 : num(item.toPort ?? item.ToPort),
    CidrIpv4: str(item.cidrIpv4) ?? str(item.CidrIpv4),
    CidrIpv6: str(item.cidrIpv6) ?? str(item.CidrIpv6),
    PrefixListId: str(item.prefixListId) ?? str(item.PrefixListId),
    ReferencedGroupId: str((item.referencedGroupInfo as Json | undefined)?.groupId) ?? str(item.ReferencedGroupId),
    Description: str(item.description) ?? str(item.Description),
  };
}

function ruleIdsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return itemsOf(value).flatMap((i) => (str(i.securityGroupRuleId) === undefined ? [] : [str(i.securityGroupRuleId) ?? '']));
}

function modifyRequestOf(request: Json | null | undefined): Json | undefined {
  const wrapped = request?.ModifySecurityGroupRulesRequest;
  return typeof wrapped === 'object' && wrapped !== null ? (wrapped as Json) : (request ?? undefined);
}

function groupIdOf(event: CloudTrailEvent): string | undefined {
  const request = event.detail.requestParameters;
  return str(request?.groupId) ?? str(modifyRequestOf(request)?.GroupId);
}

const GROUP_EVENTS: ReadonlySet<string> = new Set(['AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupEgress', 'ModifySecurityGroupRules']);

/**
 * Creates the group an egress event changes when the account does not hold it: with no egress rule (an
 * authorize that succeeded means the default rule was gone), or with the rules a revoke or modify names.
 */
export function ensureEc2Resources(ec2: InMemoryEc2, event: CloudTrailEvent): ResourceRef[] {
  const { detail } = event;
  if (detail.eventSource !== EC2_SOURCE || (detail.errorCode !== undefined && detail.errorCode !== '') || !GROUP_EVENTS.has(detail.eventName)) return [];
  const groupId = groupIdOf(event);
  if (groupId === undefined || ec2.hasGroup(groupId)) return [];
  ec2.createSecurityGroup({ account: detail.recipientAccountId ?? event.account, region: detail.awsRegion, groupId, groupName: groupId }, false);
  const request = detail.requestParameters;
  if (detail.eventName === 'RevokeSecurityGroupEgress') {
    const ids = ruleIdsOf(request?.securityGroupRuleIds);
    if (ids.length > 0) ec2.addEgress(groupId, ids.map(() => ({ IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' })), ids);
    else ec2.addEgress(groupId, ipPermissionsOf(request?.ipPermissions).flatMap(specsOf));
  }
  if (detail.eventName === 'ModifySecurityGroupRules') {
    const rules = itemsOf(modifyRequestOf(request)?.SecurityGroupRule);
    const ids = rules.map((r) => str(r.SecurityGroupRuleId));
    ec2.addEgress(groupId, ids.map((_, i) => ({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: `10.${String(i)}.0.0/16` })), ids);
  }
  return [];
}

/** Applies one EC2 security group event; failed calls, other events and unknown groups change nothing. */
export function applyEc2Event(ec2: InMemoryEc2, event: CloudTrailEvent): ApplyOutcome {
  const { detail } = event;
  const name = detail.eventName;
  if (detail.eventSource !== EC2_SOURCE) return skipped(name, `not an EC2 event (${detail.eventSource})`);
  if (detail.errorCode !== undefined && detail.errorCode !== '') return skipped(name, `failed call (${detail.errorCode}): nothing changed`);
  const request = detail.requestParameters;
  const response = detail.responseElements;
  try {
    switch (name) {
      case 'CreateSecurityGroup': {
        const groupName = str(request?.groupName);
        const groupId = str(response?.groupId);
        if (groupName === undefined || groupId === undefined) return skipped(name, 'groupName or the new groupId missing from the record');
        ec2.createSecurityGroup({ account: detail.recipientAccountId ?? event.account, region: detail.awsRegion, groupId, groupName, ...(str(request?.groupDescription) === undefined ? {} : { description: str(request?.groupDescription) }), ...(str(request?.vpcId) === undefined ? {} : { vpcId: str(request?.vpcId) }) });
        return done(name, `created security group ${groupId} (${groupName}) with the default egress rule`);
      }
      case 'AuthorizeSecurityGroupEgress': {
        const groupId = groupIdOf(event);
        if (groupId === undefined) return skipped(name, 'groupId missing from requestParameters');
        const created = itemsOf(response?.securityGroupRuleSet);
        const added =
          created.length > 0
            ? ec2.addEgress(groupId, created.map(specOf), created.map((i) => str(i.securityGroupRuleId)))
            : ec2.addEgress(groupId, ipPermissionsOf(request?.ipPermissions).flatMap(specsOf));
        return done(name, `authorized egress on ${groupId}: ${added.map((r) => r.SecurityGroupRuleId ?? '').join(', ')}`);
      }
      case 'RevokeSecurityGroupEgress': {
        const groupId = groupIdOf(event);
        if (groupId === undefined) return skipped(name, 'groupId missing from requestParameters');
        const ids = ruleIdsOf(request?.securityGroupRuleIds);
        const removed = ec2.revokeEgress(groupId, ids.length > 0 ? { ruleIds: ids } : { specs: ipPermissionsOf(request?.ipPermissions).flatMap(specsOf) });
        return done(name, `revoked egress on ${groupId}: ${removed.map((r) => r.SecurityGroupRuleId ?? '').join(', ')}`);
      }
      case 'ModifySecurityGroupRules': {
        const modify = modifyRequestOf(request);
        const groupId = str(modify?.GroupId);
        if (groupId === undefined) return skipped(name, 'GroupId missing from ModifySecurityGroupRulesRequest');
        const changed: string[] = [];
        for (const item of itemsOf(modify?.SecurityGroupRule)) {
          const id = str(item.SecurityGroupRuleId);
          const inner = item.SecurityGroupRule;
          if (id === undefined || typeof inner !== 'object' || inner === null) continue;
          ec2.modifyRule(groupId, id, specOf(inner as Json));
          changed.push(id);
        }
        return done(name, `modified rules ${changed.join(', ')} of ${groupId}`);
      }
      default:
        return skipped(name, 'not a change the simulator models');
    }
  } catch (e: unknown) {
    if (e instanceof EC2ServiceException) return skipped(name, `${e.name}: ${e.message}`);
    throw e;
  }
}
