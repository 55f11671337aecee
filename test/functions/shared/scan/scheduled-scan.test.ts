import { STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrossAccountCredentials } from '../../../../functions/shared/aws/credentials';
import { DETAIL_TYPES, type FindingEventDetail, type WardenEvent } from '../../../../functions/shared/contract/warden-events';
import { RecordingSink, type EventSink } from '../../../../functions/shared/bus/warden-events';
import { CallGuard } from '../../../../functions/shared/scan/call-guard';
import { scanClients } from '../../../../functions/shared/scan/scan-clients';
import { Scanner } from '../../../../functions/shared/scan/scanner';
import { runScheduledScan, SCHEDULED_SCAN_EVENT_ID } from '../../../../functions/shared/scan/scheduled-scan';
import { InMemoryStateStore } from '../../../../functions/shared/store/in-memory-state-store';
import { RULES } from '../../../../rules';
import { installOrganizationMocks, type OrganizationMockHandle } from '../../../../sim/organization-mock';
import { ACCOUNT } from '../../../fixtures/accounts';
import { addFunction, SCAN_CONFIG, scanWorld, UNREACHABLE_ACCOUNT, type ScanWorld } from '../../../fixtures/organization';

/** The detail of a "Warden Finding" (a scan emits nothing else; any other event fails the test). */
function findingDetailOf(event: WardenEvent | undefined): FindingEventDetail {
  if (event?.detailType !== DETAIL_TYPES.finding) throw new Error(`expected a Warden Finding, got ${String(event?.detailType)}`);
  return event.detail;
}

const NOW = new Date('2026-12-01T03:00:00Z');

describe('runScheduledScan', () => {
  let setup: ScanWorld;
  let org: OrganizationMockHandle;
  let scanner: Scanner;
  const store = new InMemoryStateStore();

  beforeEach(() => {
    setup = scanWorld();
    org = installOrganizationMocks(setup.world, { unreachable: [UNREACHABLE_ACCOUNT] });
    const credentials = new CrossAccountCredentials({ sts: new STSClient({ region: 'us-east-1' }), config: SCAN_CONFIG });
    scanner = new Scanner({ rules: RULES, config: SCAN_CONFIG, clients: scanClients(credentials), guard: new CallGuard({ sleep: () => Promise.resolve() }) });
  });
  afterEach(() => {
    org.restore();
  });

  it('reports only what no earlier scan reported, and releases the claim when publishing fails', async () => {
    const item = { account: ACCOUNT, region: 'eu-west-1' };
    const failing: EventSink = { publish: () => Promise.reject(new Error('bus down')) };
    await expect(runScheduledScan(item, { scanner, store, sink: failing, config: SCAN_CONFIG, now: () => NOW })).rejects.toThrow('bus down');

    const sink = new RecordingSink();
    const first = await runScheduledScan(item, { scanner, store, sink, config: SCAN_CONFIG, now: () => NOW });
    expect(first).toMatchObject({ findings: 3, reported: 3, alreadyReported: 0 });
    // Issue #17: the summary names the rules the scan left unjudged, and the key that turns each on.
    expect(first.notJudged).toEqual(expect.arrayContaining(['function-api-route-unauthenticated (scan.readApis off)', 'function-destination-outside-org (scan.readAsyncDestinations off, judged in part)', 'trail-logging-stopped (never by scans)']));
    expect(sink.events.map((e) => e.resources[0]).sort()).toEqual(setup.expected.filter((e) => e.resource.includes(':eu-west-1:')).map((e) => e.resource).sort());
    const reportedId = findingDetailOf(sink.events[0]).finding.id;
    expect((await store.getFinding(reportedId, SCHEDULED_SCAN_EVENT_ID))?.status).toBe('done');

    addFunction(setup.world, ACCOUNT, 'eu-west-1', 'newly-old', { Runtime: 'nodejs16.x' });
    const again = new RecordingSink();
    const second = await runScheduledScan(item, { scanner, store, sink: again, config: SCAN_CONFIG, now: () => NOW });
    expect(second).toMatchObject({ findings: 4, reported: 1, alreadyReported: 3 });
    expect(again.events.map((e) => e.resources[0])).toEqual([`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:newly-old`]);
    expect(findingDetailOf(again.events[0]).outcome).toMatchObject({ status: 'alerted', effectiveMode: 'alert', eventId: SCHEDULED_SCAN_EVENT_ID, plan: null });
  });
});
