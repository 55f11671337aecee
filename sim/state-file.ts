/**
 * The state file of `warden simulate --state`: the Lambda functions and layer versions an
 * in-memory account starts with, in API shapes. Fields are only ever added, never renamed.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { InvalidStateError } from '../functions/shared/errors';
import { describeIssues } from '../functions/shared/validation';
import {
  FunctionConfigurationSchema,
  FunctionUrlConfigSchema,
  parseFunctionName,
  parseLayerVersion,
  PolicyDocumentSchema,
} from '../functions/shared/state/resources';

const AccountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1');
const FunctionName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a function name (letters, digits, - and _, at most 64), not an ARN');
const Qualifier = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a version number or an alias name');

/** A version or alias of a function, with its own policy and URL. */
export const StateQualifierSchema = z.strictObject({
  /** For an alias: the version it points to (default `$LATEST`). */
  FunctionVersion: z.string().min(1).optional(),
  Policy: PolicyDocumentSchema.nullable().default(null),
  UrlConfig: FunctionUrlConfigSchema.nullable().default(null),
});

export const StateFunctionSchema = z.strictObject({
  Account: AccountId,
  Region,
  /** `GetFunctionConfiguration` output; `FunctionArn` is derived when missing. */
  Configuration: FunctionConfigurationSchema.extend({ FunctionName }),
  /** The unqualified function's resource policy document (an object, not JSON text), or null. */
  Policy: PolicyDocumentSchema.nullable().default(null),
  /** `GetFunctionUrlConfig` output for the unqualified function, or null. */
  UrlConfig: FunctionUrlConfigSchema.nullable().default(null),
  Tags: z.record(z.string(), z.string()).default({}),
  ReservedConcurrentExecutions: z.number().int().nonnegative().optional(),
  /** Versions (numbers) and aliases, each with its own policy and URL. */
  Qualifiers: z.record(Qualifier, StateQualifierSchema).optional(),
});

export const StateLayerVersionSchema = z.strictObject({
  Account: AccountId,
  Region,
  LayerVersionArn: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/, 'must be a layer version ARN (…:layer:NAME:VERSION)'),
  Policy: PolicyDocumentSchema.nullable().default(null),
});

export const StateFileSchema = z
  .looseObject({
    functions: z.array(StateFunctionSchema).default([]),
    layers: z.array(StateLayerVersionSchema).default([]),
  })
  .superRefine((state, context) => {
    const seen = new Map<string, number>();
    state.functions.forEach((entry, index) => {
      const { Account, Region: region, Configuration } = entry;
      const key = `${Account}:${region}:${Configuration.FunctionName}`;
      const first = seen.get(key);
      if (first !== undefined) {
        context.addIssue({ code: 'custom', path: ['functions', index, 'Configuration', 'FunctionName'], message: `duplicate of functions.${first}` });
      }
      seen.set(key, first ?? index);
      if (Configuration.FunctionArn !== undefined) {
        const ref = parseFunctionName(Configuration.FunctionArn, Account, region);
        if (ref?.account !== Account || ref.region !== region || ref.functionName !== Configuration.FunctionName || ref.qualifier !== undefined || !Configuration.FunctionArn.startsWith('arn:')) {
          context.addIssue({ code: 'custom', path: ['functions', index, 'Configuration', 'FunctionArn'], message: 'must be the unqualified ARN of FunctionName in Account and Region' });
        }
      }
    });
    state.layers.forEach((entry, index) => {
      const ref = parseLayerVersion(entry.LayerVersionArn, undefined, entry.Account, entry.Region);
      if (ref !== null && (ref.account !== entry.Account || ref.region !== entry.Region)) {
        context.addIssue({ code: 'custom', path: ['layers', index, 'LayerVersionArn'], message: 'must name a layer in Account and Region' });
      }
    });
  });

export type StateFile = z.output<typeof StateFileSchema>;
export type StateFileInput = z.input<typeof StateFileSchema>;
export type StateFunction = z.output<typeof StateFunctionSchema>;
export type StateLayerVersion = z.output<typeof StateLayerVersionSchema>;

/**
 * Validates a parsed state file.
 * @throws InvalidStateError naming every missing or malformed field (`functions.0.Configuration.FunctionName: …`).
 */
export function parseStateFile(input: unknown): StateFile {
  const result = StateFileSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidStateError(`Invalid state file: ${describeIssues(result.error, '(state file)')}`, { cause: result.error });
}

/**
 * Reads and validates a state file from disk.
 * @throws InvalidStateError when it cannot be read, is not JSON, or fails validation.
 */
export async function loadStateFile(path: string): Promise<StateFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: unknown) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    throw new InvalidStateError(`Cannot read state file ${path} (${code})`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e: unknown) {
    throw new InvalidStateError(`State file ${path} is not valid JSON: ${e instanceof Error ? e.message : 'parse error'}`, { cause: e });
  }
  try {
    return parseStateFile(json);
  } catch (e: unknown) {
    if (e instanceof InvalidStateError) throw new InvalidStateError(`${path}: ${e.message}`, { cause: e.cause });
    throw e;
  }
}
