/**
 * The rule model: metadata, triggers, a pure evaluation of a resource's current state, and a
 * remediation plan as data. Rules make no AWS call; the executor runs the plans.
 */
import type { WardenConfig } from '../functions/shared/config/config';
import type { ActionName, Actor, Mode, RemediationPlan, Severity } from '../functions/shared/contract/finding';
import type { ResourceKind, SnapshotByKind, FunctionStatePart } from '../functions/shared/state/resources';
import type { RuntimeThreat } from '../functions/shared/event/guardduty-finding';
import type { Vulnerability } from '../functions/shared/event/inspector-finding';
import type { DetectorFindingRef } from '../functions/shared/contract/detector-finding';

/** What starts an evaluation: an event source and the bare (unversioned) event names. */
export interface Trigger {
  readonly eventSource: string;
  readonly eventNames: readonly string[];
  /**
   * The EventBridge detail-type for triggers that are not CloudTrail calls (`GuardDuty Finding`,
   * `Inspector2 Finding`, `Access Analyzer Finding`: then `eventNames` holds that detail-type); absent for
   * CloudTrail's "AWS API Call via CloudTrail".
   */
  readonly detailType?: string;
}

/** What a rule may know besides the state: the configuration, the clock and the triggering event. */
export interface RuleContext {
  readonly config: WardenConfig;
  readonly now: Date;
  /** Absent in a scan of existing resources. */
  readonly event?: {
    readonly eventName: string;
    readonly eventTime: string;
    readonly actor: Actor;
    readonly requestParameters: Readonly<Record<string, unknown>>;
  };
  /** The detector finding being judged (absent for CloudTrail events and scans). */
  readonly threat?: RuntimeThreat;
  /** The Inspector finding being judged (absent for CloudTrail events and scans). */
  readonly vulnerability?: Vulnerability;
  /** The detector finding that asked for this judgement (GuardDuty, Inspector, IAM Access Analyzer; absent for CloudTrail events and scans). */
  readonly detector?: DetectorFindingRef;
}

/** One problem a rule found on a resource. */
export interface RuleFinding {
  /** Distinguishes findings of one rule on one resource (for example the statement id); part of the finding id. */
  readonly key: string;
  /** One or two sentences for a Slack reader: what is wrong, on what, added by whom. */
  readonly summary: string;
  /** Structured facts for renderers (statement, principals …). Never secret values. */
  readonly details: Readonly<Record<string, unknown>>;
  readonly remediation: RemediationPlan | null;
  /**
   * Replaces the rule's default mode for this finding only (for example `approve` when no
   * baseline exists to restore); per-rule, OU and account overrides in the config still win.
   */
  readonly modeOverride?: Mode;
  /**
   * The most this finding may do, whatever the rule or the config say (set by the engine when a
   * plan would restore a baseline that itself fails the rules: `approve`, or `alert` without a plan).
   */
  readonly maxMode?: Exclude<Mode, 'auto'>;
  /** Replaces the rule's severity for this finding (from a detector's own severity). */
  readonly severityOverride?: Severity;
}

export type RuleResult =
  | { readonly status: 'not-applicable'; readonly reason: string }
  | { readonly status: 'compliant' }
  | { readonly status: 'non-compliant'; readonly findings: readonly RuleFinding[] };

export interface RuleMetadata<K extends ResourceKind = ResourceKind> {
  /** Kebab-case, equal to the file name. */
  readonly id: string;
  /** The bad condition, stated plainly. */
  readonly title: string;
  readonly severity: Severity;
  readonly defaultMode: Mode;
  readonly resourceType: K;
  readonly triggers: readonly Trigger[];
  /** Parts of the function state the rule reads (functions only). */
  readonly reads: K extends 'lambda-function' ? readonly FunctionStatePart[] : readonly never[];
  /** Why it is dangerous, in one or two sentences for a Slack reader. */
  readonly rationale: string;
  readonly references: readonly string[];
  readonly falsePositives: readonly string[];
  /** The remediation action this rule's plans use, or null for alert-only rules. */
  readonly remediationAction: ActionName | null;
  /** Other actions this rule's plans may use instead, by the finding (their permissions join the remediator role). */
  readonly alternativeActions?: readonly ActionName[];
}

export interface Rule<K extends ResourceKind = ResourceKind> extends RuleMetadata<K> {
  evaluate(state: SnapshotByKind[K], context: RuleContext): RuleResult;
}

/** Declares a rule, keeping its resource type's snapshot type for `evaluate`. */
export function defineRule<K extends ResourceKind>(rule: Rule<K>): Rule<K> {
  return rule;
}

export const compliant: RuleResult = { status: 'compliant' };

export function notApplicable(reason: string): RuleResult {
  return { status: 'not-applicable', reason };
}

export function nonCompliant(findings: readonly RuleFinding[]): RuleResult {
  return findings.length === 0 ? compliant : { status: 'non-compliant', findings };
}

/** A rule of any resource type, as the catalog holds them. */
export type AnyRule = { [K in ResourceKind]: Rule<K> }[ResourceKind];
