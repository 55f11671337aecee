/**
 * The rule engine: intake → the resources an event touches → their current state → every rule
 * whose trigger matches → findings with stable ids. It makes no change; it only reads state.
 */
import { createHash } from 'node:crypto';
import type { AnyRule, RuleContext, RuleFinding, RuleResult } from '../../../rules/rule';
import type { Actor, Finding, Mode } from '../contract/finding';
import { resolveMode, type WardenConfig } from '../config/config';
import { parseCloudTrailEvent, type CloudTrailEvent } from '../event/cloudtrail-event';
import { normalizeEventName } from '../event/event-names';
import { accessAnalyzerFindingRefusal, actorOf, guardDutyFindingRefusal, intakeRefusal, resourceAccountRefusal, type Ignored } from '../event/intake';
import { GUARDDUTY_EVENT_SOURCE, GUARDDUTY_FINDING_DETAIL_TYPE, guardDutyDetectorRef, runtimeThreatOf, type GuardDutyFindingEvent, type RuntimeThreat } from '../event/guardduty-finding';
import { INSPECTOR_EVENT_SOURCE, INSPECTOR_FINDING_DETAIL_TYPE, inspectedFunction, inspectorDetectorRef, inspectorFindingRefusal, vulnerabilityOf, type InspectorFindingEvent } from '../event/inspector-finding';
import { ACCESS_ANALYZER_EVENT_SOURCE, ACCESS_ANALYZER_FINDING_DETAIL_TYPE, accessAnalyzerDetectorRef, type AccessAnalyzerFindingEvent } from '../event/access-analyzer-finding';
import { DETECTOR_NAMES, detectorEventId, type DetectorFindingRef } from '../contract/detector-finding';
import { parseFunctionName, parseLayerVersion, parseRoleName, resourceArn, type FunctionSnapshot, type FunctionStatePart, type ResourceKind, type ResourceRef, type ResourceSnapshot, type RoleRef, type RoleSnapshot } from '../state/resources';
import type { StateReader } from '../state/state-reader';
import type { BaselineKeeper } from '../baseline/baseline-keeper';
import type { BaselineRefusal } from '../state/baselines';
import { judgeRestores } from '../baseline/restore-judgement';
import { exemptionTagAdoption } from '../exemption/exemption-tags';
import { resourcesOf, resourcesWithRoles } from './event-resources';

export interface EvaluationResult {
  readonly eventId: string;
  readonly eventName: string;
  /** Why the event was ignored before any rule ran (code and sentence), or null. */
  readonly ignored: Ignored | null;
  /** The resources evaluated (ARNs). */
  readonly resources: readonly string[];
  readonly findings: readonly Finding[];
  /** Tags of the functions evaluated, by resource ARN (when read: see `EngineOptions.alwaysRead`); null when the function is gone. */
  readonly resourceTags?: Readonly<Record<string, Readonly<Record<string, string>> | null>>;
  /**
   * The `warden:exempt*` tags the last-known-good baseline of each function evaluated held at the
   * event's time (null: none recorded by then): only these can exempt it (see
   * `honouredExemptionTags`). Absent without a keeper.
   */
  readonly baselineExemptionTags?: Readonly<Record<string, Readonly<Record<string, string>> | null>>;
  /** Stored baselines that failed their integrity check (not used; each is a critical alert). */
  readonly baselineRefusals?: readonly BaselineRefusal[];
  /** The detector finding judged — or, with `ignored.kind` `finding-closed`, closed by its service (its open approvals are to be closed). */
  readonly detector?: DetectorFindingRef;
}

export interface EngineOptions {
  readonly rules: readonly AnyRule[];
  readonly config: WardenConfig;
  readonly reader: StateReader;
  /** The clock; injectable in tests. */
  readonly now?: () => Date;
  /** Attaches last-known-good baselines before the rules run and captures new ones when all are compliant. */
  readonly baselines?: BaselineKeeper;
  /** Function state parts read whatever the rules ask (the executor needs `tags` for exemptions). */
  readonly alwaysRead?: readonly FunctionStatePart[];
}

