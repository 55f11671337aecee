/**
 * The lifecycle contract of findings from AWS's own detectors (GuardDuty, IAM Access Analyzer, Inspector):
 * which detector finding a Warden finding came from, in which state, as of when. The responder keys its
 * claims on it (a duplicate delivery is one, an update by the service is another), links the approvals it
 * opens to it (so an archived or resolved finding closes them), and the notifier keeps one Slack thread per
 * detector finding (updates reply there instead of posting a new message).
 */
import * as z from 'zod';

export const DETECTOR_SERVICES = ['guardduty', 'access-analyzer', 'inspector'] as const;
export type DetectorService = (typeof DETECTOR_SERVICES)[number];

/** How each detector is named to people. */
export const DETECTOR_NAMES: Readonly<Record<DetectorService, string>> = { guardduty: 'GuardDuty', 'access-analyzer': 'IAM Access Analyzer', inspector: 'Amazon Inspector' };

/** `active`: judged and acted on; `archived` / `resolved`: closed by the service (or a person there), never acted on. */
export const DetectorStateSchema = z.enum(['active', 'archived', 'resolved']);
export type DetectorState = z.infer<typeof DetectorStateSchema>;

export const DetectorFindingRefSchema = z.strictObject({
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
});
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
export const DetectorLinkSchema = z.strictObject({
  findingId: z.string().regex(/^wf-[0-9a-f]{20}$/),
  ruleId: z.string().min(1).max(100),
  resource: z.string().min(1).max(2048),
  account: z.string().regex(/^\d{12}$/),
  region: z.string().min(1).max(40),
  mode: z.enum(['alert', 'approve', 'auto']),
  /** The approval an event of this finding opened. */
  recordId: z.string().regex(/^wa-[0-9a-f]{24}$/).optional(),
});
export type DetectorLink = z.infer<typeof DetectorLinkSchema>;
