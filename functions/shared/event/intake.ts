/**
 * Intake decisions taken before any rule runs: failed calls and the bot's own calls are
 * ignored, with the reason reported; the actor of a change is extracted for reports.
 */
import type { Actor } from '../../../rules/rule';
import type { CloudTrailDetail, UserIdentity } from './cloudtrail-event';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[^/]+\/)*([^/]+)$/;

/**
 * True when the call was made by a session of the bot's remediator role. Matches the session
 * issuer exactly (role name and ARN, path allowed): `WardenRemediator-dev` is somebody else.
 */
export function isOwnAction(identity: UserIdentity, remediatorRoleName: string): boolean {
  if (identity.type !== 'AssumedRole') return false;
  const issuer = identity.sessionContext?.sessionIssuer;
  if (issuer?.type !== 'Role' || issuer.arn === undefined) return false;
  const match = ROLE_ARN.exec(issuer.arn);
  return match?.[1] === remediatorRoleName && (issuer.userName === undefined || issuer.userName === remediatorRoleName);
}

/** Why an event is ignored before any rule runs, or null when it goes on. */
export function ignoreReason(detail: CloudTrailDetail, remediatorRoleName: string): string | null {
  if (detail.errorCode !== undefined && detail.errorCode !== '') {
    return `failed call (${detail.errorCode}): nothing changed`;
  }
  if (isOwnAction(detail.userIdentity, remediatorRoleName)) {
    return `the bot's own action (role ${remediatorRoleName})`;
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