/** Role reads of one evaluation, by account and role name. */
type RoleReads = Map<string, Promise<RoleSnapshot>>;

/** A finding id: `wf-` and 20 hex digits of SHA-256 over rule, resource and key. */
export function findingId(ruleId: string, resource: string, key: string): string {
  return `wf-${createHash('sha256').update(`${ruleId}\u0000${resource}\u0000${key}`).digest('hex').slice(0, 20)}`;
}

function triggerKey(eventSource: string, bareName: string): string {
  return `${eventSource}\u0000${bareName}`;
}

/**
 * @example
 * const engine = new Engine({ rules: RULES, config, reader: new LambdaStateReader(clientFor) });
 * const result = await engine.evaluateEvent(eventBridgeEvent);
 * for (const finding of result.findings) console.log(finding.ruleId, finding.summary);
 */
export class Engine {
  private readonly byTrigger = new Map<string, AnyRule[]>();
  private readonly byKind = new WeakMap<readonly AnyRule[], Map<ResourceKind, readonly AnyRule[]>>();
  private readonly partsByRules = new WeakMap<readonly AnyRule[], readonly FunctionStatePart[]>();
  private readonly now: () => Date;

  constructor(private readonly options: EngineOptions) {
    this.now = options.now ?? (() => new Date());
    for (const rule of options.rules) {
      for (const trigger of rule.triggers) {
        for (const name of trigger.eventNames) {
          const key = triggerKey(trigger.eventSource, name);
          const list = this.byTrigger.get(key) ?? [];
          list.push(rule);
          this.byTrigger.set(key, list);
        }
      }
    }
  }

  /** The rules an event's source and (normalised) name trigger. */
  rulesFor(eventSource: string, eventName: string): readonly AnyRule[] {
    return this.byTrigger.get(triggerKey(eventSource, normalizeEventName(eventName))) ?? [];
  }

  /**
   * Evaluates one EventBridge CloudTrail event on the current state of the resources it names.
   * @throws InvalidEventError when the input is not a valid event (nothing is read or changed).
   */
  async evaluateEvent(input: unknown): Promise<EvaluationResult> {
    const event = parseCloudTrailEvent(input);
    return this.evaluateParsed(event);
  }

  /** As {@link evaluateEvent}, for an event already validated. */
  async evaluateParsed(event: CloudTrailEvent): Promise<EvaluationResult> {
    const { detail } = event;
    const base = { eventId: detail.eventID, eventName: detail.eventName };
    const skip = (why: Ignored): EvaluationResult => ({ ...base, ignored: why, resources: [], findings: [] });
    const refusal = intakeRefusal(event, this.options.config);
    if (refusal !== null) return skip(refusal);
    const rules = this.rulesFor(detail.eventSource, detail.eventName);
    if (rules.length === 0) return skip({ kind: 'no-rule', text: `no rule watches ${detail.eventSource} ${normalizeEventName(detail.eventName)}` });
    // The resources the request names belong to the recording account (checked before anything is read).
    const named = resourcesOf(event);
    const recipient = detail.recipientAccountId ?? event.account;
    const foreign = resourceAccountRefusal(named, recipient);
    if (foreign !== null) return skip(foreign);
    const refs = await resourcesWithRoles(event, this.options.reader, rules, named);
    if (refs.length === 0) return skip({ kind: 'no-resource', text: 'the event names no resource the rules judge' });
    const reached = resourceAccountRefusal(refs, recipient);
    if (reached !== null) return skip(reached);

    const actor = actorOf(detail);
    const context: RuleContext = {
      config: this.options.config,
      now: this.now(),
      event: { eventName: detail.eventName, eventTime: detail.eventTime, actor, requestParameters: detail.requestParameters ?? {} },
    };
    const findings: Finding[] = [];
    const resourceTags: Record<string, Readonly<Record<string, string>> | null> = {};
    const baselineExemptionTags: Record<string, Readonly<Record<string, string>> | null> = {};
    const baselineRefusals: BaselineRefusal[] = [];
    const roleReads: RoleReads = new Map();
    for (const ref of refs) {
      const applicable = this.rulesOfKind(rules, ref.kind);
      const snapshot = await this.read(ref, applicable, roleReads, true);
      const results = await this.judge(snapshot, applicable, context);
      if (snapshot.kind === 'lambda-function' && snapshot.tags !== undefined) resourceTags[snapshot.arn] = snapshot.tags;
      if (snapshot.kind === 'lambda-function' && snapshot.lastKnownGood !== undefined) baselineExemptionTags[snapshot.arn] = exemptionTagsBefore(snapshot, detail.eventTime);
      if ((snapshot.kind === 'lambda-function' || snapshot.kind === 'iam-role') && snapshot.baselineRefused !== undefined) baselineRefusals.push(snapshot.baselineRefused);
      for (const [rule, found] of results) {
        for (const finding of found) {
          findings.push(this.toFinding(rule, ref, finding, { actor, eventId: detail.eventID, eventName: detail.eventName, eventTime: detail.eventTime }));
        }
      }
    }
    return {
      ...base,
      ignored: null,
      resources: refs.map(resourceArn),
      findings,
      resourceTags,
      ...(this.options.baselines === undefined ? {} : { baselineExemptionTags, baselineRefusals }),
    };
  }

