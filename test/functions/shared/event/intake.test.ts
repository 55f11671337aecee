import { describe, expect, it } from 'vitest';
import { actorOf, ignoreReason, isOwnAction } from '../../../../functions/shared/event/intake';
import { addPermissionEvent, assumedRole, identities, iamUser } from '../../../fixtures/cloudtrail';

describe('isOwnAction', () => {
  it('recognises a session of the remediator role by its session issuer', () => {
    expect(isOwnAction(identities.remediator(), 'WardenRemediator')).toBe(true);
  });

  it('recognises the remediator role under a path (the session ARN drops the path)', () => {
    expect(isOwnAction(assumedRole('WardenRemediator', 's', { path: '/security/' }), 'WardenRemediator')).toBe(true);
  });

  it.each([
    ['a look-alike role name', assumedRole('WardenRemediator-dev', 's')],
    ['a role whose name ends like ours', assumedRole('NotWardenRemediator', 's')],
    ['an IAM user named like the role', iamUser('WardenRemediator')],
    ['an ordinary developer', identities.alice],
    ['an AWS service', identities.service],
  ])('does not treat %s as the bot', (_label, identity) => {
    expect(isOwnAction(identity, 'WardenRemediator')).toBe(false);
  });

  it('follows the configured role name', () => {
    expect(isOwnAction(assumedRole('SecBotFixer', 's'), 'SecBotFixer')).toBe(true);
    expect(isOwnAction(identities.remediator(), 'SecBotFixer')).toBe(false);
  });

  it('does not trust a session issuer whose user name disagrees with its ARN', () => {
    const identity = assumedRole('WardenRemediator', 's');
    const forged = { ...identity, sessionContext: { sessionIssuer: { ...identity.sessionContext?.sessionIssuer, userName: 'Other' } } };
    expect(isOwnAction(forged, 'WardenRemediator')).toBe(false);
  });
});

describe('ignoreReason', () => {
  it('ignores a failed call and names the error code', () => {
    const event = addPermissionEvent({ statementId: 'public', principal: '*' }, { errorCode: 'AccessDenied', errorMessage: 'User is not authorized' });
    expect(ignoreReason(event.detail, 'WardenRemediator')).toBe('failed call (AccessDenied): nothing changed');
  });

  it("ignores the bot's own calls", () => {
    const event = addPermissionEvent({ statementId: 'public', principal: '*' }, { identity: identities.remediator() });
    expect(ignoreReason(event.detail, 'WardenRemediator')).toBe("the bot's own action (role WardenRemediator)");
  });

  it('lets an ordinary change through', () => {
    expect(ignoreReason(addPermissionEvent({ statementId: 'public', principal: '*' }).detail, 'WardenRemediator')).toBeNull();
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
