/**
 * The edge schema of Amazon Inspector findings as EventBridge delivers them (`source: aws.inspector2`,
 * `detail-type: Inspector2 Finding`; `detail` is Inspector's `Finding` object). Unknown fields are kept;
 * a malformed event raises an `InvalidEventError` naming the fields. What the rules get of a finding is
 * `Vulnerability`: named facts only (package, installed and fixed version, CVE, scores; for code findings
 * the detector and the file path) — never the description, remediation commands, code snippets or any
 * other evidence, which can quote the function's code and the secrets in it.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import type { Severity } from '../contract/finding';
import { InvalidEventError } from '../errors';
import { parseFunctionName, type FunctionRef } from '../state/resources';
import { describeIssues, issuePath } from '../validation';
import { detectorOriginRefusal, regionRefusal, shownText, type Ignored } from './intake';
import type { DetectorFindingRef } from '../contract/detector-finding';

export const INSPECTOR_FINDING_DETAIL_TYPE = 'Inspector2 Finding';
export const INSPECTOR_SOURCE = 'aws.inspector2';
/** The trigger source of rules judging Inspector findings (`aws.inspector2` on EventBridge). */
export const INSPECTOR_EVENT_SOURCE = 'inspector2.amazonaws.com';
/** Inspector's `resources[].type` of a Lambda function. */
export const INSPECTOR_LAMBDA_RESOURCE_TYPE = 'AWS_LAMBDA_FUNCTION';

const accountId = lazySchema(() => z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));

export const AwsLambdaFunctionDetailsSchema = lazySchema(() => z.looseObject({
  functionName: z.string().min(1),
  codeSha256: z.string().min(1),
  version: z.string().min(1).optional(),
  runtime: z.string().optional(),
  executionRoleArn: z.string().optional(),
  layers: z.array(z.string()).optional(),
  packageType: z.string().optional(),
  lastModifiedAt: z.string().optional(),
}));

const ResourceSchema = lazySchema(() => z.looseObject({
  type: z.string().min(1),
  id: z.string().min(1),
  partition: z.string().optional(),
  region: z.string().optional(),
  details: z.looseObject({ awsLambdaFunction: AwsLambdaFunctionDetailsSchema.optional() }).optional(),
}));

const VulnerablePackageSchema = lazySchema(() => z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  fixedInVersion: z.string().optional(),
  filePath: z.string().optional(),
  packageManager: z.string().optional(),
  sourceLambdaLayerArn: z.string().optional(),
}));

const CvssSchema = lazySchema(() => z.looseObject({ baseScore: z.number().min(0).max(10), scoringVector: z.string().optional(), source: z.string().optional(), version: z.string().optional() }));

export const InspectorFindingSchema = lazySchema(() => z.looseObject({
  awsAccountId: accountId,
  findingArn: z.string().regex(/^arn:aws[a-zA-Z-]*:inspector2:[a-z0-9-]+:\d{12}:finding\/[A-Za-z0-9]{1,64}$/, 'must be an Inspector finding ARN'),
  type: z.string().min(1).max(100),
  status: z.enum(['ACTIVE', 'SUPPRESSED', 'CLOSED']),
  severity: z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNTRIAGED']),
  inspectorScore: z.number().min(0).max(10).optional(),
  resources: z.array(ResourceSchema).min(1),
  firstObservedAt: z.string().min(1),
  lastObservedAt: z.string().min(1),
  updatedAt: z.string().min(1).optional(),
  fixAvailable: z.string().optional(),
  exploitAvailable: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  packageVulnerabilityDetails: z
    .looseObject({
      vulnerabilityId: z.string().min(1),
      source: z.string().optional(),
      cvss: z.array(CvssSchema).optional(),
      vulnerablePackages: z.array(VulnerablePackageSchema).optional(),
    })
    .optional(),
  codeVulnerabilityDetails: z
    .looseObject({
      detectorId: z.string().min(1),
      detectorName: z.string().min(1),
      filePath: z.looseObject({ filePath: z.string().min(1), fileName: z.string().optional() }),
      cwes: z.array(z.string()).optional(),
      sourceLambdaLayerArn: z.string().optional(),
    })
    .optional(),
}));

export const InspectorFindingEventSchema = lazySchema(() => z.looseObject({
  version: z.string().optional(),
  id: z.string().min(1),
  'detail-type': z.literal(INSPECTOR_FINDING_DETAIL_TYPE),
  source: z.literal(INSPECTOR_SOURCE),
  account: accountId,
  time: z.string().optional(),
  region: z.string().min(1),
  resources: z.array(z.string()).optional(),
  detail: InspectorFindingSchema,
}));

export type InspectorFinding = z.infer<typeof InspectorFindingSchema>;
export type InspectorFindingEvent = z.infer<typeof InspectorFindingEventSchema>;

