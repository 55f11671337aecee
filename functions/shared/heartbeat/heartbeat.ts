/**
 * Silence is a signal: every member account × region sends a heartbeat (the scheduled event of its
 * `warden-forward-heartbeat` rule, forwarded to the central bus like the CloudTrail events); a
 * scheduled check compares the last heartbeat of each configured pair with `heartbeat.silenceMinutes`
 * and raises a critical "Warden Alert" once when a pair falls silent, and once more when it resumes.
 */
import * as z from 'zod';
import type { WardenConfig } from '../config/config';
import { InvalidEventError } from '../errors';
import { type EventSink } from '../bus/warden-events';
import { DETAIL_TYPES, type WardenEvent } from '../contract/warden-events';
import { heartbeatRuleArn } from '../self/member-resources';
import { partitionOf } from '../state/resources';
import { heartbeatKey, type HeartbeatPair, type HeartbeatRecord, type HeartbeatStore } from './heartbeat-store';

/** EventBridge's scheduled event, as the member's heartbeat rule sends it. */
export const ScheduledEventSchema = z.looseObject({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  account: z.string().regex(/^\d{12}$/),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/),
  time: z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time'),
  resources: z.array(z.string()).max(10),
});

/** The input the central schedule gives the heartbeat function to run a check. */
export const HeartbeatCheckSchema = z.strictObject({ check: z.literal('heartbeats') });
export const HEARTBEAT_CHECK_INPUT: z.infer<typeof HeartbeatCheckSchema> = { check: 'heartbeats' };

export type BeatOutcome =
  | { readonly status: 'recorded'; readonly account: string; readonly region: string; readonly at: string }
  | { readonly status: 'refused'; readonly reason: string };

/** Pairs reported in one alert at most; more newly silent pairs at once become one summary alert. */
export const MAX_ALERTS_PER_CHECK = 10;

export interface CheckResult {
  readonly watched: number;
  readonly startedWatching: number;
  readonly newlySilent: readonly HeartbeatPair[];
  readonly stillSilent: number;
  readonly resumed: readonly HeartbeatPair[];
}

/** Every configured account × region. */
export function configuredPairs(config: Pick<WardenConfig, 'organization' | 'deployment'>): HeartbeatPair[] {
  return config.organization.accounts.flatMap((account) => config.deployment.regions.map((region) => ({ account, region })));
}

/**
 * Records a forwarded heartbeat: one conditional write, nothing else. Refused (nothing written) when
 * it is not a scheduled event of a configured pair's heartbeat rule.
 */
export async function recordHeartbeat(input: unknown, deps: { readonly config: WardenConfig; readonly store: HeartbeatStore; readonly now: Date }): Promise<BeatOutcome> {
  const parsed = ScheduledEventSchema.safeParse(input);
  if (!parsed.success) return { status: 'refused', reason: 'not a scheduled event' };
  const { account, region, time, resources } = parsed.data;
  if (!resources.includes(heartbeatRuleArn(partitionOf(region), account, region))) return { status: 'refused', reason: 'not sent by the heartbeat rule of its account and region' };
  if (!deps.config.organization.accounts.includes(account) || !deps.config.deployment.regions.includes(region)) {
    return { status: 'refused', reason: `${account} × ${region} is not a configured account × region` };
  }
  // A late delivery counts from when it was sent; a clock ahead of ours counts from now.
  const at = new Date(Math.min(Date.parse(time), deps.now.getTime())).toISOString();
  await deps.store.recordBeat({ account, region }, at);
  return { status: 'recorded', account, region, at };
}

function minutesBetween(from: string, to: Date): number {
  return Math.floor((to.getTime() - Date.parse(from)) / 60_000);
}

function silentAlert(record: HeartbeatRecord, since: string, now: Date, silenceMinutes: number): WardenEvent {
  const heard = record.lastSeen === undefined ? `no heartbeat since it was first watched at ${since}` : `last heartbeat at ${since}`;
  return {
    detailType: DETAIL_TYPES.alert,
    detail: {
      kind: 'heartbeat-silent',
      severity: 'critical',
      summary: `No heartbeat from account ${record.account} in ${record.region} for ${String(minutesBetween(since, now))} minutes (${heard}; limit ${String(silenceMinutes)}): its forwarding rules, forwarder role or member stack may have been disabled or deleted, and changes there no longer reach the bot.`,
      account: record.account,
      region: record.region,
      silentSince: since,
    },
    resources: [heartbeatRuleArn(partitionOf(record.region), record.account, record.region)],
  };
}

