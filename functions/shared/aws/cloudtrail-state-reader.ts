/**
 * Reads a CloudTrail trail's state with `@aws-sdk/client-cloudtrail` (configuration, logging status,
 * event selectors), and adds it to another `StateReader`.
 */
import type { CloudTrailClient, GetEventSelectorsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { StateReadError } from '../errors';
import { trailArn, type TrailRef, type TrailSnapshot } from '../state/resources';
import { extendReader, type StateReader } from '../state/state-reader';
import { loadCloudTrail } from './sdk-module';

export type CloudTrailClientProvider = (account: string, region: string) => CloudTrailClient | Promise<CloudTrailClient>;

function isTrailNotFound(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TrailNotFoundException' || e.name === 'ResourceNotFoundException');
}

/** True when the selectors record management write events. */
export function recordsManagementEvents(out: Pick<GetEventSelectorsCommandOutput, 'EventSelectors' | 'AdvancedEventSelectors'>): boolean {
  const basic = (out.EventSelectors ?? []).some((s) => s.IncludeManagementEvents !== false && s.ReadWriteType !== 'ReadOnly');
  const advanced = (out.AdvancedEventSelectors ?? []).some((s) => {
    const fields = s.FieldSelectors ?? [];
    const management = fields.some((f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Management'));
    const readOnly = fields.some((f) => f.Field === 'readOnly' && (f.Equals ?? []).includes('true'));
    return management && !readOnly;
  });
  return basic || advanced;
}

/**
 * @example
 * const reader = withTrailReader(lambdaReader, new CloudTrailStateReader(async (a, r) => clients.client((await loadCloudTrail()).CloudTrailClient, a, r)));
 */
export class CloudTrailStateReader {
  constructor(private readonly clientFor: CloudTrailClientProvider) {}

  async readTrail(ref: TrailRef): Promise<TrailSnapshot> {
    // The CloudTrail SDK loads with the first trail event (its own chunk in the bundle).
    const [client, { GetEventSelectorsCommand, GetTrailCommand, GetTrailStatusCommand }] = await Promise.all([this.clientFor(ref.account, ref.region), loadCloudTrail()]);
    const arn = trailArn(ref);
    try {
      const [trail, status, selectors] = await Promise.all([
        client.send(new GetTrailCommand({ Name: arn })),
        client.send(new GetTrailStatusCommand({ Name: arn })),
        client.send(new GetEventSelectorsCommand({ TrailName: arn })),
      ]);
      return {
        kind: 'cloudtrail-trail',
        ref,
        arn,
        trail: {
          homeRegion: trail.Trail?.HomeRegion ?? ref.region,
          isOrganizationTrail: trail.Trail?.IsOrganizationTrail ?? false,
          isMultiRegionTrail: trail.Trail?.IsMultiRegionTrail ?? false,
          ...(trail.Trail?.IncludeGlobalServiceEvents === undefined ? {} : { includeGlobalServiceEvents: trail.Trail.IncludeGlobalServiceEvents }),
        },
        isLogging: status.IsLogging ?? false,
        recordsManagementEvents: recordsManagementEvents(selectors),
      };
    } catch (e: unknown) {
      if (isTrailNotFound(e)) return { kind: 'cloudtrail-trail', ref, arn, trail: null, isLogging: null, recordsManagementEvents: null };
      throw new StateReadError(`Reading the trail ${arn} failed: ${e instanceof Error ? e.name : 'unknown error'}`, { cause: e });
    }
  }
}

/** A reader answering trails from `trails` and everything else (functions, layers, roles) from `base`. */
export function withTrailReader(base: StateReader, trails: CloudTrailStateReader): StateReader {
  return extendReader(base, { readTrail: (ref) => trails.readTrail(ref) });
}
