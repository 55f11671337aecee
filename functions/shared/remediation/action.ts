/**
 * The remediation action contract: each action declares the IAM actions it calls, validates its
 * parameters, performs the plan with the real SDK clients and re-reads the state to verify it.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { z } from 'zod';
import type { ActionName } from '../../../rules/rule';

/** SDK clients for the target account and region (credentials of the remediator role there). */
export interface ActionClients {
  readonly lambda: LambdaClient;
}

export type ActionOutcome =
  | { readonly status: 'remediated'; readonly verified: boolean; readonly detail: string }
  | { readonly status: 'already-compliant'; readonly detail: string }
  | { readonly status: 'failed'; readonly detail: string; readonly error: unknown };

export interface RemediationAction<P = Record<string, unknown>> {
  readonly name: ActionName;
  /** Every IAM action `execute` and `verify` may call; the remediator role is built from these. */
  readonly permissions: readonly string[];
  readonly paramsSchema: z.ZodType<P>;
  /** The exact API call, for messages ("lambda:RemovePermission FunctionName=… StatementId=…"). */
  describe(params: P): string;
  execute(clients: ActionClients, params: P): Promise<ActionOutcome>;
  /** Re-reads the state: true when the remediation holds. */
  verify(clients: ActionClients, params: P): Promise<boolean>;
}

/** Declares an action, keeping its parameter type. */
export function defineAction<P>(action: RemediationAction<P>): RemediationAction<P> {
  return action;
}

/** True for the SDK's "does not exist" errors. */
export function isNotFound(e: unknown): boolean {
  return e instanceof Error && e.name === 'ResourceNotFoundException';
}

/** A compact `Name=value` rendering of API parameters for messages. */
export function formatCall(api: string, params: Readonly<Record<string, unknown>>): string {
  const args = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [api, ...args].join(' ');
}
