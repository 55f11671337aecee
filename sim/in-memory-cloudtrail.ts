/**
 * A stateful stand-in for CloudTrail trails: seeded by tests, changed by replayed CloudTrail events
 * (StopLogging, StartLogging, DeleteTrail, PutEventSelectors) and answered through aws-sdk-client-mock.
 */
import {
  CloudTrailClient,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  TrailNotFoundException,
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
  eventSelectors: EventSelector[];
}

export interface CloudTrailCall {
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export class InMemoryCloudTrail {
  private readonly trails = new Map<string, InMemoryTrail>();

  /** Adds a logging trail recording all management events. */
  createTrail(ref: TrailRef, options: { isOrganizationTrail?: boolean; isMultiRegionTrail?: boolean; isLogging?: boolean } = {}): InMemoryTrail {
    const trail: InMemoryTrail = {
      ref,
      isOrganizationTrail: options.isOrganizationTrail ?? false,
      isMultiRegionTrail: options.isMultiRegionTrail ?? true,
      isLogging: options.isLogging ?? true,
      eventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
    };
    this.trails.set(trailArn(ref), trail);
    return trail;
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
    if (detail.eventSource !== 'cloudtrail.amazonaws.com' || detail.errorCode !== undefined) return;
    const name = detail.requestParameters?.name ?? detail.requestParameters?.trailName;
    const ref = typeof name === 'string' ? parseTrailName(name, detail.recipientAccountId ?? event.account, detail.awsRegion) : null;
    const trail = ref === null ? undefined : this.trails.get(trailArn(ref));
    if (ref === null || trail === undefined) return;
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
        const selectors = detail.requestParameters?.eventSelectors;
        if (Array.isArray(selectors)) trail.eventSelectors = selectors as EventSelector[];
        break;
      }
      default:
        break;
    }
  }
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
      return { Trail: { Name: t.ref.trailName, TrailARN: trailArn(t.ref), HomeRegion: t.ref.region, IsOrganizationTrail: t.isOrganizationTrail, IsMultiRegionTrail: t.isMultiRegionTrail } };
    }),
  );
  mock.on(GetTrailStatusCommand).callsFake(handler('GetTrailStatus', (input: { Name?: string }, region) => ({ IsLogging: cloudtrail.find(input.Name, defaultAccount, region).isLogging })));
  mock.on(GetEventSelectorsCommand).callsFake(
    handler('GetEventSelectors', (input: { TrailName?: string }, region) => {
      const t = cloudtrail.find(input.TrailName, defaultAccount, region);
      return { TrailARN: trailArn(t.ref), EventSelectors: t.eventSelectors };
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
