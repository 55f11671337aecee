/**
 * `WardenFunction`: every function of the bot with the same defaults — its own role, nodejs24.x on
 * arm64, esbuild bundling on this machine (never Docker) split into chunks, source maps, X-Ray tracing, a dead-letter
 * queue, reserved concurrency and log retention.
 */
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Token, type ILocalBundling } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { buildSync, type BuildOptions, type BuildResult } from 'esbuild';
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
 * How every function is bundled: esbuild on this machine (never Docker), ESM, minified, with source maps, for
 * the runtime's Node version, and split: each module loaded with `await import()` (the SDK clients a typical
 * event never calls) is its own chunk, read from disk only when first imported. The entry is `index.mjs`
 * (handler `index.handler`), the chunks `chunk-<hash>.mjs`. `npm run bench` and the bundle tests build with
 * `bundleFunction`, so with exactly these options.
 */
export const WARDEN_BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: true,
  // esbuild writes chunks for dynamic imports only with an output directory and splitting (ESM only).
  splitting: true,
  outExtension: { '.js': '.mjs' },
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  mainFields: ['module', 'main'],
  // ESM bundles need `require` for the CommonJS dependencies they inline (in every chunk: each is a module).
  banner: { js: "import { createRequire as __wardenCreateRequire } from 'node:module'; const require = __wardenCreateRequire(import.meta.url);" },
  // Warnings and errors only: no file-size table on every synthesis.
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** The functions of the bot: `functions/<name>/handler.ts` is each one's entry point. */
export type WardenFunctionName = 'responder' | 'notifier' | 'approval' | 'scanner' | 'heartbeat';

/** A function's entry point, relative to the project root. */
export function functionEntry(name: WardenFunctionName): string {
  return join('functions', name, 'handler.ts');
}

const ROOT = join(import.meta.dirname, '..');

/**
 * Bundles one function into `outdir` as deployed (`WARDEN_BUNDLING`): `index.mjs`, its chunks and their source
 * maps. The metafile is returned, never written (bench/bundles.ts reads it).
 * @throws Error when esbuild reports an error (synthesis then fails: it never falls back to Docker).
 */
export function bundleFunction(name: WardenFunctionName, outdir: string, root = ROOT): BuildResult<{ metafile: true }> {
  return buildSync({
    ...WARDEN_BUNDLING,
    mainFields: [...WARDEN_BUNDLING.mainFields],
    absWorkingDir: root,
    entryPoints: { index: functionEntry(name) },
    outdir,
    metafile: true,
  });
}

/**
 * CDK's local bundling step for one function. Its fields are what CDK hashes into the asset's cache key, so
 * each function, and any change of the options, gets its own asset.
 */
class LocalEsbuild implements ILocalBundling {
  readonly options = WARDEN_BUNDLING;
  readonly entry: string;

  constructor(readonly name: WardenFunctionName) {
    this.entry = functionEntry(name);
  }

  tryBundle(outputDir: string): boolean {
    bundleFunction(this.name, outputDir);
    return true;
  }
}

/** Lambda's limit on the total size of a function's environment variables (names and values). */
export const ENVIRONMENT_LIMIT_BYTES = 4096;

/** A value's size; a reference resolved at deploy time (a table name, an ARN) counts as 128 bytes. */
function valueBytes(value: string): number {
  return Token.isUnresolved(value) ? 128 : Buffer.byteLength(value);
}

export interface WardenFunctionProps {
  /** `functions/<name>/handler.ts` is the entry point. */
  readonly name: WardenFunctionName;
  readonly environment: Readonly<Record<string, string>>;
  readonly reservedConcurrency: number;
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly logRetentionDays: number;
}

export class WardenFunction extends Construct {
  readonly fn: lambda.Function;
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
    this.fn = new lambda.Function(this, 'Function', {
      code: lambda.Code.fromAsset(ROOT, {
        // Hashed on the bundle, as NodejsFunction hashes: an unchanged bundle is not uploaded again.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          local: new LocalEsbuild(props.name),
          // Required by CDK's type, never used: the local step bundles or throws, it never hands over to Docker.
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
        },
      }),
      handler: 'index.handler',
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
    });
  }
}
