/**
 * EventBridge rules of the in-memory account: per account, region and bus, each rule's state,
 * pattern or schedule and targets — enough to replay the rule events the tamper rules judge
 * (`PutRule`, `DisableRule`, `EnableRule`, `DeleteRule`, `PutTargets`, `RemoveTargets`) and to show
 * their effect.
 */
import { EventBridgeServiceException, ResourceNotFoundException } from '@aws-sdk/client-eventbridge';
import { eventRuleArn, type EventRuleRef } from '../functions/shared/state/resources';

export interface StoredEventTarget {
  readonly id: string;
  readonly arn: string;
  readonly roleArn?: string;
}

export interface StoredEventRule {
  readonly account: string;
  readonly region: string;
  readonly eventBusName: string;
  readonly name: string;
  state: 'ENABLED' | 'DISABLED';
  eventPattern?: string;
  scheduleExpression?: string;
  readonly targets: Map<string, StoredEventTarget>;
}

export type EventRuleKey = Pick<EventRuleRef, 'account' | 'region' | 'eventBusName' | 'ruleName'>;

function keyOf(ref: EventRuleKey): string {
  return `${ref.account}/${ref.region}/${ref.eventBusName}/${ref.ruleName}`;
}

const meta = { $metadata: {} };

export class InMemoryEvents {
  private readonly rules = new Map<string, StoredEventRule>();

  hasRule(ref: EventRuleKey): boolean {
    return this.rules.has(keyOf(ref));
  }

  /** @throws ResourceNotFoundException as EventBridge does. */
  rule(ref: EventRuleKey): StoredEventRule {
    const rule = this.rules.get(keyOf(ref));
    if (rule === undefined) throw new ResourceNotFoundException({ message: `Rule ${ref.ruleName} does not exist on EventBus ${ref.eventBusName}.`, ...meta });
    return rule;
  }

  allRules(): readonly StoredEventRule[] {
    return [...this.rules.values()];
  }

  ruleArn(rule: StoredEventRule): string {
    return eventRuleArn({ account: rule.account, region: rule.region, eventBusName: rule.eventBusName, ruleName: rule.name });
  }

  /**
   * `PutRule`: creates the rule or replaces it with what the call gives — as EventBridge does, an
   * omitted argument is not kept and an omitted state is `ENABLED`. Targets stay.
   */
  putRule(ref: EventRuleKey, input: { state?: string; eventPattern?: string; scheduleExpression?: string }): StoredEventRule {
    const rule: StoredEventRule = {
      account: ref.account,
      region: ref.region,
      eventBusName: ref.eventBusName,
      name: ref.ruleName,
      state: input.state === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      targets: this.rules.get(keyOf(ref))?.targets ?? new Map<string, StoredEventTarget>(),
      ...(input.eventPattern === undefined ? {} : { eventPattern: input.eventPattern }),
      ...(input.scheduleExpression === undefined ? {} : { scheduleExpression: input.scheduleExpression }),
    };
    this.rules.set(keyOf(ref), rule);
    return rule;
  }

  setState(ref: EventRuleKey, state: 'ENABLED' | 'DISABLED'): void {
    this.rule(ref).state = state;
  }

  /** @throws ValidationException while the rule has targets, as EventBridge does. */
  deleteRule(ref: EventRuleKey): void {
    if (this.rule(ref).targets.size > 0) {
      throw new EventBridgeServiceException({ name: 'ValidationException', $fault: 'client', message: "Rule can't be deleted since it has targets.", ...meta });
    }
    this.rules.delete(keyOf(ref));
  }

  putTargets(ref: EventRuleKey, targets: readonly StoredEventTarget[]): void {
    const rule = this.rule(ref);
    for (const target of targets) rule.targets.set(target.id, target);
  }

  removeTargets(ref: EventRuleKey, ids: readonly string[]): void {
    const rule = this.rule(ref);
    for (const id of ids) rule.targets.delete(id);
  }
}
