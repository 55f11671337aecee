/**
 * The remediation action contract: each action declares the IAM actions it calls, validates its
 * parameters, performs the plan with the real SDK clients and re-reads the state to verify it.
 */
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type * as z from 'zod';
import type { ActionName } from '../contract/finding';
import { statementsOf } from '../policy/resource-policy';
import { parsePolicyText } from '../state/resources';

/** SDK clients for the target account and region (credentials of the remediator role there). */
export interface ActionClients {
  readonly lambda: LambdaClient;
  /** For the CloudTrail actions (`start-trail-logging`): created on first use, so the CloudTrail SDK loads only for them. */
  readonly cloudtrail?: () => Promise<CloudTrailClient>;
  /** For the execution-role actions (issue #4); IAM is global, the client is for the partition's IAM region. */
  readonly iam?: IAMClient;
  /** For the security group actions (issue #17 rule 5): created on first use, so the EC2 SDK (about 560 KB) loads only for them. */
  readonly ec2?: () => Promise<EC2Client>;
  /** For the API route actions (issue #17): created on first use, so their SDK modules load only for an API plan. */
  readonly apiGateway?: {
    readonly rest: () => Promise<APIGatewayClient>;
    readonly http: () => Promise<ApiGatewayV2Client>;
  };
}

export type ActionOutcome =
  | { readonly status: 'remediated'; readonly verified: boolean; readonly detail: string }
  | { readonly status: 'already-compliant'; readonly detail: string }
  | { readonly status: 'failed'; readonly detail: string; readonly error: unknown };

/** What the executor may learn while an action runs (issue #16: work that waits on the change, not on its verification). */
export interface ActionHooks {
  /** Called once the change was made, before the verifying read (not called when nothing was changed). */
  readonly changed?: () => void;
}

export interface RemediationAction<P = Record<string, unknown>> {
  readonly name: ActionName;
  /** Every IAM action `execute` and `verify` may call; the remediator role is built from these. */
  readonly permissions: readonly string[];
  readonly paramsSchema: z.ZodType<P>;
  /** The exact API call, for messages ("lambda:RemovePermission FunctionName=… StatementId=…"). */
  describe(params: P): string;
  execute(clients: ActionClients, params: P, hooks?: ActionHooks): Promise<ActionOutcome>;
  /** Re-reads the state: true when the remediation holds. */
  verify(clients: ActionClients, params: P): Promise<boolean>;
}

/**
 * An action with a plan's parameters validated and bound to it: what the executor and the messages use,
 * so no caller needs to know (or cast to) an action's parameter type.
 */
export interface BoundAction {
  readonly name: ActionName;
  /** The exact API call. */
  describe(): string;
  execute(clients: ActionClients, hooks?: ActionHooks): Promise<ActionOutcome>;
  verify(clients: ActionClients): Promise<boolean>;
}

/** An action as the registry holds it: its name, its declared permissions, and its parameters checked at the edge. */
export interface RegisteredAction {
  readonly name: ActionName;
  readonly permissions: readonly string[];
  /** The plan's parameters validated with the action's schema (a `ZodError` naming the fields otherwise), bound to it. */
  bind(params: unknown): BoundAction;
  /** The paths of the parameters that do not fit the action's schema, or null when they fit. */
  misfits(params: unknown): readonly string[] | null;
}

/** Declares an action, keeping its parameter type; `bind` and `misfits` make it a `RegisteredAction`. */
export function defineAction<P>(action: RemediationAction<P>): RemediationAction<P> & RegisteredAction {
  return {
    ...action,
    bind(params: unknown): BoundAction {
      const bound = action.paramsSchema.parse(params);
      return {
        name: action.name,
        describe: () => action.describe(bound),
        execute: (clients, hooks) => action.execute(clients, bound, hooks),
        verify: (clients) => action.verify(clients, bound),
      };
    },
    misfits(params: unknown): readonly string[] | null {
      const parsed = action.paramsSchema.safeParse(params);
      return parsed.success ? null : parsed.error.issues.map((i) => i.path.join('.'));
    },
  };
}

