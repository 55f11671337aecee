/**
 * Intake decisions taken before any rule runs, each a typed, reported refusal (never a throw):
 * failed calls, regions the bot does not watch, events recorded outside the organization or naming a
 * resource of another account, and the bot's own calls — recognised exactly (role ARN of the recipient
 * account with path `/`, a session name the responder sets, the bot's source identity). The actor of a
 * change is extracted for reports.
 */
import type { Actor } from '../contract/finding';
import type { WardenConfig } from '../config/config';
import { isResponderSessionName, WARDEN_SOURCE_IDENTITY } from '../self/own-sessions';
import { partitionOf, type ResourceRef } from '../state/resources';
import type { CloudTrailDetail, CloudTrailEvent } from './cloudtrail-event';
import { GUARDDUTY_LAMBDA_RESOURCE_TYPE, type GuardDutyFindingEvent } from './guardduty-finding';
import { ACCESS_ANALYZER_LAMBDA_RESOURCE_TYPES, type AccessAnalyzerFindingEvent } from './access-analyzer-finding';

/** Why an event was not judged: a low-cardinality code (metric dimension, tests) beside a sentence for people. */
export type IgnoreCode =
  | 'invalid-event'
  | 'oversized-event'
  | 'failed-call'
  | 'invalid-region'
  | 'outside-organization'
  | 'resource-account-mismatch'
  | 'own-action'
  | 'no-rule'
  | 'no-resource'
  /** A detector finding about something other than a Lambda function. */
  | 'other-resource-type'
  /** A detector finding archived, resolved or deleted by its service: nothing is judged; its open approvals are closed. */
  | 'finding-closed';

/** Why an event was not judged: the code (`kind`) and the sentence shown to people (`text`), never parsed back. */
export type Ignored = { readonly [K in IgnoreCode]: { readonly kind: K; readonly text: string } }[IgnoreCode];

const ACCOUNT_ID = /^\d{12}$/;
/**
 * `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `us-iso-east-1`, `us-isob-east-1`: the
 * geographies of the AWS partitions' region patterns (the SDK's partitions data: `us|eu|ap|sa|ca|me|af|il|mx`
 * in `aws`, `cn`, `us-gov`, the ISO partitions), so a region AWS may open later in one of them still passes.
 */
const REGION_SHAPE = /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/**
 * True when the call was made by the bot's own remediator session in the account that recorded it:
 * identity type `AssumedRole` of that account; session issuer exactly
 * `arn:<partition>:iam::<recipient account>:role/<remediatorRoleName>` (path `/`, partition of the
 * event's region); a session name the responder sets (`warden-read`, `warden-wf-…`); and the source
 * identity the responder sets on AssumeRole. Anything else — the role's name in another account or under
 * a path, another session name, no source identity — is somebody else's change.
 */
export function isOwnAction(detail: Pick<CloudTrailDetail, 'userIdentity' | 'recipientAccountId' | 'awsRegion'>, remediatorRoleName: string): boolean {
  const identity = detail.userIdentity;
  const account = detail.recipientAccountId;
  if (identity.type !== 'AssumedRole' || account === undefined || !ACCOUNT_ID.test(account) || identity.accountId !== account) return false;
  const partition = partitionOf(detail.awsRegion);
  const issuer = identity.sessionContext?.sessionIssuer;
  if (issuer?.type !== 'Role' || issuer.arn !== `arn:${partition}:iam::${account}:role/${remediatorRoleName}`) return false;
  if (issuer.userName !== undefined && issuer.userName !== remediatorRoleName) return false;
  if (issuer.accountId !== undefined && issuer.accountId !== account) return false;
  const sessionPrefix = `arn:${partition}:sts::${account}:assumed-role/${remediatorRoleName}/`;
  if (identity.arn?.startsWith(sessionPrefix) !== true || !isResponderSessionName(identity.arn.slice(sessionPrefix.length))) return false;
  return identity.sessionContext?.sourceIdentity === WARDEN_SOURCE_IDENTITY;
}

