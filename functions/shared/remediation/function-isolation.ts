/**
 * The state an isolation changes and puts back — the function's reserved concurrency and the state of
 * its event-source mappings — as plan parameters, shared by `isolate-function` and its inverse
 * `lift-function-isolation` (a mapping's state is read with `isEnabledState` in `state/resources.ts`). Pure:
 * no AWS SDK. The plans carry what was judged: the concurrency before (`none` when unset) and exactly the
 * mappings that were enabled.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';

/** The IAM actions that read what an isolation changes. */
export const ISOLATION_READ_PERMISSIONS = ['lambda:GetFunctionConcurrency', 'lambda:ListEventSourceMappings'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The parameters both actions share: the function, the version the finding named, and what the isolation changes. */
export const IsolationParams = lazySchema(() => z.strictObject({
  /** The unqualified function ARN: concurrency and (these) mappings are settings of the function. */
  functionName: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+$/, 'must be an unqualified function ARN'),
  /** The version the finding named (informational: the isolation covers the whole function). */
  qualifier: z.string().regex(/^\d+$/, 'must be a version number').optional(),
  /** The reserved concurrency before the isolation: a number, or `none` when it was unset. */
  previousConcurrency: z.union([z.literal('none'), z.number().int().nonnegative()]),
  /** The UUIDs of the mappings that were enabled, comma-separated (empty: none). */
  mappings: z.string().refine((text) => text === '' || text.split(',').every((uuid) => UUID.test(uuid)), 'must be comma-separated event-source mapping UUIDs'),
}));
export type IsolationParams = z.infer<typeof IsolationParams>;

/** The mapping UUIDs of a plan. */
export function mappingIdsOf(params: Pick<IsolationParams, 'mappings'>): string[] {
  return params.mappings === '' ? [] : params.mappings.split(',');
}
