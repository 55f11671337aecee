/**
 * The clients a remediation action gets for its target account and region. A function beside
 * `AccountClients`, not a method of it: the scanner builds `AccountClients` too, and a method would carry
 * the write-side SDK clients (EC2 alone is about 550 KB minified) into the scanner's bundle, which never
 * sends them a call.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { ActionClients } from '../remediation/action';
import { iamRegionFor } from '../state/resources';
import type { AccountClients } from './clients';
import { loadCloudTrail, loadEc2, moduleExports } from './sdk-module';

/**
 * @example
 * const executor = new Executor({ config, store, clientsFor: (a, r, id) => actionClients(clients, a, r, id) });
 */
export async function actionClients(clients: AccountClients, account: string, region: string, findingId?: string): Promise<ActionClients> {
  const [lambda, iam] = await Promise.all([clients.client(LambdaClient, account, region, findingId), clients.client(IAMClient, account, iamRegionFor(region), findingId)]);
  // CloudTrail and EC2 (issue #17 rule 5): created, and their SDK modules loaded, only when one of their actions runs.
  const cloudtrail = async () => clients.client((await loadCloudTrail()).CloudTrailClient, account, region, findingId);
  const ec2 = async () => clients.client((await loadEc2()).EC2Client, account, region, findingId);
  // API Gateway (issue #17): created, and its SDK modules loaded, only when an API action runs.
  const apiGateway = {
    rest: async () => clients.client(moduleExports(await import('@aws-sdk/client-api-gateway'), 'APIGatewayClient').APIGatewayClient, account, region, findingId),
    http: async () => clients.client(moduleExports(await import('@aws-sdk/client-apigatewayv2'), 'ApiGatewayV2Client').ApiGatewayV2Client, account, region, findingId),
  };
  return { lambda, cloudtrail, iam, ec2, apiGateway };
}
