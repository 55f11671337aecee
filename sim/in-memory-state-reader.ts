/**
 * A `StateReader` straight over the in-memory Lambda service: the snapshots `LambdaStateReader`
 * would build through the SDK, without the SDK (for benchmarks and the simulator).
 */
import {
  functionArn,
  layerVersionArn,
  FunctionConfigurationSchema,
  FunctionUrlConfigSchema,
  type FunctionRef,
  type FunctionSnapshot,
  type FunctionStatePart,
  type LayerVersionRef,
  type LayerVersionSnapshot,
} from '../functions/shared/state/resources';
import type { StateReader } from '../functions/shared/state/state-reader';
import type { InMemoryLambda } from './in-memory-lambda';

function revision(policyRevisionId: string | undefined): { policyRevisionId?: string } {
  return policyRevisionId === undefined ? {} : { policyRevisionId };
}

export class InMemoryStateReader implements StateReader {
  constructor(private readonly lambda: InMemoryLambda) {}

  readFunction(ref: FunctionRef, parts: readonly FunctionStatePart[]): Promise<FunctionSnapshot> {
    const wanted = new Set(parts);
    const exists = this.lambda.hasQualified(ref);
    const unqualified = { ...ref, qualifier: undefined };
    const part = <T>(name: FunctionStatePart, present: boolean, read: () => T): T | null | undefined => {
      if (!wanted.has(name)) return undefined;
      return present ? read() : null;
    };
    return Promise.resolve({
      kind: 'lambda-function',
      ref,
      arn: functionArn(ref),
      configuration: part('configuration', exists, () => FunctionConfigurationSchema.parse(this.lambda.getFunctionConfiguration(ref))),
      // Documents were validated when they entered the account (state file, event, SDK command).
      policy: part('policy', exists, () => this.lambda.policyDocument(ref, { copy: false })),
      urlConfig: part('urlConfig', exists, () => {
        const config = this.lambda.urlConfig(ref);
        return config === null ? null : FunctionUrlConfigSchema.parse(config);
      }),
      tags: part('tags', this.lambda.hasFunction(unqualified), () => this.lambda.listTags(unqualified)),
      ...(wanted.has('policy') ? revision(this.lambda.policyRevisionId(ref)) : {}),
    });
  }

  readLayerVersion(ref: LayerVersionRef): Promise<LayerVersionSnapshot> {
    const document = this.lambda.layerPolicyDocument(ref, { copy: false });
    return Promise.resolve({
      kind: 'lambda-layer-version',
      ref,
      arn: layerVersionArn(ref),
      policy: document,
      ...revision(this.lambda.layerPolicyRevisionId(ref)),
    });
  }
}
