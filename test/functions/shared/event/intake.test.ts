import { describe, expect, it } from 'vitest';
import { roleSessionName } from '../../../../functions/shared/aws/credentials';
import { parseConfig } from '../../../../functions/shared/config/config';
import { findingId } from '../../../../functions/shared/engine/engine';
import type { CloudTrailEvent, UserIdentity } from '../../../../functions/shared/event/cloudtrail-event';
import { actorOf, intakeRefusal, isOwnAction, organizationRefusal, regionRefusal, resourceAccountRefusal } from '../../../../functions/shared/event/intake';
import { isResponderSessionName, WARDEN_SOURCE_IDENTITY } from '../../../../functions/shared/self/own-sessions';
import { ACCOUNT, FOREIGN_ACCOUNT, ORG_ACCOUNT, REGION } from '../../../fixtures/accounts';
import { addPermissionEvent, assumedRole, identities, iamUser, REMEDIATION_SESSION } from '../../../fixtures/cloudtrail';

const config = parseConfig({ organization: { accounts: [ACCOUNT, ORG_ACCOUNT] }, deployment: { regions: ['us-east-1', 'eu-west-1'] } });

/** The identity as recorded in `account` (the recipient account) in `region`. */
function own(identity: UserIdentity, account = ACCOUNT, region = REGION): boolean {
  return isOwnAction({ userIdentity: identity, recipientAccountId: account, awsRegion: region }, 'WardenRemediator');
}

