/** The clients a scan uses: per account and region, on the assumed role's `warden-scan` session. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AccountClients } from '../aws/clients';
import { moduleExports } from '../aws/sdk-module';
import type { CrossAccountCredentials } from '../aws/credentials';
import type { ScanClients } from './scanner';

/** The session name's suffix: CloudTrail in member accounts shows `warden-scan` for every scan read. */
export const SCAN_SESSION = 'scan';

/**
 * @example
 * const clients = scanClients(new CrossAccountCredentials({ sts, config }));
 * const report = await new Scanner({ rules: RULES, config, clients }).scan(targets);
 */
export function scanClients(credentials: CrossAccountCredentials, onClient?: (client: object) => void): ScanClients {
  const clients = new AccountClients({ credentials, ...(onClient === undefined ? {} : { onClient }) });
  return {
    lambda: (account, region) => clients.client(LambdaClient, account, region, SCAN_SESSION),
    iam: (account, region) => clients.client(IAMClient, account, region, SCAN_SESSION),
    logs: (account, region) => clients.client(CloudWatchLogsClient, account, region, SCAN_SESSION),
    // EC2's SDK module loads only for a region with VPC functions, API Gateway's only when `scan.readApis` asks for them.
    ec2: async (account, region) => clients.client(moduleExports(await import('@aws-sdk/client-ec2'), 'EC2Client').EC2Client, account, region, SCAN_SESSION),
    apiGateway: async (account, region) => clients.client(moduleExports(await import('@aws-sdk/client-api-gateway'), 'APIGatewayClient').APIGatewayClient, account, region, SCAN_SESSION),
    apiGatewayV2: async (account, region) => clients.client(moduleExports(await import('@aws-sdk/client-apigatewayv2'), 'ApiGatewayV2Client').ApiGatewayV2Client, account, region, SCAN_SESSION),
  };
}
