import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../../functions/shared/config/config';
import { forwarderRoleName, forwardingRuleName, isForwardingRuleName, memberRoleOf } from '../../../../functions/shared/self/member-resources';

describe('member resources', () => {
  it('names forwarding rules and forwarder roles as the member stack does', () => {
    expect(forwardingRuleName('lambda')).toBe('warden-forward-lambda');
    expect(forwarderRoleName('eu-west-1')).toBe('warden-forwarder-eu-west-1');
    expect(isForwardingRuleName(forwardingRuleName('cloudtrail'))).toBe(true);
  });

  it.each(['WardenForwarder', 'warden-forward-', 'Warden-forward-lambda', 'warden-forward-lambda/x'])('does not take %s for a forwarding rule', (name) => {
    expect(isForwardingRuleName(name)).toBe(false);
  });

  it('knows the remediator, audit and forwarder roles exactly, at path / only', () => {
    expect(memberRoleOf(DEFAULT_CONFIG, 'WardenRemediator')).toBe('remediator');
    expect(memberRoleOf(DEFAULT_CONFIG, 'WardenAuditor')).toBe('auditor');
    expect(memberRoleOf(DEFAULT_CONFIG, 'warden-forwarder-us-east-1')).toBe('forwarder');
    expect(memberRoleOf(DEFAULT_CONFIG, 'WardenRemediator', '/evil/')).toBeNull();
    expect(memberRoleOf(DEFAULT_CONFIG, 'WardenRemediator-dev')).toBeNull();
    expect(memberRoleOf(DEFAULT_CONFIG, 'WardenPayments')).toBeNull();
  });
});
