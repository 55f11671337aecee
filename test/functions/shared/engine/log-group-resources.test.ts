import { describe, expect, it } from 'vitest';
import { resourcesOf, resourcesWithRoles } from '../../../../functions/shared/engine/event-resources';
import type { StateReader } from '../../../../functions/shared/state/state-reader';
import { RULES } from '../../../../rules';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { ACCOUNT, FUNCTION_NAME, REGION } from '../../../fixtures/accounts';
import { deleteLogGroupEvent, functionWithLogGroup, putRetentionPolicyEvent } from '../../../fixtures/log-groups';

const ORDERS = { kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: FUNCTION_NAME } as const;

describe('the functions a CloudWatch Logs event reaches (issue #17)', () => {
  it('names the function of a /aws/lambda/<name> group, and nothing for any other group', () => {
    expect(resourcesOf(deleteLogGroupEvent())).toEqual([ORDERS]);
    expect(resourcesOf(putRetentionPolicyEvent(1, '/aws/lambda/orders-api', { account: '222233334444', region: 'eu-west-1' }))).toEqual([{ ...ORDERS, account: '222233334444', region: 'eu-west-1' }]);
    for (const group of ['/org/orders/app', '/aws/lambda/us-east-1.orders-api', '/aws/lambda/', '/aws/lambda/a/b']) expect(resourcesOf(deleteLogGroupEvent(group))).toEqual([]);
  });

  it('resolves a custom group to the functions whose LoggingConfig names it, through the reader', async () => {
    const account = new InMemoryAccount({ defaultAccount: ACCOUNT });
    functionWithLogGroup(account, { logGroup: '/org/orders/app' });
    functionWithLogGroup(account, { functionName: 'orders-worker', logGroup: '/org/orders/app' });
    functionWithLogGroup(account, { functionName: 'billing' });
    const refs = await resourcesWithRoles(deleteLogGroupEvent('/org/orders/app'), account.reader(), RULES);
    expect(refs).toEqual([ORDERS, { ...ORDERS, functionName: 'orders-worker' }]);
    const base = account.reader();
    const reader = (functionsWithLogGroup?: StateReader['functionsWithLogGroup']): StateReader => ({
      readFunction: (ref, parts) => base.readFunction(ref, parts),
      readLayerVersion: (ref) => base.readLayerVersion(ref),
      ...(functionsWithLogGroup === undefined ? {} : { functionsWithLogGroup }),
    });
    // The default group names its function directly: no listing.
    expect(await resourcesWithRoles(deleteLogGroupEvent(), reader(() => Promise.reject(new Error('listed'))), RULES)).toEqual([ORDERS]);
    // A reader that cannot list functions reaches none.
    expect(await resourcesWithRoles(deleteLogGroupEvent('/org/orders/app'), reader(), RULES)).toEqual([]);
  });
});