  /**
   * Evaluates a GuardDuty finding (validated) on the current state of the function it names: the
   * version it names when that is a number, the unqualified function otherwise. The id of the claim
   * (`eventId`) is the finding's id and `updatedAt`: a duplicate delivery — also the copy the delegated
   * administrator account forwards — is one, an update by GuardDuty is another.
   */
  async evaluateGuardDutyFinding(event: GuardDutyFindingEvent): Promise<EvaluationResult> {
    const { detail } = event;
    const detector = guardDutyDetectorRef(detail);
    const base = { eventId: detectorEventId(detector), eventName: GUARDDUTY_FINDING_DETAIL_TYPE };
    const skip = (why: Ignored): EvaluationResult => ({ ...base, ignored: why, resources: [], findings: [] });
    const refusal = guardDutyFindingRefusal(event, this.options.config);
    if (refusal !== null) return skip(refusal);
    if (detector.state !== 'active') return { ...skip(closedBy(detector)), detector };
    const rules = this.rulesFor(GUARDDUTY_EVENT_SOURCE, GUARDDUTY_FINDING_DETAIL_TYPE);
    if (rules.length === 0) return skip({ kind: 'no-rule', text: `no rule watches ${GUARDDUTY_FINDING_DETAIL_TYPE}` });
    const threat = runtimeThreatOf(detail);
    const version = threat.functionVersion;
    const named = parseFunctionName(detail.resource.lambdaDetails?.functionArn ?? '', detail.accountId, detail.region);
    if (named === null) return skip({ kind: 'no-resource', text: 'resource.lambdaDetails.functionArn is not a function ARN' });
    const qualifier = version !== undefined && /^\d+$/.test(version) ? version : named.qualifier !== undefined && /^\d+$/.test(named.qualifier) ? named.qualifier : undefined;
    const ref = { ...named, qualifier };
    const findings = await this.evaluateResource(ref, threat, { eventId: base.eventId, eventName: detail.type, eventTime: detail.updatedAt, detector });
    return { ...base, ignored: null, resources: [resourceArn(ref)], findings, detector };
  }