function summaryAlert(silent: readonly { record: HeartbeatRecord; since: string }[], silenceMinutes: number): WardenEvent {
  const records = silent.map((s) => s.record);
  const earliest = silent.map((s) => s.since).sort()[0] ?? '';
  const listed = records.slice(0, 20).map((r) => `${r.account} × ${r.region}`);
  const more = records.length > listed.length ? ` and ${String(records.length - listed.length)} more` : '';
  return {
    detailType: DETAIL_TYPES.alert,
    detail: {
      kind: 'heartbeat-silent',
      severity: 'critical',
      summary: `No heartbeat for more than ${String(silenceMinutes)} minutes from ${String(records.length)} account × region pairs at once: ${listed.join(', ')}${more}. So many at once points at the central side (the Warden bus policy, the heartbeat function) or a StackSet change.`,
      silentSince: earliest,
      silentPairs: records.map((r) => heartbeatKey(r)),
    },
    resources: [],
  };
}

function resumedAlert(record: HeartbeatRecord, silentSince: string, now: Date): WardenEvent {
  return {
    detailType: DETAIL_TYPES.alert,
    detail: {
      kind: 'heartbeat-resumed',
      severity: 'critical',
      summary: `Heartbeats from account ${record.account} in ${record.region} resumed (last one at ${record.lastSeen ?? 'unknown'}) after the silence reported since ${silentSince}. Changes made there while it was silent were not seen: run \`warden scan\` on it.`,
      account: record.account,
      region: record.region,
      silentSince,
      resumedAt: now.toISOString(),
    },
    resources: [heartbeatRuleArn(partitionOf(record.region), record.account, record.region)],
  };
}

/**
 * Compares each configured pair's last heartbeat with `heartbeat.silenceMinutes`. A pair with no
 * record starts being watched (its silence counts from now). Each transition is claimed with a
 * conditional write before its alert is published, and given back if publishing fails, so a pair is
 * reported once per silence even when checks overlap or retry. Pairs not in the configuration are ignored.
 *
 * @example
 * const result = await checkHeartbeats({ config, store: new DynamoDbHeartbeatStore(documents, table), sink, now: new Date() });
 */
export async function checkHeartbeats(deps: { readonly config: WardenConfig; readonly store: HeartbeatStore; readonly sink: EventSink; readonly now: Date }): Promise<CheckResult> {
  const { config, store, sink, now } = deps;
  const silenceMs = config.heartbeat.silenceMinutes * 60_000;
  const records = new Map((await store.listBeats()).map((r) => [heartbeatKey(r), r]));
  const pairs = configuredPairs(config);
  const silent: { record: HeartbeatRecord; since: string }[] = [];
  const resumed: { record: HeartbeatRecord; since: string }[] = [];
  let startedWatching = 0;
  let stillSilent = 0;
  for (const pair of pairs) {
    const record = records.get(heartbeatKey(pair));
    if (record === undefined) {
      if (await store.startWatching(pair, now.toISOString())) startedWatching += 1;
      continue;
    }
    const alive = record.lastSeen ?? record.watchedSince;
    if (now.getTime() - Date.parse(alive) > silenceMs) {
      if (record.silentSince !== undefined) stillSilent += 1;
      else if (await store.markSilent(pair, alive, record.lastSeen)) silent.push({ record, since: alive });
    } else if (record.silentSince !== undefined && (await store.clearSilent(pair, record.silentSince))) {
      resumed.push({ record, since: record.silentSince });
    }
  }
  const events = [
    ...(silent.length > MAX_ALERTS_PER_CHECK ? [summaryAlert(silent, config.heartbeat.silenceMinutes)] : silent.map((s) => silentAlert(s.record, s.since, now, config.heartbeat.silenceMinutes))),
    ...resumed.map((r) => resumedAlert(r.record, r.since, now)),
  ];
  try {
    if (events.length > 0) await sink.publish(events);
  } catch (e: unknown) {
    // Not reported: give the transitions back so the next check reports them.
    await Promise.all([...silent.map((s) => store.clearSilent(s.record, s.since)), ...resumed.map((r) => store.restoreSilent(r.record, r.since))]);
    throw e;
  }
  const pairOf = ({ record }: { record: HeartbeatRecord }): HeartbeatPair => ({ account: record.account, region: record.region });
  return { watched: pairs.length, startedWatching, newlySilent: silent.map(pairOf), stillSilent, resumed: resumed.map(pairOf) };
}

/** What the heartbeat function was given: a check, or a forwarded heartbeat. */
export type HeartbeatInput = { readonly kind: 'check' } | { readonly kind: 'beat'; readonly event: unknown };

/** @throws InvalidEventError for anything that is neither a check request nor an EventBridge event. */
export function classifyHeartbeatInput(input: unknown): HeartbeatInput {
  if (HeartbeatCheckSchema.safeParse(input).success) return { kind: 'check' };
  if (typeof input === 'object' && input !== null && 'detail-type' in input) return { kind: 'beat', event: input };
  throw new InvalidEventError('Neither a heartbeat check request nor a scheduled event', ['(event)']);
}
