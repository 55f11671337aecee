/**
 * A stateful stand-in for CloudTrail trails: seeded by tests and state files, changed by replayed
 * CloudTrail events (CreateTrail, StopLogging, StartLogging, DeleteTrail, PutEventSelectors with basic
 * or advanced selectors, UpdateTrail) and answered through aws-sdk-client-mock.
 */
import {
  CloudTrailClient,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  TrailNotFoundException,
  type AdvancedEventSelector,
  type EventSelector,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import type { CloudTrailEvent } from '../functions/shared/event/cloudtrail-event';
import { parseTrailName, trailArn, type TrailRef } from '../functions/shared/state/resources';

export interface InMemoryTrail {
  readonly ref: TrailRef;
  isOrganizationTrail: boolean;
  isMultiRegionTrail: boolean;
  isLogging: boolean;
  /** Whether the trail records global services' events (IAM, STS), which reach only us-east-1. */
  includeGlobalServiceEvents: boolean;
  eventSelectors: EventSelector[];
  /** Advanced selectors replace the basic ones when set (CloudTrail keeps one kind at a time). */
  advancedEventSelectors?: AdvancedEventSelector[];
}

export interface TrailOptions {
  readonly isOrganizationTrail?: boolean;
  readonly isMultiRegionTrail?: boolean;
  readonly isLogging?: boolean;
  readonly includeGlobalServiceEvents?: boolean;
  readonly eventSelectors?: EventSelector[];
  readonly advancedEventSelectors?: AdvancedEventSelector[];
}

/** Events that create the trail they name: no default trail is made for them. */
const CREATING_EVENTS: ReadonlySet<string> = new Set(['CreateTrail']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** CloudTrail's camelCase request fields (`readWriteType`) as the API's PascalCase (`ReadWriteType`); values are kept. */
function pascalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascalize);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key.charAt(0).toUpperCase() + key.slice(1), pascalize(child)]));
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