describe('isOwnAction', () => {
  it("recognises the remediator role's session of the recording account, named and marked by the responder", () => {
    expect(own(identities.remediator())).toBe(true);
    expect(own(assumedRole('WardenRemediator', roleSessionName(undefined), { sourceIdentity: WARDEN_SOURCE_IDENTITY }))).toBe(true);
  });

  it('reads the partition from the region', () => {
    const cn = identities.remediator();
    const issuer = { ...cn.sessionContext?.sessionIssuer, arn: `arn:aws-cn:iam::${ACCOUNT}:role/WardenRemediator` };
    const china = { ...cn, arn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/WardenRemediator/${REMEDIATION_SESSION}`, sessionContext: { ...cn.sessionContext, sessionIssuer: issuer } };
    expect(own(china, ACCOUNT, 'cn-north-1')).toBe(true);
    expect(own(china, ACCOUNT, 'us-east-1')).toBe(false);
  });

  it.each([
    ['the role of the same name in another account', identities.remediator('WardenRemediator', ORG_ACCOUNT)],
    ['the role of the same name under a path', assumedRole('WardenRemediator', REMEDIATION_SESSION, { path: '/security/', sourceIdentity: WARDEN_SOURCE_IDENTITY })],
    ['a session name the responder never sets', assumedRole('WardenRemediator', 'admin-console', { sourceIdentity: WARDEN_SOURCE_IDENTITY })],
    ['a look-alike session name', assumedRole('WardenRemediator', 'warden-wf-attacker', { sourceIdentity: WARDEN_SOURCE_IDENTITY })],
    ['a session without source identity', assumedRole('WardenRemediator', REMEDIATION_SESSION)],
    ['a session with another source identity', assumedRole('WardenRemediator', REMEDIATION_SESSION, { sourceIdentity: 'mallory' })],
    ['a look-alike role name', identities.remediator('WardenRemediator-dev')],
    ['a role whose name ends like ours', identities.remediator('NotWardenRemediator')],
    ['an IAM user named like the role', iamUser('WardenRemediator')],
    ['an ordinary developer', identities.alice],
    ['an AWS service', identities.service],
  ])('judges %s like anyone', (_label, identity) => {
    expect(own(identity)).toBe(false);
  });

  it('judges a session recorded in another account than its own like anyone', () => {
    expect(own(identities.remediator(), ORG_ACCOUNT)).toBe(false);
  });

  it('follows the configured role name', () => {
    const fixer = assumedRole('SecBotFixer', REMEDIATION_SESSION, { sourceIdentity: WARDEN_SOURCE_IDENTITY });
    expect(isOwnAction({ userIdentity: fixer, recipientAccountId: ACCOUNT, awsRegion: REGION }, 'SecBotFixer')).toBe(true);
    expect(isOwnAction({ userIdentity: identities.remediator(), recipientAccountId: ACCOUNT, awsRegion: REGION }, 'SecBotFixer')).toBe(false);
  });

  it('does not trust a session issuer whose user name or account disagrees with its ARN', () => {
    const identity = identities.remediator();
    const issuer = identity.sessionContext?.sessionIssuer;
    expect(own({ ...identity, sessionContext: { ...identity.sessionContext, sessionIssuer: { ...issuer, userName: 'Other' } } })).toBe(false);
    expect(own({ ...identity, sessionContext: { ...identity.sessionContext, sessionIssuer: { ...issuer, accountId: ORG_ACCOUNT } } })).toBe(false);
    expect(own({ ...identity, accountId: ORG_ACCOUNT })).toBe(false);
  });

  it('recognises exactly the session names roleSessionName gives', () => {
    expect(isResponderSessionName(roleSessionName(findingId('function-public-access', 'arn', 'k')))).toBe(true);
    expect(isResponderSessionName(roleSessionName(undefined))).toBe(true);
    expect(isResponderSessionName('warden-remediation')).toBe(false);
  });
});

describe('intakeRefusal', () => {
  const event = (overrides: Parameters<typeof addPermissionEvent>[1] = {}): CloudTrailEvent => addPermissionEvent({ statementId: 'public', principal: '*' }, overrides);

  it('ignores a failed call and names the error code', () => {
    expect(intakeRefusal(event({ errorCode: 'AccessDenied', errorMessage: 'User is not authorized' }), config)).toEqual({ kind: 'failed-call', text: 'failed call (AccessDenied): nothing changed' });
  });

  it("ignores the bot's own calls", () => {
    expect(intakeRefusal(event({ identity: identities.remediator() }), config)).toEqual({ kind: 'own-action', text: "the bot's own action (role WardenRemediator)" });
  });

  it('lets an ordinary change through', () => {
    expect(intakeRefusal(event(), config)).toBeNull();
  });

  it.each([
    ['an envelope account outside the organization', { ...event(), account: FOREIGN_ACCOUNT }],
    ['a recipient account outside the organization', event({ detail: { recipientAccountId: FOREIGN_ACCOUNT } })],
    ['no recipient account', event({ detail: { recipientAccountId: undefined } })],
  ])('refuses %s', (_label, refused) => {
    expect(intakeRefusal(refused, config)?.kind).toBe('outside-organization');
  });

  it('checks membership only when the configuration lists the accounts, the recipient account always', () => {
    const local = parseConfig({});
    expect(organizationRefusal({ ...event(), account: FOREIGN_ACCOUNT }, local)).toBeNull();
    expect(organizationRefusal(event({ detail: { recipientAccountId: 'x' } }), local)?.kind).toBe('outside-organization');
  });

  it.each([
    ['not-a-region', /is not an AWS region/],
    ['us-east-1; drop table', /is not an AWS region/],
    ['x'.repeat(5000), /is not an AWS region/],
    ['zz-bogus-9', /is not an AWS region/],
    ['us-east-1\u0000', /is not an AWS region/],
  ])('refuses the region %s', (region, why) => {
    expect(regionRefusal(region)?.text).toMatch(why);
    expect(regionRefusal(region)?.text.length).toBeLessThan(200);
  });

  // Changed deliberately: a region outside deployment.regions used to be refused, but a forwarded aws.* event
  // cannot be forged, so such an event is a real change (a forwarding rule added in that region) and is judged.
  it.each(['eu-west-1', 'us-east-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1', 'cn-north-1', 'us-isob-east-1', 'il-central-1'])('accepts the AWS region %s, watched or not', (region) => {
    expect(regionRefusal(region)).toBeNull();
  });
});

describe('resourceAccountRefusal', () => {
  it('refuses a resource of another account than the recording one, except a trail', () => {
    const fn = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'f' } as const;
    expect(resourceAccountRefusal([fn], ACCOUNT)).toBeNull();
    expect(resourceAccountRefusal([fn], ORG_ACCOUNT)).toEqual({ kind: 'resource-account-mismatch', text: `the event, recorded in account ${ORG_ACCOUNT}, names a resource of account ${ACCOUNT}: refused` });
    expect(resourceAccountRefusal([{ kind: 'cloudtrail-trail', account: ACCOUNT, region: REGION, trailName: 'org' }], ORG_ACCOUNT)).toBeNull();
  });
});

describe('actorOf', () => {
  it('reports who made the change, from where and with what', () => {
    const event = addPermissionEvent({ statementId: 'public', principal: '*' }, { sourceIPAddress: '203.0.113.7', userAgent: 'aws-cli/2.15.0' });
    expect(actorOf(event.detail)).toEqual({
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333',
      sourceIPAddress: '203.0.113.7',
      userAgent: 'aws-cli/2.15.0',
    });
  });
});