/** The longest text kept of one named fact (package name, version, path): Inspector allows 1,024 characters. */
export const FACT_MAX = 200;
/** The most vulnerable packages kept of one finding. */
export const PACKAGES_MAX = 10;

const fact = lazySchema(() => z.string().max(FACT_MAX));

export const VulnerablePackageFactSchema = lazySchema(() => z.strictObject({
  name: fact,
  installedVersion: fact,
  fixedInVersion: fact.optional(),
  filePath: fact.optional(),
  layerArn: fact.optional(),
}));

/**
 * What a rule knows of an Inspector finding: named facts only. Also kept in the Warden finding's
 * `details.vulnerability`, from which the notifier builds the function's digest.
 */
export const VulnerabilitySchema = lazySchema(() => z.strictObject({
  service: z.literal('inspector'),
  findingArn: z.string().min(1),
  findingType: z.string().min(1),
  status: z.enum(['ACTIVE', 'SUPPRESSED', 'CLOSED']),
  /** Inspector's own severity label (`UNTRIAGED` included). */
  inspectorSeverity: z.string().min(1),
  severity: z.enum(['critical', 'high', 'medium', 'low']),
  /** CVE (or GHSA …) id of a package vulnerability. */
  vulnerabilityId: fact.optional(),
  inspectorScore: z.number().min(0).max(10).optional(),
  /** The highest CVSS base score the finding lists, with its CVSS version. */
  cvss: z.strictObject({ baseScore: z.number().min(0).max(10), version: fact.optional() }).optional(),
  packages: z.array(VulnerablePackageFactSchema).max(PACKAGES_MAX),
  /** Packages the finding listed beyond `PACKAGES_MAX`. */
  morePackages: z.number().int().min(0).optional(),
  /** A code vulnerability: the detector that found it and the file it is in — never the code. */
  detector: z.strictObject({ name: fact, filePath: fact, layerArn: fact.optional() }).optional(),
  fixAvailable: fact.optional(),
  /** The function version and code the finding is about. */
  functionVersion: fact.optional(),
  codeSha256: fact,
  updatedAt: fact,
}));
export type Vulnerability = z.infer<typeof VulnerabilitySchema>;
export type VulnerablePackageFact = z.infer<typeof VulnerablePackageFactSchema>;

/** True for an EventBridge delivery that claims to be an Inspector finding (routing only; parsing validates). */
export function isInspectorFindingEvent(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const event = input as Record<string, unknown>;
  return event.source === INSPECTOR_SOURCE || event['detail-type'] === INSPECTOR_FINDING_DETAIL_TYPE;
}

/**
 * Validates an EventBridge Inspector finding event.
 * @throws InvalidEventError naming every missing or malformed field.
 */
export function parseInspectorFindingEvent(input: unknown): InspectorFindingEvent {
  const result = InspectorFindingEventSchema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => issuePath(issue.path, '(event)'));
  throw new InvalidEventError(`Invalid Inspector2 Finding event: ${describeIssues(result.error, '(event)')}`, fields, { cause: result.error });
}

/**
 * Inspector's severity labels as the bot's: CRITICAL, HIGH, MEDIUM, LOW as named; INFORMATIONAL is low;
 * UNTRIAGED (no vendor severity yet) follows the Inspector score in CVSS bands (≥9 critical, ≥7 high,
 * ≥4 medium), medium without one — an unknown severity is not dismissed as low.
 */
export function inspectorSeverity(label: InspectorFinding['severity'], score?: number): Severity {
  switch (label) {
    case 'CRITICAL':
      return 'critical';
    case 'HIGH':
      return 'high';
    case 'MEDIUM':
      return 'medium';
    case 'LOW':
    case 'INFORMATIONAL':
      return 'low';
    case 'UNTRIAGED':
      if (score === undefined) return 'medium';
      return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  }
}

const clip = (value: string): string => (value.length > FACT_MAX ? `${value.slice(0, FACT_MAX - 1)}…` : value);
const optionalClip = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
  value === undefined || value === '' ? {} : ({ [key]: clip(value) } as Record<K, string>);

/** The finding's Lambda resource (the first `AWS_LAMBDA_FUNCTION` one), if any. */
function lambdaResource(finding: InspectorFinding): InspectorFinding['resources'][number] | undefined {
  return finding.resources.find((r) => r.type === INSPECTOR_LAMBDA_RESOURCE_TYPE);
}