export interface CloudTrailCall {
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export class InMemoryCloudTrail {
  private readonly trails = new Map<string, InMemoryTrail>();

  /** Adds a trail: by default logging, multi-region, recording all management events and global services' events. */
  createTrail(ref: TrailRef, options: TrailOptions = {}): InMemoryTrail {
    const trail: InMemoryTrail = {
      ref,
      isOrganizationTrail: options.isOrganizationTrail ?? false,
      isMultiRegionTrail: options.isMultiRegionTrail ?? true,
      isLogging: options.isLogging ?? true,
      includeGlobalServiceEvents: options.includeGlobalServiceEvents ?? true,
      eventSelectors: options.eventSelectors ?? [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
      ...(options.advancedEventSelectors === undefined ? {} : { advancedEventSelectors: options.advancedEventSelectors }),
    };
    this.trails.set(trailArn(ref), trail);
    return trail;
  }

  /** Every trail held, in insertion order. */
  allTrails(): readonly InMemoryTrail[] {
    return [...this.trails.values()];
  }

  /**
   * Creates the trail a CloudTrail event names when it is not held — logging, recording all
   * management events, as a trail must have been for the event to be recorded — so one event can be
   * replayed alone. Returns what it created; failed calls and CreateTrail create nothing.
   */
  ensureTrail(event: CloudTrailEvent): TrailRef[] {
    const { detail } = event;
    if (detail.eventSource !== 'cloudtrail.amazonaws.com' || (detail.errorCode !== undefined && detail.errorCode !== '') || CREATING_EVENTS.has(detail.eventName)) return [];
    const ref = trailRefOf(event);
    if (ref === null || this.trails.has(trailArn(ref))) return [];
    this.createTrail(ref);
    return [ref];
  }

  trail(ref: TrailRef): InMemoryTrail | undefined {
    return this.trails.get(trailArn(ref));
  }

  /** The trail a name or ARN refers to, or throws CloudTrail's TrailNotFoundException. */
  find(name: string | undefined, account: string, region: string): InMemoryTrail {
    const ref = name === undefined ? null : parseTrailName(name, account, region);
    const trail = ref === null ? undefined : this.trails.get(trailArn(ref));
    if (trail === undefined) throw new TrailNotFoundException({ message: `Unknown trail: ${String(name)}`, $metadata: {} });
    return trail;
  }

  /** Applies a successful CloudTrail management event; others change nothing. */
  applyEvent(event: CloudTrailEvent): void {
    const { detail } = event;
    if (detail.eventSource !== 'cloudtrail.amazonaws.com' || (detail.errorCode !== undefined && detail.errorCode !== '')) return;
    const ref = trailRefOf(event);
    if (ref === null) return;
    const request = detail.requestParameters ?? {};
    if (detail.eventName === 'CreateTrail') {
      this.createTrail(ref, {
        isMultiRegionTrail: bool(request.isMultiRegionTrail) ?? false,
        isOrganizationTrail: bool(request.isOrganizationTrail) ?? false,
        includeGlobalServiceEvents: bool(request.includeGlobalServiceEvents) ?? true,
        // A new trail does not log until StartLogging.
        isLogging: false,
      });
      return;
    }
    const trail = this.trails.get(trailArn(ref));
    if (trail === undefined) return;
    switch (detail.eventName) {
      case 'StopLogging':
        trail.isLogging = false;
        break;
      case 'StartLogging':
        trail.isLogging = true;
        break;
      case 'DeleteTrail':
        this.trails.delete(trailArn(ref));
        break;
      case 'PutEventSelectors': {
        const basic = request.eventSelectors;
        const advanced = request.advancedEventSelectors;
        if (Array.isArray(advanced)) {
          trail.advancedEventSelectors = pascalize(advanced) as AdvancedEventSelector[];
          trail.eventSelectors = [];
        } else if (Array.isArray(basic)) {
          trail.eventSelectors = pascalize(basic) as EventSelector[];
          delete trail.advancedEventSelectors;
        }
        break;
      }
      case 'UpdateTrail': {
        trail.isMultiRegionTrail = bool(request.isMultiRegionTrail) ?? trail.isMultiRegionTrail;
        trail.includeGlobalServiceEvents = bool(request.includeGlobalServiceEvents) ?? trail.includeGlobalServiceEvents;
        trail.isOrganizationTrail = bool(request.isOrganizationTrail) ?? trail.isOrganizationTrail;
        break;
      }
      default:
        break;
    }
  }
}

/** The trail a CloudTrail event names (`name`, `trailName`), as a reference in the event's account and region. */
function trailRefOf(event: CloudTrailEvent): TrailRef | null {
  const { detail } = event;
  const name = detail.requestParameters?.name ?? detail.requestParameters?.trailName;
  return typeof name === 'string' ? parseTrailName(name, detail.recipientAccountId ?? event.account, detail.awsRegion) : null;
}

/** Answers CloudTrail commands from `cloudtrail`; bare trail names are in `defaultAccount` and the client's region. */
export function installCloudTrailMock(cloudtrail: InMemoryCloudTrail, defaultAccount: string, onCommand?: (command: string) => void) {
  const mock = mockClient(CloudTrailClient);
  const calls: CloudTrailCall[] = [];
  type Getter = () => { config: { region: () => Promise<string> } };
  const handler =
    <I extends Record<string, unknown>, O>(command: string, answer: (input: I, region: string) => O) =>
    async (input: I, getClient: Getter): Promise<O> => {
      calls.push({ command, input: structuredClone(input) });
      onCommand?.(command);
      return answer(input, await getClient().config.region());
    };
  mock.on(GetTrailCommand).callsFake(
    handler('GetTrail', (input: { Name?: string }, region) => {
      const t = cloudtrail.find(input.Name, defaultAccount, region);
      return {
        Trail: {
          Name: t.ref.trailName,
          TrailARN: trailArn(t.ref),
          HomeRegion: t.ref.region,
          IsOrganizationTrail: t.isOrganizationTrail,
          IsMultiRegionTrail: t.isMultiRegionTrail,
          IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
          HasCustomEventSelectors: t.advancedEventSelectors !== undefined || t.eventSelectors.length !== 1,
        },
      };
    }),
  );
  mock.on(GetTrailStatusCommand).callsFake(handler('GetTrailStatus', (input: { Name?: string }, region) => ({ IsLogging: cloudtrail.find(input.Name, defaultAccount, region).isLogging })));
  mock.on(GetEventSelectorsCommand).callsFake(
    handler('GetEventSelectors', (input: { TrailName?: string }, region) => {
      const t = cloudtrail.find(input.TrailName, defaultAccount, region);
      return t.advancedEventSelectors === undefined
        ? { TrailARN: trailArn(t.ref), EventSelectors: t.eventSelectors }
        : { TrailARN: trailArn(t.ref), AdvancedEventSelectors: t.advancedEventSelectors };
    }),
  );
  mock.on(StartLoggingCommand).callsFake(
    handler('StartLogging', (input: { Name?: string }, region) => {
      cloudtrail.find(input.Name, defaultAccount, region).isLogging = true;
      return {};
    }),
  );
  mock.on(StopLoggingCommand).callsFake(
    handler('StopLogging', (input: { Name?: string }, region) => {
      cloudtrail.find(input.Name, defaultAccount, region).isLogging = false;
      return {};
    }),
  );
  return { mock, calls };
}
