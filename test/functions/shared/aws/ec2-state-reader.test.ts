import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EC2_READ_PERMISSIONS, Ec2StateReader, withSecurityGroupReader } from '../../../../functions/shared/aws/ec2-state-reader';
import type { SecurityGroupRuleRef } from '../../../../functions/shared/state/resources';
import { installEc2Mock } from '../../../../sim/ec2-mock';
import { InMemoryAccount } from '../../../../sim/in-memory-account';
import { installLambdaMock, type LambdaMockHandle } from '../../../../sim/lambda-mock';
import { ACCOUNT, FUNCTION_ARN, REGION } from '../../../fixtures/accounts';
import { ALL_TO_WORLD, authorizeEgressEvent, egressState, GROUP_ID, ruleIdFor, VPC_ID } from '../../../fixtures/ec2';

let ec2: ReturnType<typeof installEc2Mock> | undefined;
let lambda: LambdaMockHandle | undefined;
afterEach(() => {
  ec2?.mock.restore();
  lambda?.mock.restore();
});

const ref: SecurityGroupRuleRef = { kind: 'ec2-security-group-rule', account: ACCOUNT, region: REGION, ruleId: ruleIdFor(GROUP_ID, ALL_TO_WORLD) };

function accountWithOpenRule(): InMemoryAccount {
  const account = InMemoryAccount.fromStateFile(egressState());
  account.replay(authorizeEgressEvent(GROUP_ID, [ALL_TO_WORLD]));
  return account;
}

function sdkReader(account: InMemoryAccount): Ec2StateReader {
  ec2 = installEc2Mock(account.ec2);
  lambda = installLambdaMock(account, mockClient(LambdaClient));
  return new Ec2StateReader((_a, region) => new EC2Client({ region }), (_a, region) => new LambdaClient({ region }));
}

describe('Ec2StateReader', () => {
  it('reads through the SDK exactly the snapshot the in-memory reader gives: the rule, its group and the functions using it', async () => {
    const account = accountWithOpenRule();
    const viaSdk = await sdkReader(account).readSecurityGroupRule(ref);
    expect(viaSdk).toMatchObject({ rule: { GroupId: GROUP_ID, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0', IsEgress: true }, group: { groupName: 'orders-api-lambda', vpcId: VPC_ID }, usedByFunctions: [FUNCTION_ARN] });
    expect(viaSdk).toEqual(await account.reader().readSecurityGroupRule?.(ref));
  });

  it('sends only commands EC2_READ_PERMISSIONS covers: one rule read, then the group and the function listing', async () => {
    const reader = sdkReader(accountWithOpenRule());
    await reader.readSecurityGroupRule(ref);
    const sent = [...(ec2?.calls ?? []).map((c) => `ec2:${c.command}`), ...(lambda?.calls ?? []).map((c) => `lambda:${c.command}`)];
    expect(sent).toEqual(['ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'lambda:ListFunctions']);
    expect(sent.filter((p) => !(EC2_READ_PERMISSIONS as readonly string[]).includes(p))).toEqual([]);
  });

  it('reads a rule that is gone as null, and lists nothing for it', async () => {
    const snapshot = await sdkReader(InMemoryAccount.fromStateFile(egressState())).readSecurityGroupRule(ref);
    expect(snapshot).toMatchObject({ rule: null, usedByFunctions: [] });
    expect(lambda?.calls).toEqual([]);
  });

  it('composes with another reader, keeping its parts', async () => {
    const account = accountWithOpenRule();
    const reader = withSecurityGroupReader(account.reader(), sdkReader(account));
    expect((await reader.readSecurityGroupRule?.(ref))?.usedByFunctions).toEqual([FUNCTION_ARN]);
    expect(typeof reader.readRole).toBe('function');
    expect((await reader.readFunction({ kind: 'lambda-function', account: ACCOUNT, region: REGION, functionName: 'orders-api' }, ['configuration'])).configuration?.VpcConfig?.SecurityGroupIds).toEqual([GROUP_ID]);
  });
});