  /**
   * Evaluates an IAM Access Analyzer finding (validated) about a function or layer version: the finding
   * only names the resource; the rules that trigger on it (the resource-policy rules, which know the
   * fix: remove the offending statement) judge the resource's *current* policy, so a grant removed since
   * finds nothing and nothing is done. Findings are asked for approval at most (`approve`): the bot never
   * reverts on a detector's word alone. Claimed like GuardDuty findings (finding id and `updatedAt`).
   */
  async evaluateAccessAnalyzerFinding(event: AccessAnalyzerFindingEvent): Promise<EvaluationResult> {
    const { detail } = event;
    const detector = accessAnalyzerDetectorRef(detail);
    const base = { eventId: detectorEventId(detector), eventName: ACCESS_ANALYZER_FINDING_DETAIL_TYPE };
    const skip = (why: Ignored): EvaluationResult => ({ ...base, ignored: why, resources: [], findings: [] });
    const refusal = accessAnalyzerFindingRefusal(event, this.options.config);
    if (refusal !== null) return skip(refusal);
    if (detail.isDeleted === true) return skip({ kind: 'finding-closed', text: `IAM Access Analyzer deleted finding ${detail.id} (retention ended, or its analyzer was deleted): nothing is judged` });
    if (detector.state !== 'active') return { ...skip(closedBy(detector)), detector };
    const rules = this.rulesFor(ACCESS_ANALYZER_EVENT_SOURCE, ACCESS_ANALYZER_FINDING_DETAIL_TYPE);
    if (rules.length === 0) return skip({ kind: 'no-rule', text: `no rule watches ${ACCESS_ANALYZER_FINDING_DETAIL_TYPE}` });
    const ref =
      detail.resourceType === 'AWS::Lambda::Function'
        ? parseFunctionName(detail.resource, detail.accountId, detail.region)
        : parseLayerVersion(detail.resource, undefined, detail.accountId, detail.region);
    if (ref === null) return skip({ kind: 'no-resource', text: `resource is not a Lambda ${detail.resourceType === 'AWS::Lambda::Function' ? 'function' : 'layer version'} ARN` });
    const found = await this.judgeResource(ref, this.rulesOfKind(rules, ref.kind), { detector }, { eventId: base.eventId, eventName: ACCESS_ANALYZER_FINDING_DETAIL_TYPE, eventTime: detail.updatedAt, detector });
    const findings = found.map((f): Finding => (f.mode === 'auto' ? { ...f, mode: 'approve' } : f));
    return { ...base, ignored: null, resources: [resourceArn(ref)], findings, detector };
  }

  /**
   * Evaluates an Inspector finding (validated) on the current state of the function it names (the
   * version it names when that is a number). The id of the claim (`eventId`) is the finding's ARN and
   * `updatedAt` (else `lastObservedAt`): a duplicate delivery — also the delegated administrator's copy —
   * is one, an update by Inspector is another. Reads only what its rules need, and keeps no baseline.
   * A finding Inspector closed or suppressed is not judged: it leaves its function's digest (the
   * responder's detector lifecycle, as for GuardDuty and Access Analyzer).
   */
  async evaluateInspectorFinding(event: InspectorFindingEvent): Promise<EvaluationResult> {
    const { detail } = event;
    const detector = inspectorDetectorRef(detail, event.region);
    const version = `inspector2:${detail.findingArn}@${detail.updatedAt ?? detail.lastObservedAt}`;
    const base = { eventId: detector.state === 'active' ? version : `${version}#${detector.state}`, eventName: INSPECTOR_FINDING_DETAIL_TYPE };
    const skip = (why: Ignored): EvaluationResult => ({ ...base, ignored: why, resources: [], findings: [] });
    const refusal = inspectorFindingRefusal(event, this.options.config);
    if (refusal !== null) return skip(refusal);
    if (detector.state !== 'active') return { ...skip(closedBy(detector)), detector };
    const rules = this.rulesFor(INSPECTOR_EVENT_SOURCE, INSPECTOR_FINDING_DETAIL_TYPE);
    if (rules.length === 0) return skip({ kind: 'no-rule', text: `no rule watches ${INSPECTOR_FINDING_DETAIL_TYPE}` });
    const ref = inspectedFunction(detail);
    if (ref === null) return skip({ kind: 'no-resource', text: 'resources[].id is not a function ARN' });
    const vulnerability = vulnerabilityOf(detail);
    const applicable = this.rulesOfKind(rules, ref.kind);
    const snapshot = await this.read(ref, applicable, new Map(), false);
    const results = await this.judge(snapshot, applicable, { config: this.options.config, now: this.now(), vulnerability });
    const origin = { eventId: base.eventId, eventName: detail.type, eventTime: vulnerability.updatedAt, detector };
    const findings = results.flatMap(([rule, found]) => found.map((f) => this.toFinding(rule, ref, f, origin)));
    return { ...base, ignored: null, resources: [resourceArn(ref)], findings, detector };
  }

