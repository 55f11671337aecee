import { GetAccountAuthorizationDetailsCommand, IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand, ListLayersCommand, ListLayerVersionsCommand } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { installOrganizationMocks, type OrganizationMockHandle } from '../../sim/organization-mock';
import { addFunction } from '../fixtures/organization';

const A = '111122223333';
const B = '222233334444';
const as = (account: string) => ({ accessKeyId: `ASIA${account}`, secretAccessKey: 'x', accountId: account });

describe('the in-memory organization behind the SDK', () => {
  let world: InMemoryAccount;
  let org: OrganizationMockHandle;

  beforeEach(() => {
    world = new InMemoryAccount();
    for (let i = 0; i < 120; i += 1) addFunction(world, A, 'eu-west-1', `fn-${String(i).padStart(3, '0')}`);
    addFunction(world, B, 'eu-west-1', 'other-account');
    addFunction(world, A, 'us-east-1', 'other-region');
    for (let v = 0; v < 3; v += 1) world.lambda.publishLayerVersion({ account: A, region: 'eu-west-1', layerName: 'common' });
    world.lambda.publishLayerVersion({ account: B, region: 'eu-west-1', layerName: 'theirs' });
    org = installOrganizationMocks(world);
  });
  afterEach(() => {
    org.restore();
  });

  it('pages ListFunctions by 50 with Marker/NextMarker, for the client’s account and region only', async () => {
    const lambda = new LambdaClient({ region: 'eu-west-1', credentials: as(A) });
    const pages: number[] = [];
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const out = await lambda.send(new ListFunctionsCommand({ Marker: marker }));
      pages.push(out.Functions?.length ?? 0);
      names.push(...(out.Functions ?? []).map((f) => f.FunctionName ?? ''));
      marker = out.NextMarker;
    } while (marker !== undefined);
    expect(pages).toEqual([50, 50, 20]);
    expect(names).toHaveLength(120);
    expect(new Set(names).size).toBe(120);
    expect(names).not.toContain('other-account');
    expect(names).not.toContain('other-region');
    expect((await lambda.send(new ListFunctionsCommand({ MaxItems: 7 }))).Functions).toHaveLength(7);
  });

  it('lists layers with their latest version, and every version of a layer, newest first', async () => {
    const lambda = new LambdaClient({ region: 'eu-west-1', credentials: as(A) });
    const layers = await lambda.send(new ListLayersCommand({}));
    expect(layers.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version])).toEqual([['common', 3]]);
    const versions = await lambda.send(new ListLayerVersionsCommand({ LayerName: `arn:aws:lambda:eu-west-1:${A}:layer:common` }));
    expect(versions.LayerVersions?.map((v) => v.Version)).toEqual([3, 2, 1]);
  });

  it('answers GetAccountAuthorizationDetails with the client account’s roles, inline documents URL-encoded', async () => {
    world.iam.attachRolePolicy(A, 'fn-000-eu-west-1-role', 'arn:aws:iam::aws:policy/AdministratorAccess');
    const iam = new IAMClient({ region: 'us-east-1', credentials: as(A) });
    const first = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role', 'AWSManagedPolicy'], MaxItems: 100 }));
    expect(first.IsTruncated).toBe(true);
    const second = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role', 'AWSManagedPolicy'], MaxItems: 100, Marker: first.Marker }));
    const roles = [...(first.RoleDetailList ?? []), ...(second.RoleDetailList ?? [])];
    expect(roles).toHaveLength(121);
    expect(roles.every((r) => r.Arn?.startsWith(`arn:aws:iam::${A}:role/`))).toBe(true);
    expect(roles[0]?.RolePolicyList?.[0]?.PolicyDocument).toMatch(/^%7B/);
    expect(second.Policies?.map((p) => [p.Arn, p.PolicyVersionList?.find((v) => v.IsDefaultVersion)?.VersionId])).toEqual([['arn:aws:iam::aws:policy/AdministratorAccess', 'v1']]);
  });
});
