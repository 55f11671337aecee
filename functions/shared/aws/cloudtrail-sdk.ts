/** The part of `@aws-sdk/client-cloudtrail` the responder uses, imported only through `loadCloudTrail` (see `ec2-sdk.ts`). */
export { CloudTrailClient, GetEventSelectorsCommand, GetTrailCommand, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