  /**
   * Evaluates every rule of the resource's type on its current state (a scan: no event; with `threat`,
   * a detector finding about it is judged again, as a decision does).
   */
  async evaluateResource(ref: ResourceRef, threat?: RuntimeThreat, origin: { eventId?: string; eventName?: string; eventTime?: string; detector?: DetectorFindingRef } = {}): Promise<readonly Finding[]> {
    const applicable = threat === undefined ? this.rulesOfKind(this.options.rules, ref.kind) : this.rulesOfKind(this.rulesFor(GUARDDUTY_EVENT_SOURCE, GUARDDUTY_FINDING_DETAIL_TYPE), ref.kind);
    return this.judgeResource(ref, applicable, threat === undefined ? {} : { threat }, origin);
  }

  /** Reads one resource for `rules` and judges it, with what the context adds (a detector finding). */
  private async judgeResource(
    ref: ResourceRef,
    rules: readonly AnyRule[],
    extra: Pick<RuleContext, 'threat' | 'detector'>,
    origin: { eventId?: string; eventName?: string; eventTime?: string; detector?: DetectorFindingRef },
  ): Promise<readonly Finding[]> {
    const snapshot = await this.read(ref, rules, new Map(), false);
    const context: RuleContext = { config: this.options.config, now: this.now(), ...extra };
    const results = await this.judge(snapshot, rules, context);
    return results.flatMap(([rule, found]) => found.map((f) => this.toFinding(rule, ref, f, origin)));
  }

  /** The rules of a trigger that judge one resource kind (worked out once per trigger and kind). */
  private rulesOfKind(rules: readonly AnyRule[], kind: ResourceKind): readonly AnyRule[] {
    let byKind = this.byKind.get(rules);
    if (byKind === undefined) {
      byKind = new Map();
      this.byKind.set(rules, byKind);
    }
    let applicable = byKind.get(kind);
    if (applicable === undefined) {
      applicable = rules.filter((rule) => rule.resourceType === kind);
      byKind.set(kind, applicable);
    }
    return applicable;
  }

  /** The function parts a set of rules reads, with those always read (worked out once per rule list). */
  private functionPartsFor(rules: readonly AnyRule[]): readonly FunctionStatePart[] {
    let parts = this.partsByRules.get(rules);
    if (parts === undefined) {
      const wanted = new Set<FunctionStatePart>(this.options.alwaysRead ?? []);
      for (const rule of rules) if (rule.resourceType === 'lambda-function') for (const part of rule.reads) wanted.add(part);
      parts = [...wanted];
      this.partsByRules.set(rules, parts);
    }
    return parts;
  }