/**
 * Why the event's region is refused, or null: it must be shaped like a region of an AWS partition.
 * A region outside `deployment.regions` is still judged: a forwarded `aws.*` event cannot be put by
 * hand (EventBridge refuses those sources from PutEvents), so one arriving from a region the bot does
 * not deploy to is a real CloudTrail record — e.g. a forwarding rule someone added there — and the
 * change it records is as real as any other.
 */
export function regionRefusal(region: string): Ignored | null {
  const shown = shownText(region);
  if (!REGION_SHAPE.test(region)) return { kind: 'invalid-region', text: `awsRegion ${shown} is not an AWS region: refused` };
  return null;
}

/** A text from an event as a refusal shows it: quoted, cut at 40 characters. */
export function shownText(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * Why a detector finding is refused for where it comes from, or null: its region, then each of the
 * accounts it names (the sender's and the finding's), all in the organization when the configuration
 * lists it (GuardDuty, Inspector and Access Analyzer findings alike).
 */
export function detectorOriginRefusal(region: string, accounts: readonly string[], config: { readonly organization: { readonly accounts: readonly string[] } }): Ignored | null {
  const refused = regionRefusal(region);
  if (refused !== null) return refused;
  const members = config.organization.accounts;
  if (members.length === 0) return null;
  for (const account of accounts) {
    if (!members.includes(account)) return { kind: 'outside-organization', text: `account ${account} is not in the organization: refused` };
  }
  return null;
}

/**
 * Why an event is refused for where it was recorded, or null: the envelope `account` and
 * `detail.recipientAccountId` must both be organization accounts (when the configuration lists them;
 * with none listed, as in a local simulation, nothing can be read or changed anyway).
 */
export function organizationRefusal(event: Pick<CloudTrailEvent, 'account' | 'detail'>, config: Pick<WardenConfig, 'organization'>): Ignored | null {
  const recipient = event.detail.recipientAccountId;
  if (recipient === undefined || !ACCOUNT_ID.test(recipient)) return { kind: 'outside-organization', text: 'the event names no recipient account (detail.recipientAccountId): refused' };
  const members = config.organization.accounts;
  if (members.length === 0) return null;
  for (const account of [event.account, recipient]) {
    if (!members.includes(account)) return { kind: 'outside-organization', text: `account ${account} is not in the organization: refused` };
  }
  return null;
}

/**
 * Why an event is refused for the resources it names, or null: each resource must be in the account
 * that recorded the event (a call recorded in one account cannot make the bot act on another's
 * resource). A trail is the exception: an organization trail lives in the management account and is
 * managed from a delegated administrator account; its rule only restores logging on the trail's real state.
 */
export function resourceAccountRefusal(refs: readonly ResourceRef[], recipientAccountId: string): Ignored | null {
  const foreign = refs.find((ref) => ref.kind !== 'cloudtrail-trail' && ref.account !== recipientAccountId);
  if (foreign === undefined) return null;
  return { kind: 'resource-account-mismatch', text: `the event, recorded in account ${recipientAccountId}, names a resource of account ${foreign.account}: refused` };
}

/** Why an event is ignored before any rule runs, or null when it goes on (checked in this order). */
export function intakeRefusal(event: Pick<CloudTrailEvent, 'account' | 'detail'>, config: Pick<WardenConfig, 'organization' | 'deployment' | 'remediatorRoleName'>): Ignored | null {
  const { detail } = event;
  if (detail.errorCode !== undefined && detail.errorCode !== '') {
    return { kind: 'failed-call', text: `failed call (${detail.errorCode}): nothing changed` };
  }
  const refusal = regionRefusal(detail.awsRegion) ?? organizationRefusal(event, config);
  if (refusal !== null) return refusal;
  if (isOwnAction(detail, config.remediatorRoleName)) {
    return { kind: 'own-action', text: `the bot's own action (role ${config.remediatorRoleName})` };
  }
  return null;
}

/** Who made the change, for findings and messages. */
export function actorOf(detail: CloudTrailDetail): Actor {
  const identity = detail.userIdentity;
  return {
    type: identity.type,
    arn: identity.arn ?? identity.sessionContext?.sessionIssuer?.arn ?? identity.invokedBy,
    accountId: identity.accountId,
    sourceIPAddress: detail.sourceIPAddress,
    userAgent: detail.userAgent,
    ...(identity.sessionContext?.sessionIssuer?.arn === undefined ? {} : { sessionIssuerArn: identity.sessionContext.sessionIssuer.arn }),
  };
}

/**
 * Why a GuardDuty finding is not judged, or null (checked in this order): its region, the accounts
 * it comes from (the envelope's — a member or the delegated administrator — and the finding's
 * `accountId`, both in the organization when the configuration lists it), its resource type (Lambda
 * only), and the function it names (in the finding's account).
 */
export function guardDutyFindingRefusal(event: GuardDutyFindingEvent, config: Pick<WardenConfig, 'organization'>): Ignored | null {
  const { detail } = event;
  const origin = detectorOriginRefusal(detail.region, [event.account, detail.accountId], config);
  if (origin !== null) return origin;
  const type = detail.resource.resourceType;
  if (type !== GUARDDUTY_LAMBDA_RESOURCE_TYPE) {
    const shown = shownText(type);
    return { kind: 'other-resource-type', text: `the finding is about a resource of type ${shown}, not a Lambda function: not judged here` };
  }
  const arn = detail.resource.lambdaDetails?.functionArn;
  if (arn === undefined) return { kind: 'no-resource', text: 'the finding names no function (resource.lambdaDetails.functionArn)' };
  const named = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:(\d{12}):function:/.exec(arn)?.[1];
  if (named === undefined) return { kind: 'no-resource', text: 'resource.lambdaDetails.functionArn is not a function ARN' };
  if (named !== detail.accountId) {
    return { kind: 'resource-account-mismatch', text: `the finding, about account ${detail.accountId}, names a function of account ${named}: refused` };
  }
  return null;
}

/**
 * Why an Access Analyzer finding is not judged, or null (checked in this order): its region, the accounts
 * it comes from (the envelope's — the analyzer's, the management or delegated administrator account of an
 * organization analyzer — and the finding's `accountId`, both in the organization when the configuration
 * lists it), its resource type (Lambda functions and layer versions only), an error finding (the analyzer
 * could not read the resource), and the resource it names (a function or layer version ARN of the
 * finding's account, which is also `resourceOwnerAccount` when given).
 */
export function accessAnalyzerFindingRefusal(event: AccessAnalyzerFindingEvent, config: Pick<WardenConfig, 'organization'>): Ignored | null {
  const { detail } = event;
  const origin = detectorOriginRefusal(detail.region, [event.account, detail.accountId], config);
  if (origin !== null) return origin;
  const type = detail.resourceType;
  if (!(ACCESS_ANALYZER_LAMBDA_RESOURCE_TYPES as readonly string[]).includes(type)) {
    const shown = shownText(type);
    return { kind: 'other-resource-type', text: `the finding is about a resource of type ${shown}, not a Lambda function or layer version: not judged here` };
  }
  if (detail.error !== undefined) {
    const shown = JSON.stringify(detail.error.slice(0, 40));
    return { kind: 'no-resource', text: `an error finding (${shown}): IAM Access Analyzer could not analyze the resource, so it names no access to judge` };
  }
  const named = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:(\d{12}):(function|layer):/.exec(detail.resource);
  const expected = type === 'AWS::Lambda::Function' ? 'function' : 'layer';
  if (named?.[1] === undefined || named[2] !== expected) return { kind: 'no-resource', text: `resource is not a Lambda ${expected === 'function' ? 'function' : 'layer version'} ARN` };
  for (const owner of [detail.accountId, detail.resourceOwnerAccount]) {
    if (owner !== undefined && owner !== named[1]) {
      return { kind: 'resource-account-mismatch', text: `the finding, about account ${owner}, names a resource of account ${named[1]}: refused` };
    }
  }
  return null;
}
