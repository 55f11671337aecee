/** The part of `@aws-sdk/client-cloudwatch-logs` the responder uses, imported only through `loadCloudWatchLogs` (see `ec2-sdk.ts`). */
export { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