/** The named facts of a finding the rules may read (its Lambda resource is checked by `inspectorFindingRefusal`). */
export function vulnerabilityOf(finding: InspectorFinding): Vulnerability {
  const details = lambdaResource(finding)?.details?.awsLambdaFunction;
  const pkg = finding.packageVulnerabilityDetails;
  const code = finding.codeVulnerabilityDetails;
  const listed = pkg?.vulnerablePackages ?? [];
  const cvss = [...(pkg?.cvss ?? [])].sort((a, b) => b.baseScore - a.baseScore)[0];
  return {
    service: 'inspector',
    findingArn: finding.findingArn,
    findingType: finding.type,
    status: finding.status,
    inspectorSeverity: finding.severity,
    severity: inspectorSeverity(finding.severity, finding.inspectorScore),
    ...optionalClip('vulnerabilityId', pkg?.vulnerabilityId),
    ...(finding.inspectorScore === undefined ? {} : { inspectorScore: finding.inspectorScore }),
    ...(cvss === undefined ? {} : { cvss: { baseScore: cvss.baseScore, ...optionalClip('version', cvss.version) } }),
    packages: listed.slice(0, PACKAGES_MAX).map((p) => ({
      name: clip(p.name),
      installedVersion: clip(p.version),
      ...optionalClip('fixedInVersion', p.fixedInVersion),
      ...optionalClip('filePath', p.filePath),
      ...optionalClip('layerArn', p.sourceLambdaLayerArn),
    })),
    ...(listed.length > PACKAGES_MAX ? { morePackages: listed.length - PACKAGES_MAX } : {}),
    ...(code === undefined ? {} : { detector: { name: clip(code.detectorName), filePath: clip(code.filePath.filePath), ...optionalClip('layerArn', code.sourceLambdaLayerArn) } }),
    ...optionalClip('fixAvailable', finding.fixAvailable),
    ...optionalClip('functionVersion', details?.version),
    codeSha256: clip(details?.codeSha256 ?? ''),
    updatedAt: clip(finding.updatedAt ?? finding.lastObservedAt),
  };
}

/**
 * The function a finding is about: the resource id's function in its account and region, qualified by
 * the finding's version when that is a number (`$LATEST` is the unqualified function). Null when the
 * id is not a function ARN.
 */
export function inspectedFunction(finding: InspectorFinding): FunctionRef | null {
  const resource = lambdaResource(finding);
  if (resource === undefined || !resource.id.startsWith('arn:')) return null;
  const named = parseFunctionName(resource.id, finding.awsAccountId, resource.region ?? '');
  if (named === null) return null;
  const version = resource.details?.awsLambdaFunction?.version ?? named.qualifier;
  return { ...named, qualifier: version !== undefined && /^\d+$/.test(version) ? version : undefined };
}

/**
 * Why an Inspector finding is not judged, or null (checked in this order): the event's region, the
 * accounts it comes from (the envelope's — a member or the delegated administrator — and the finding's
 * `awsAccountId`, both in the organization when the configuration lists it), its resource type (a Lambda
 * function only: EC2 instances, ECR images and code repositories are not this bot's), and the function it
 * names (a function ARN of the finding's account, with its details).
 */
export function inspectorFindingRefusal(event: InspectorFindingEvent, config: { readonly organization: { readonly accounts: readonly string[] } }): Ignored | null {
  const { detail } = event;
  const origin = detectorOriginRefusal(event.region, [event.account, detail.awsAccountId], config);
  if (origin !== null) return origin;
  const resource = lambdaResource(detail);
  if (resource === undefined) {
    const type = detail.resources[0]?.type ?? '';
    const shown = shownText(type);
    return { kind: 'other-resource-type', text: `the finding is about a resource of type ${shown}, not a Lambda function: not judged here` };
  }
  if (resource.details?.awsLambdaFunction === undefined) return { kind: 'no-resource', text: 'the finding names no function details (resources[].details.awsLambdaFunction)' };
  const named = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:/.exec(resource.id);
  if (named?.[1] === undefined || named[2] === undefined || inspectedFunction(detail) === null) return { kind: 'no-resource', text: 'resources[].id is not a function ARN' };
  const functionRegion = regionRefusal(named[1]);
  if (functionRegion !== null) return functionRegion;
  if (named[2] !== detail.awsAccountId) {
    return { kind: 'resource-account-mismatch', text: `the finding, about account ${detail.awsAccountId}, names a function of account ${named[2]}: refused` };
  }
  return null;
}

/**
 * Which Inspector finding (its ARN), as of which update (`updatedAt`, else `lastObservedAt`), in which
 * state: `CLOSED` (remediated: Inspector no longer sees it) and `SUPPRESSED` (a suppression rule matched) close it.
 */
export function inspectorDetectorRef(finding: InspectorFinding, region: string): DetectorFindingRef {
  const state = finding.status === 'CLOSED' ? 'closed' : finding.status === 'SUPPRESSED' ? 'suppressed' : 'active';
  const fromArn = /^arn:[^:]+:inspector2:([a-z0-9-]+):/.exec(finding.findingArn)?.[1];
  return { service: 'inspector', findingId: finding.findingArn, account: finding.awsAccountId, region: fromArn ?? region, updatedAt: finding.updatedAt ?? finding.lastObservedAt, state };
}
