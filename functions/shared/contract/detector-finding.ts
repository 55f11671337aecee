/**
 * The lifecycle contract of findings from AWS's own detectors (GuardDuty, IAM Access Analyzer, Inspector):
 * which detector finding a Warden finding came from, in which state, as of when. The responder keys its
 * claims on it (a duplicate delivery is one, an update by the service is another), links the approvals it
 * opens to it (so an archived or resolved finding closes them), and the notifier keeps one Slack thread per
 * detector finding (updates reply there instead of posting a new message).
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';

export const DETECTOR_SERVICES = ['guardduty', 'access-analyzer', 'inspector'] as const;
export type DetectorService = (typeof DETECTOR_SERVICES)[number];

/** How each detector is named to people. */
export const DETECTOR_NAMES: Readonly<Record<DetectorService, string>> = { guardduty: 'GuardDuty', 'access-analyzer': 'IAM Access Analyzer', inspector: 'Amazon Inspector' };

/**
 * `active`: judged and acted on; `archived` / `resolved` (GuardDuty, Access Analyzer) and `closed` /
 * `suppressed` (Inspector's `CLOSED`, `SUPPRESSED`): closed by the service (or a person there), never acted on.
 */
export const DetectorStateSchema = lazySchema(() => z.enum(['active', 'archived', 'resolved', 'closed', 'suppressed']));
export type DetectorState = z.infer<typeof DetectorStateSchema>;

export const DetectorFindingRefSchema = lazySchema(() => z.strictObject({
  service: z.enum(DETECTOR_SERVICES),
  /** The service's own finding id. */
  findingId: z.string().min(1).max(300),
  /** The account and region the finding is about. */
  account: z.string().regex(/^\d{12}$/),
  region: z.string().min(1).max(40),
  /** The service's `updatedAt` of this version of the finding. */
  updatedAt: z.string().min(1).max(64),
  /** How often the service saw it (GuardDuty `service.count`), when it says. */
  count: z.number().int().nonnegative().optional(),
  state: DetectorStateSchema,
  /** An active version judged again after the service had closed the finding: the `updatedAt` of that closing. */
  reopenedAfter: z.string().min(1).max(64).optional(),
}));
export type DetectorFindingRef = z.infer<typeof DetectorFindingRefSchema>;

/** One key per detector finding (service, account, region, id): the same in the responder's links and the notifier's thread index. */
export function detectorKey(ref: Pick<DetectorFindingRef, 'service' | 'account' | 'region' | 'findingId'>): string {
  return `${ref.service}#${ref.account}#${ref.region}#${ref.findingId}`;
}

/**
 * The claim id of one version of a detector finding: a duplicate delivery (also the copy an
 * administrator account forwards) is the same version, an update by the service (later `updatedAt`)
 * another, and a state change (archived, resolved) another again.
 */
export function detectorEventId(ref: Pick<DetectorFindingRef, 'service' | 'findingId' | 'updatedAt' | 'state'>): string {
  return `${ref.service}:${ref.findingId}@${ref.updatedAt}${ref.state === 'active' ? '' : `#${ref.state}`}`;
}

/**
 * What the responder remembers of a Warden finding raised from a detector finding: which finding (rule,
 * resource) and, when an event of it opened an approval, that record. Stored as JSON in the detector
 * finding's link set (identical links collapse, so updates of the finding add nothing new); read back
 * through this schema — stored state is untrusted input: a link only ever names a record that is then
 * verified before it is closed, and a finding whose Slack thread is told.
 */
export const DetectorLinkSchema = lazySchema(() => z.strictObject({
  findingId: z.string().regex(/^wf-[0-9a-f]{20}$/),
  ruleId: z.string().min(1).max(100),
  resource: z.string().min(1).max(2048),
  account: z.string().regex(/^\d{12}$/),
  region: z.string().min(1).max(40),
  mode: z.enum(['alert', 'approve', 'auto']),
  /** The approval an event of this finding opened. */
  recordId: z.string().regex(/^wa-[0-9a-f]{24}$/).optional(),
}));
export type DetectorLink = z.infer<typeof DetectorLinkSchema>;

/**
 * A closing of a detector finding as the responder records it in the finding's link set (beside the
 * links), so that a later active version can be told from a stale one. It can only ever stop a stale
 * delivery from being judged; it names no record and causes no change.
 */
export const DetectorClosingSchema = lazySchema(() => z.strictObject({
  closing: z.strictObject({ state: DetectorStateSchema.exclude(['active']), updatedAt: z.string().min(1).max(64), count: z.number().int().nonnegative().optional() }),
}));
export type DetectorClosing = z.infer<typeof DetectorClosingSchema>['closing'];

/**
 * What an active version delivered after a recorded closing is, from the services' documented fields:
 * `again` (judged again) when its `updatedAt` is later than the closing's — Access Analyzer stamps
 * `updatedAt` when a finding is unarchived (`UpdateFindings` status `ACTIVE`) or found again, Inspector
 * when it reopens a `CLOSED` or `SUPPRESSED` finding, GuardDuty on each new occurrence — or, GuardDuty
 * only, when its `service.count` exceeds the count at the closing (an occurrence counted after the archive
 * even if `updatedAt` did not move); `stale` otherwise: a version from before the closing, delivered late
 * or again, which is not judged. A time that does not parse counts as `again`: a detector's word is not
 * dropped on a doubt (the current state is judged, and the plan asked as before).
 */
export function afterClosing(ref: Pick<DetectorFindingRef, 'updatedAt' | 'count'>, closing: DetectorClosing): 'again' | 'stale' {
  const at = Date.parse(ref.updatedAt);
  const closedAt = Date.parse(closing.updatedAt);
  if (Number.isNaN(at) || Number.isNaN(closedAt) || at > closedAt) return 'again';
  if (ref.count !== undefined && closing.count !== undefined && ref.count > closing.count) return 'again';
  return 'stale';
}

/** The latest of recorded closings (by `updatedAt`; one that does not parse counts as the earliest), or null. */
export function latestClosing(closings: readonly DetectorClosing[]): DetectorClosing | null {
  const time = (c: DetectorClosing): number => {
    const t = Date.parse(c.updatedAt);
    return Number.isNaN(t) ? -Infinity : t;
  };
  return closings.reduce<DetectorClosing | null>((latest, c) => (latest === null || time(c) > time(latest) || (time(c) === time(latest) && (c.count ?? 0) > (latest.count ?? 0)) ? c : latest), null);
}