  /** `onEvent`: an event made the change (a scan judges roles on their own and reads no role per function without a baseline). */
  private async read(ref: ResourceRef, rules: readonly AnyRule[], roleReads: RoleReads, onEvent: boolean): Promise<ResourceSnapshot> {
    switch (ref.kind) {
      case 'lambda-function': {
        const parts = this.functionPartsFor(rules);
        const reading = this.options.reader.readFunction(ref, parts);
        // The stored baseline is read while the state is (issue #16).
        const keeper = this.options.baselines;
        const snapshot = keeper?.attachWhileReading === undefined ? await this.withBaseline(await reading) : await keeper.attachWhileReading(ref.kind, resourceArn(ref), reading);
        return parts.includes('executionRole') ? this.withSwappedRole(snapshot, roleReads, onEvent) : snapshot;
      }
      case 'lambda-layer-version':
        return this.withBaseline(await this.options.reader.readLayerVersion(ref));
      case 'cloudtrail-trail':
        return (await this.options.reader.readTrail?.(ref)) ?? { kind: 'cloudtrail-trail', ref, arn: resourceArn(ref) };
      case 'events-rule':
        return { kind: 'events-rule', ref, arn: resourceArn(ref) };
      case 'iam-role':
        return this.withBaseline((await this.readRoleOnce(ref, roleReads)) ?? { kind: 'iam-role', ref, arn: resourceArn(ref) });
      case 'apigateway-api':
        return (await this.options.reader.readApi?.(ref)) ?? { kind: 'apigateway-api', ref, arn: resourceArn(ref) };
      case 'ec2-security-group-rule':
        return (await this.options.reader.readSecurityGroupRule?.(ref)) ?? { kind: 'ec2-security-group-rule', ref, arn: resourceArn(ref) };
    }
  }

  /** A role read at most once per evaluation (a swapped function role is also the event's role resource). */
  private readRoleOnce(ref: RoleRef, roleReads: RoleReads): Promise<RoleSnapshot> | undefined {
    const reader = this.options.reader;
    if (reader.readRole === undefined) return undefined;
    const key = `${ref.account}\u0000${ref.roleName}`;
    let read = roleReads.get(key);
    if (read === undefined) {
      read = reader.readRole(ref);
      roleReads.set(key, read);
    }
    return read;
  }

  /**
   * Adds the execution role's state when the configured role is not the last-known-good one — also
   * when there is none yet (a new function, or one never seen compliant, after an event): the role
   * a function starts using is judged whether or not it replaced another.
   */
  private async withSwappedRole(snapshot: FunctionSnapshot, roleReads: RoleReads, onEvent: boolean): Promise<FunctionSnapshot> {
    const current = snapshot.configuration?.Role;
    const previous = snapshot.lastKnownGood?.role?.value ?? null;
    if (current === undefined || current === '' || current === previous || (previous === null && !onEvent)) return snapshot;
    const parsed = parseRoleName(current, snapshot.ref.account, snapshot.ref.region);
    // Without the path, as the role resources of events are read.
    const read = parsed === null ? undefined : this.readRoleOnce({ kind: 'iam-role', account: parsed.account, region: parsed.region, roleName: parsed.roleName }, roleReads);
    return read === undefined ? snapshot : { ...snapshot, executionRole: await read };
  }

  /**
   * Runs the rules on a snapshot, judging first the result of every plan that writes content back
   * (`judgeRestores`); when none finds anything, the snapshot becomes the last-known-good baseline
   * (with findings, the keeper records only the exemption tags it may: `exemptionTagAdoption`).
   */
  private async judge(snapshot: ResourceSnapshot, rules: readonly AnyRule[], context: RuleContext): Promise<readonly (readonly [AnyRule, readonly RuleFinding[]])[]> {
    const found = rules.map((rule) => [rule, evaluateRule(rule, snapshot, context)] as const);
    const results = judgeRestores(snapshot, found, (rule, after) => ruleResult(rule, after, context));
    const compliant = results.every(([, findings]) => findings.length === 0);
    const adopt = exemptionTagAdoption(this.options.config, context.event);
    const setAt = context.event === undefined || adopt.length === 0 ? {} : { exemptionTagsSetAt: eventDate(context.event.eventTime, context.now) };
    // A detector finding's evaluation reads only the parts its rule needs: it is no baseline.
    if (context.threat === undefined && context.vulnerability === undefined && context.detector === undefined) await this.options.baselines?.capture(snapshot, context.now, { compliant, adoptExemptionTags: adopt, ...setAt });
    return results;
  }

  private async withBaseline<S extends ResourceSnapshot>(snapshot: S): Promise<S> {
    return this.options.baselines === undefined ? snapshot : this.options.baselines.attach(snapshot);
  }

