/**
 * `WardenFunction`: every function of the bot with the same defaults — its own role, nodejs24.x on
 * arm64, esbuild bundling on this machine (never Docker), source maps, X-Ray tracing, a dead-letter
 * queue, reserved concurrency and log retention.
 */
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { InvalidConfigError } from '../functions/shared/errors';

/** A CloudWatch Logs retention from a number of days (the config); refuses a value Logs does not offer. */
export function retentionDays(days: number): logs.RetentionDays {
  const match = (Object.values(logs.RetentionDays) as (string | logs.RetentionDays)[]).find(
    (value): value is logs.RetentionDays => typeof value === 'number' && (value as number) === days,
  );
  if (match === undefined) throw new InvalidConfigError(`deployment.logRetentionDays: ${String(days)} is not a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, …)`);
  return match;
}

/** The runtime the bot's own functions deploy on (nodejs20.x is deprecated and flagged by the bot's own rule). */
export const WARDEN_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * How every function is bundled: ESM, minified, with source maps, for the runtime's Node version.
 * `npm run bench` bundles with the same options to report sizes and load times.
 */
export const WARDEN_BUNDLING = {
  format: nodejs.OutputFormat.ESM,
  minify: true,
  sourceMap: true,
  target: 'node24',
  // esbuild's file-size table and "Done in" line on every synthesis: only warnings and errors are worth reading.
  logLevel: nodejs.LogLevel.WARNING,
  mainFields: ['module', 'main'],
  // ESM bundles need `require` for the CommonJS dependencies they inline.
  banner: "import { createRequire as __wardenCreateRequire } from 'node:module'; const require = __wardenCreateRequire(import.meta.url);",
} as const;

/** Lambda's limit on the total size of a function's environment variables (names and values). */
export const ENVIRONMENT_LIMIT_BYTES = 4096;

/** A value's size; a reference resolved at deploy time (a table name, an ARN) counts as 128 bytes. */
function valueBytes(value: string): number {
  return Token.isUnresolved(value) ? 128 : Buffer.byteLength(value);
}

export interface WardenFunctionProps {
  /** `functions/<name>/handler.ts` is the entry point. */
  readonly name: 'responder' | 'notifier' | 'approval' | 'scanner' | 'heartbeat';
  readonly environment: Readonly<Record<string, string>>;
  readonly reservedConcurrency: number;
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly logRetentionDays: number;
}

const ROOT = join(import.meta.dirname, '..');

export class WardenFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WardenFunctionProps) {
    super(scope, id);
    const environment = { ...props.environment, NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: `warden-${props.name}` };
    const size = Object.entries(environment).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + valueBytes(value), 0);
    if (size > ENVIRONMENT_LIMIT_BYTES) {
      throw new InvalidConfigError(
        `The ${props.name} function's environment would be ${String(size)} bytes, over Lambda's ${String(ENVIRONMENT_LIMIT_BYTES)}: the configuration (WARDEN_CONFIG) is too large — shorten lists such as organization.accounts`,
      );
    }
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Lambda Warden ${props.name}: only what its code calls`,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: retentionDays(props.logRetentionDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logGroup.grantWrite(this.role);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      runtime: WARDEN_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      role: this.role,
      timeout: props.timeout,
      memorySize: props.memorySize ?? 512,
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      deadLetterQueueEnabled: true,
      deadLetterQueue: this.deadLetterQueue,
      environment,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      projectRoot: ROOT,
      bundling: {
        ...WARDEN_BUNDLING,
        mainFields: [...WARDEN_BUNDLING.mainFields],
        forceDockerBundling: false,
        externalModules: [],
      },
    });
  }
}
