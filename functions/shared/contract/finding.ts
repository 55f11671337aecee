/**
 * The finding and its parts as they cross module and function boundaries: severity, mode, actor,
 * remediation plan, and the finding the engine raises for the responder, the notifier and the store.
 * The bottom of the layering: imports only other contract modules.
 */
import * as z from 'zod';
import type { DetectorFindingRef } from './detector-finding';

/** Names of the remediation actions; each is implemented (with its IAM permissions) by the executor. */
export type ActionName = 'remove-function-permission' | 'set-function-url-auth-iam' | 'remove-layer-version-permission' | 'start-trail-logging'
  | 'remove-function-env-variables'
  | 'restore-function-layers'
  | 'delete-role-policy'
  | 'restore-role-policy'
  | 'detach-role-policy'
  | 'set-default-policy-version'
  | 'restore-trust-policy'
  | 'set-function-recursion-terminate'
  | 'remove-function-destination'
  | 'remove-function-dead-letter-queue'
  /** Chosen by an approver ("Quarantine"), planned by no rule. */
  | 'quarantine-function'
  /** Reserved concurrency 0 and the enabled event-source mappings disabled, recorded for Restore (runtime threats). */
  | 'isolate-function'
  /** Inverses of automatic reverts, run by "Restore" (planned by the executor, never by a rule). */
  | 'add-function-permission'
  | 'set-function-url-auth-none'
  | 'add-layer-version-permission'
  | 'lift-function-isolation';

/** A remediation as data: which action, with which parameters, and what it does in plain words. */
export interface RemediationPlan {
  readonly action: ActionName;
  readonly params: Readonly<Record<string, string | number>>;
  /** One sentence: what the action changes and how to undo it. */
  readonly description: string;
}

/** Who made the change and how, from the event's `userIdentity`. */
export interface Actor {
  readonly type: string;
  readonly arn: string | undefined;
  readonly accountId: string | undefined;
  readonly sourceIPAddress: string | undefined;
  readonly userAgent: string | undefined;
  /** For a role session: the role's ARN with its path (`userIdentity.sessionContext.sessionIssuer.arn`). */
  readonly sessionIssuerArn?: string | undefined;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export const ModeSchema = z.enum(['alert', 'approve', 'auto']);
export type Mode = z.infer<typeof ModeSchema>;

/** A rule's finding on one resource, ready for the responder and the notifier. */
export interface Finding {
  /** Stable: the same rule, resource and key always give the same id (duplicate events collapse). */
  readonly id: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly mode: Mode;
  readonly resource: string;
  readonly account: string;
  readonly region: string;
  readonly summary: string;
  readonly rationale: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly remediation: RemediationPlan | null;
  /** Who made the change (absent for scans). */
  readonly actor?: Actor;
  readonly eventId?: string;
  readonly eventName?: string;
  readonly eventTime?: string;
  /** The detector finding (GuardDuty, Access Analyzer …) it was raised from, as of this version (absent for CloudTrail events and scans). */
  readonly detector?: DetectorFindingRef;
}
