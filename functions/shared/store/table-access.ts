/**
 * Who may touch which items of the state table: per function, the DynamoDB actions on each item
 * family (partition key prefix), and for the approval endpoint's writes to decision records the only
 * attributes it may name. The central stack turns these into `dynamodb:LeadingKeys` and
 * `dynamodb:Attributes` conditions; a test runs each function's store view against them.
 */
import { baselineKey } from '../baseline/dynamodb-baseline-store';
import { HEARTBEAT_PARTITION } from '../heartbeat/dynamodb-heartbeat-store';

/** The partition key prefix of each item family (`keys` in `dynamodb-state-store.ts` builds the keys). */
export const KEY_PREFIXES = {
  finding: 'FINDING#',
  approval: 'APPROVAL#',
  /** One item per finding: the approval record open for it (only prevents a second one; never read as a reason to act). */
  openApproval: 'OPENAPPROVAL#',
  /** One item per detector finding (GuardDuty, Access Analyzer …): the Warden findings and approvals it raised, so its closing closes them (issue #18). */
  detector: 'DETECTOR#',
  counter: 'COUNTER#',
  notification: 'NOTIFY#',
  message: 'MESSAGE#',
  messageByRecord: 'MESSAGEREF#',
  digest: 'DIGEST#',
  exemption: 'EXEMPTION#',
  baseline: baselineKey('').pk,
  heartbeat: HEARTBEAT_PARTITION,
} as const;

/** `Query` only by partition key (it carries `dynamodb:LeadingKeys` like the item calls); never `Scan`. */
export type TableAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:DeleteItem' | 'dynamodb:Query';
export type TableFunction = 'responder' | 'notifier' | 'approval' | 'scanner' | 'heartbeat';

export interface TableGrant {
  /** Statement id in the function's role. */
  readonly sid: string;
  readonly actions: readonly TableAction[];
  /** Partition key prefixes the requests may name (each becomes `<prefix>*` in `dynamodb:LeadingKeys`). */
  readonly prefixes: readonly string[];
  /**
   * When set, the only attributes a request may name (`dynamodb:Attributes`, keys included), and
   * UpdateItem may return only updated attributes (`dynamodb:ReturnValues`).
   */
  readonly attributes?: readonly string[];
}

const READ_WRITE: readonly TableAction[] = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const P = KEY_PREFIXES;

/** ReturnValues an attribute-limited UpdateItem may ask for (never ALL_NEW / ALL_OLD: they return attributes outside the list). */
export const LIMITED_RETURN_VALUES = ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] as const;

/**
 * The grants of each function. The responder writes decision records (approval and restore) and is
 * the only one that may create them or touch their plan; the approval endpoint only moves a record's
 * status (and who decided when); nobody but the responder touches counters; the notifier and the
 * scanner never see a record, an exemption or a counter.
 */
export const TABLE_ACCESS: Readonly<Record<TableFunction, readonly TableGrant[]>> = {
  responder: [
    { sid: 'StateFindingClaims', actions: [...READ_WRITE, 'dynamodb:DeleteItem'], prefixes: [P.finding] },
    { sid: 'StateDecisionRecords', actions: READ_WRITE, prefixes: [P.approval, P.openApproval, P.detector] },
    { sid: 'StateExemptionsCountersBaselines', actions: READ_WRITE, prefixes: [P.exemption, P.counter, P.baseline] },
  ],
  approval: [
    { sid: 'StateReadDecisionRecords', actions: ['dynamodb:GetItem'], prefixes: [P.approval] },
    {
      sid: 'StateDecideRecordsStatusOnly',
      actions: ['dynamodb:UpdateItem'],
      prefixes: [P.approval],
      // The decision attributes, and those its conditions read (expiry, whether an execution was claimed).
      attributes: ['pk', 'sk', 'status', 'decidedBy', 'decidedAt', 'expiresAt', 'executionState'],
    },
    { sid: 'StateDecidedExemptions', actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], prefixes: [P.exemption] },
  ],
  notifier: [{ sid: 'StateNotifications', actions: READ_WRITE, prefixes: [P.notification, P.message, P.messageByRecord, P.digest] }],
  scanner: [
    { sid: 'StateScanFindingClaims', actions: [...READ_WRITE, 'dynamodb:DeleteItem'], prefixes: [P.finding] },
    { sid: 'StateBaselines', actions: READ_WRITE, prefixes: [P.baseline] },
  ],
  // The heartbeat function: one conditional update per beat, and the silence check's Query of its partition.
  heartbeat: [{ sid: 'StateHeartbeats', actions: ['dynamodb:Query', 'dynamodb:UpdateItem'], prefixes: [P.heartbeat] }],
};

/** Every DynamoDB action a function's grants name (for the role's action list). */
export function tableActionsOf(fn: TableFunction): TableAction[] {
  return [...new Set(TABLE_ACCESS[fn].flatMap((g) => g.actions))].sort();
}

/** One request as IAM sees it: the action, the partition key, the attribute names it names, ReturnValues. */
export interface TableRequest {
  readonly action: TableAction;
  readonly pk: string;
  readonly attributes: readonly string[];
  readonly returnValues?: string | undefined;
}

/** Whether some grant of `fn` allows the request (how the role's conditions evaluate it). */
export function allows(fn: TableFunction, request: TableRequest): boolean {
  return TABLE_ACCESS[fn].some(
    (grant) =>
      grant.actions.includes(request.action) &&
      grant.prefixes.some((prefix) => request.pk.startsWith(prefix)) &&
      (grant.attributes === undefined ||
        (request.attributes.every((a) => grant.attributes?.includes(a) === true) &&
          (request.returnValues === undefined || (LIMITED_RETURN_VALUES as readonly string[]).includes(request.returnValues)))),
  );
}