  private toFinding(
    rule: AnyRule,
    ref: ResourceRef,
    finding: RuleFinding,
    origin: { actor?: Actor; eventId?: string; eventName?: string; eventTime?: string; detector?: DetectorFindingRef },
  ): Finding {
    const resource = resourceArn(ref);
    return {
      id: findingId(rule.id, resource, finding.key),
      ruleId: rule.id,
      title: rule.title,
      severity: finding.severityOverride ?? rule.severity,
      mode: atMost(resolveMode(this.options.config, rule.id, finding.modeOverride ?? rule.defaultMode, ref.account), finding.maxMode),
      resource,
      account: ref.account,
      region: ref.region,
      summary: finding.summary,
      rationale: rule.rationale,
      details: finding.details,
      remediation: finding.remediation,
      ...origin,
    };
  }
}

/** Why a detector finding its service closed is not judged. */
function closedBy(detector: DetectorFindingRef): Ignored {
  return { kind: 'finding-closed', text: `${DETECTOR_NAMES[detector.service]} marked finding ${detector.findingId} ${detector.state} (updated ${detector.updatedAt}): nothing is judged; ${detector.service === 'inspector' ? "it leaves its function's digest" : 'its open approvals are closed'}` };
}

/** The event's time, or `fallback` when CloudTrail's text does not parse (never later than the clock). */
function eventDate(eventTime: string, fallback: Date): Date {
  const time = Date.parse(eventTime);
  return Number.isNaN(time) || time > fallback.getTime() ? fallback : new Date(time);
}

/**
 * The exemption tags of a function's baseline that were in place before the change at `eventTime`
 * (captured at or before it); null when none were.
 */
function exemptionTagsBefore(snapshot: FunctionSnapshot, eventTime: string): Readonly<Record<string, string>> | null {
  const part = snapshot.lastKnownGood?.exemptionTags;
  if (part === undefined) return null;
  const since = Date.parse(part.capturedAt);
  const change = Date.parse(eventTime);
  return Number.isNaN(since) || Number.isNaN(change) || since > change ? null : part.value;
}

const MODE_ORDER: Readonly<Record<Mode, number>> = { alert: 0, approve: 1, auto: 2 };

/** The mode, lowered to `max` when that is lower. */
function atMost(mode: Mode, max: Mode | undefined): Mode {
  return max !== undefined && MODE_ORDER[max] < MODE_ORDER[mode] ? max : mode;
}

/** Runs one rule on a snapshot of its resource type; null for a snapshot of another type. */
function ruleResult(rule: AnyRule, snapshot: ResourceSnapshot, context: RuleContext): RuleResult | null {
  if (rule.resourceType === 'lambda-function' && snapshot.kind === 'lambda-function') return rule.evaluate(snapshot, context);
  if (rule.resourceType === 'lambda-layer-version' && snapshot.kind === 'lambda-layer-version') return rule.evaluate(snapshot, context);
  if (rule.resourceType === 'cloudtrail-trail' && snapshot.kind === 'cloudtrail-trail') return rule.evaluate(snapshot, context);
  if (rule.resourceType === 'events-rule' && snapshot.kind === 'events-rule') return rule.evaluate(snapshot, context);
  if (rule.resourceType === 'iam-role' && snapshot.kind === 'iam-role') return rule.evaluate(snapshot, context);
  if (rule.resourceType === 'apigateway-api' && snapshot.kind === 'apigateway-api') return rule.evaluate(snapshot, context);
  if (rule.resourceType === 'ec2-security-group-rule' && snapshot.kind === 'ec2-security-group-rule') return rule.evaluate(snapshot, context);
  return null;
}

/** The findings of one rule on a snapshot of its resource type; a snapshot of another type yields nothing. */
function evaluateRule(rule: AnyRule, snapshot: ResourceSnapshot, context: RuleContext): readonly RuleFinding[] {
  const result = ruleResult(rule, snapshot, context);
  return result?.status === 'non-compliant' ? result.findings : [];
}