/** True for the SDK's "does not exist" errors. */
export function isNotFound(e: unknown): boolean {
  return e instanceof Error && e.name === 'ResourceNotFoundException';
}

/** The outcome of an action whose AWS call failed, with the error kept for the report. */
export function failedOutcome(e: unknown): ActionOutcome {
  return { status: 'failed', detail: e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error', error: e };
}

/** The statement ids of a resource policy as `GetPolicy`/`GetLayerVersionPolicy` return it (JSON text). */
export function statementIdsOf(policyText: string | undefined): string[] {
  if (policyText === undefined) return [];
  return statementsOf(parsePolicyText(policyText)).flatMap((s) => (s.Sid === undefined ? [] : [s.Sid]));
}

/** What `removeStatementGuarded` needs to know of a resource policy. */
export interface StatementIds {
  readonly sids: string[];
  readonly revisionId: string | undefined;
}

/**
 * The statement ids and revision of a resource policy, read by `send` (`GetPolicy`,
 * `GetLayerVersionPolicy`); none when the policy or its resource is gone.
 */
export async function readStatementIds(send: () => Promise<{ readonly Policy?: string | undefined; readonly RevisionId?: string | undefined }>): Promise<StatementIds> {
  try {
    const out = await send();
    return { sids: statementIdsOf(out.Policy), revisionId: out.RevisionId };
  } catch (e: unknown) {
    if (isNotFound(e)) return { sids: [], revisionId: undefined };
    throw e;
  }
}

/**
 * Removes one policy statement with the fewest calls. With the revision id the engine read, the
 * removal goes straight out guarded by it: the policy is exactly as it was judged, or Lambda
 * refuses (`PreconditionFailedException`). On refusal, or without a revision id, the policy is
 * re-read first, and a statement no longer there is left alone.
 */
export async function removeStatementGuarded(input: {
  readonly statementId: string;
  readonly revisionId: string | undefined;
  readonly read: () => Promise<StatementIds>;
  readonly remove: (revisionId: string | undefined) => Promise<void>;
}): Promise<'removed' | 'absent'> {
  if (input.revisionId !== undefined) {
    try {
      await input.remove(input.revisionId);
      return 'removed';
    } catch (e: unknown) {
      if (isNotFound(e)) return 'absent';
      if (!(e instanceof Error && e.name === 'PreconditionFailedException')) throw e;
    }
  }
  const before = await input.read();
  if (!before.sids.includes(input.statementId)) return 'absent';
  await input.remove(before.revisionId);
  return 'removed';
}

/**
 * `execute` and `verify` of an action that puts one policy statement back (`AddPermission`,
 * `AddLayerVersionPermission`): a statement already there under its id is left alone.
 */
export function statementRestore<P extends { readonly statementId: string }>(input: {
  /** What the messages call the policy ("policy", "layer version policy"). */
  readonly policy: string;
  readonly read: (clients: ActionClients, params: P) => Promise<StatementIds>;
  readonly add: (clients: ActionClients, params: P) => Promise<unknown>;
}): Pick<RemediationAction<P>, 'execute' | 'verify'> {
  return {
    async execute(clients, params) {
      try {
        if ((await input.read(clients, params)).sids.includes(params.statementId)) {
          return { status: 'already-compliant', detail: `a statement "${params.statementId}" is already in the ${input.policy}: nothing restored` };
        }
        await input.add(clients, params);
        const verified = await this.verify(clients, params);
        return { status: 'remediated', verified, detail: `restored statement "${params.statementId}"` };
      } catch (e: unknown) {
        return failedOutcome(e);
      }
    },
    async verify(clients, params) {
      return (await input.read(clients, params)).sids.includes(params.statementId);
    },
  };
}

/** A compact `Name=value` rendering of API parameters for messages. */
export function formatCall(api: string, params: Readonly<Record<string, unknown>>): string {
  const args = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [api, ...args].join(' ');
}
