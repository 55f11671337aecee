import { describe, expect, it } from 'vitest';
import { EVENT_PATTERN_LIMIT, withOrganizationAccounts } from '../../infra/central-stack';

const base = { source: ['aws.cloudtrail', 'aws.events', 'aws.iam', 'aws.lambda'], detailType: ['AWS API Call via CloudTrail'] };
const accounts = (n: number): string[] => Array.from({ length: n }, (_, i) => String(100000000000 + i));
const size = (pattern: object): number => JSON.stringify(pattern).length;

describe('the responder rule’s organization filter', () => {
  it('filters on the envelope account and the recipient account when the configuration lists them', () => {
    expect(withOrganizationAccounts(base, accounts(2))).toEqual({ ...base, account: accounts(2), detail: { recipientAccountId: accounts(2) } });
  });

  it('adds nothing without an account list', () => {
    expect(withOrganizationAccounts(base, [])).toEqual(base);
  });

  it.each([40, 100, 200])('stays within EventBridge’s default pattern size for %i accounts (the responder still refuses the rest)', (n) => {
    const pattern = withOrganizationAccounts(base, accounts(n));
    expect(size(pattern)).toBeLessThanOrEqual(EVENT_PATTERN_LIMIT);
    expect(pattern.source).toEqual(base.source);
  });
});
