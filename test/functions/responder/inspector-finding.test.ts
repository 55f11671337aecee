import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../functions/shared/errors';
import { inspectorSeverity, VulnerabilitySchema } from '../../../functions/shared/event/inspector-finding';
import { ACCOUNT, FOREIGN_ACCOUNT, ORG_ACCOUNT, REGION } from '../../fixtures/accounts';
import { createHarness, harnessConfig, type Harness } from './responder-harness';

const SAMPLE = JSON.parse(readFileSync(new URL('../../../examples/events/42-inspector-lambda-package-vulnerability.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const FUNCTION = 'image-resizer';
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION}`;
const KEY = { account: ACCOUNT, region: REGION, functionName: FUNCTION };
const CODE = 'Xk1Vb0q8u1r3Nn0mQ2pS5zT7wY9aB1cD3eF5gH7iJ9k=';
const FINDING_ARN = `arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/0a1b2c3d4e5f60718293a4b5c6d7e8f9`;
/** Planted in the finding's code snippet, description and remediation text: none of it may leave the bot. */
const PLANTED = 'AKIAPLANTEDSNIPPET77';

type Sample = { detail: Record<string, unknown> & { resources: (Record<string, unknown> & { details: { awsLambdaFunction: Record<string, unknown> } })[] } };

let created: Harness[] = [];
afterEach(() => {
  for (const h of created) h.dispose();
  created = [];
});

/** The sample finding, with `detail` fields overridden (deep for the Lambda resource and its details). */
function inspectorFinding(overrides: { envelope?: Record<string, unknown>; detail?: Record<string, unknown>; resource?: Record<string, unknown>; lambda?: Record<string, unknown> } = {}): Record<string, unknown> {
  const event = structuredClone(SAMPLE) as Sample;
  const [resource] = event.detail.resources;
  if (resource === undefined) throw new Error('sample without a resource');
  Object.assign(resource.details.awsLambdaFunction, overrides.lambda ?? {});
  Object.assign(resource, overrides.resource ?? {});
  Object.assign(event.detail, overrides.detail ?? {});
  return { ...event, ...(overrides.envelope ?? {}) };
}

/** A code-vulnerability finding about the same function, with what Inspector's code scanning attaches around it. */
function codeFinding(id: string): Record<string, unknown> {
  return inspectorFinding({
    detail: {
      findingArn: `arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/${id}`,
      type: 'CODE_VULNERABILITY',
      severity: 'CRITICAL',
      title: `CWE-798 - Hardcoded credentials ${PLANTED}`,
      description: `Hardcoded credentials found: const key = "${PLANTED}"`,
      packageVulnerabilityDetails: undefined,
      inspectorScore: undefined,
      codeVulnerabilityDetails: {
        cwes: ['CWE-798'],
        detectorId: 'javascript/hardcoded-credentials@v1.0',
        detectorName: 'Hardcoded credentials',
        detectorTags: ['secrets', 'security'],
        filePath: { endLine: 14, fileName: 'config.js', filePath: 'src/config.js', startLine: 12 },
        referenceUrls: [],
        ruleId: 'javascript-hardcoded-credentials',
        codeSnippet: [{ content: `const key = "${PLANTED}";`, lineNumber: 13 }],
      },
      remediation: { recommendation: { text: `Remove ${PLANTED} from the code` } },
      evidence: { secret: PLANTED },
    },
  });
}

function harness(codeSha256 = CODE): Harness {
  const h = createHarness({ config: harnessConfig() });
  created.push(h);
  h.account.lambda.createFunction(KEY, { Runtime: 'nodejs18.x', Role: `arn:aws:iam::${ACCOUNT}:role/image-resizer-role`, Handler: 'index.handler', CodeSha256: codeSha256 });
  return h;
}

const writes = (h: Harness) => h.lambda.calls.filter((c) => !/^(Get|List)/.test(c.command));

describe('Amazon Inspector findings (issue #18)', () => {
  it('routes the documented sample finding to function-vulnerable-dependency: an alert with its severity, naming package, versions, CVE and CVSS; nothing changed', async () => {
    const h = harness();
    const before = h.account.toStateFile();
    const record = await h.responder.handle(inspectorFinding());
    expect(record).toMatchObject({ ignored: null, eventName: 'Inspector2 Finding', eventId: `inspector2:${FINDING_ARN}@2025-03-14T10:01:58.120Z` });
    expect(record.findings).toHaveLength(1);
    expect(record.findings[0]).toMatchObject({ ruleId: 'function-vulnerable-dependency', severity: 'high', mode: 'alert', resource: FUNCTION_ARN, account: ACCOUNT, remediation: null, eventName: 'PACKAGE_VULNERABILITY' });
    expect(VulnerabilitySchema.parse(record.findings[0]?.details.vulnerability)).toEqual({
      service: 'inspector',
      findingArn: FINDING_ARN,
      findingType: 'PACKAGE_VULNERABILITY',
      status: 'ACTIVE',
      inspectorSeverity: 'HIGH',
      severity: 'high',
      vulnerabilityId: 'CVE-2021-23337',
      inspectorScore: 7.2,
      cvss: { baseScore: 7.2, version: '3.1' },
      packages: [{ name: 'lodash', installedVersion: '4.17.15', fixedInVersion: '4.17.21', filePath: 'node_modules/lodash/package.json' }],
      fixAvailable: 'YES',
      functionVersion: '$LATEST',
      codeSha256: CODE,
      updatedAt: '2025-03-14T10:01:58.120Z',
    });
    expect(record.outcomes.map((o) => o.status)).toEqual(['alerted']);
    expect(writes(h)).toEqual([]);
    expect(h.account.toStateFile()).toEqual(before);
  });

  it('handles a duplicate delivery, and the copy the delegated administrator forwards, once; an update by Inspector is handled again under the same finding id', async () => {
    const h = harness();
    const first = await h.responder.handle(inspectorFinding());
    const again = await h.responder.handle(inspectorFinding());
    const fromAdmin = await h.responder.handle(inspectorFinding({ envelope: { account: ORG_ACCOUNT, id: 'another-envelope-id' } }));
    expect(first.outcomes.map((o) => o.status)).toEqual(['alerted']);
    expect(again.outcomes.map((o) => o.status)).toEqual(['duplicate']);
    expect(fromAdmin.outcomes.map((o) => o.status)).toEqual(['duplicate']);
    expect(h.eventsOf('Warden Finding')).toHaveLength(1);
    const updated = await h.responder.handle(inspectorFinding({ detail: { updatedAt: '2025-03-20T08:00:00.000Z', inspectorScore: 8.1, severity: 'HIGH' } }));
    expect(updated.outcomes.map((o) => o.status)).toEqual(['alerted']);
    expect(updated.findings[0]?.id).toBe(first.findings[0]?.id);
    expect(h.eventsOf('Warden Finding')).toHaveLength(2);
  });

  it.each([
    ['an EC2 instance finding', { resource: { type: 'AWS_EC2_INSTANCE', id: 'i-0123456789abcdef0', details: { awsEc2Instance: { type: 't3.micro' } } } }, 'other-resource-type', /type "AWS_EC2_INSTANCE", not a Lambda function/],
    ['an ECR image finding', { resource: { type: 'AWS_ECR_CONTAINER_IMAGE', id: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/app/sha256:ab`, details: {} } }, 'other-resource-type', /type "AWS_ECR_CONTAINER_IMAGE"/],
    ['a finding about an account outside the organization', { detail: { awsAccountId: FOREIGN_ACCOUNT } }, 'outside-organization', new RegExp(`account ${FOREIGN_ACCOUNT} is not in the organization`)],
    ['an envelope from an account outside the organization', { envelope: { account: FOREIGN_ACCOUNT } }, 'outside-organization', new RegExp(`account ${FOREIGN_ACCOUNT} is not in the organization`)],
    ['a function of another account than the finding', { resource: { id: `arn:aws:lambda:${REGION}:${ORG_ACCOUNT}:function:${FUNCTION}:$LATEST` } }, 'resource-account-mismatch', /names a function of account 222233334444/],
    ['a Lambda resource without function details', { resource: { details: {} } }, 'no-resource', /names no function details/],
  ] as const)('ignores %s, saying why', async (_name, overrides, code, reason) => {
    const h = harness();
    const record = await h.responder.handle(inspectorFinding(overrides));
    expect(record).toMatchObject({ ignored: { kind: code }, findings: [], outcomes: [] });
    expect(record.ignored?.text).toMatch(reason);
    expect(h.lambda.calls).toEqual([]);
  });

  it.each([
    ['no severity', { detail: { severity: undefined } }, 'detail.severity'],
    ['an unknown severity', { detail: { severity: 'SEVERE' } }, 'detail.severity'],
    ['an unknown status', { detail: { status: 'OPEN' } }, 'detail.status'],
    ['no resources', { detail: { resources: [] } }, 'detail.resources'],
    ['no codeSha256', { lambda: { codeSha256: undefined } }, 'detail.resources.0.details.awsLambdaFunction.codeSha256'],
    ['a bad finding ARN', { detail: { findingArn: 'finding/1' } }, 'detail.findingArn'],
    ['a bad account id', { envelope: { account: 'nobody' } }, 'account'],
  ] as const)('refuses a malformed finding (%s), naming the field', async (_name, overrides, field) => {
    const h = harness();
    const error = await h.responder.handle(inspectorFinding(overrides)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).message).toMatch(/^Invalid Inspector2 Finding event: /);
    expect((error as InvalidEventError).fields).toContain(field);
    expect(h.lambda.calls).toEqual([]);
  });

  it('closes, without reporting, a finding about a function that no longer exists, a version no longer deployed, code since replaced; one Inspector closed or suppressed is not judged (finding-closed)', async () => {
    const h = harness();
    h.account.lambda.publishVersion(KEY, '3');
    const gone = await h.responder.handle(inspectorFinding({ resource: { id: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:deleted-fn:$LATEST` }, lambda: { functionName: 'deleted-fn' } }));
    const oldVersion = await h.responder.handle(inspectorFinding({ resource: { id: `${FUNCTION_ARN}:7` }, lambda: { version: '7' } }));
    const replaced = await h.responder.handle(inspectorFinding({ lambda: { codeSha256: 'b2xkLWNvZGUtdGhhdC1pcy1nb25lLXNpbmNlLXRoZW4=' } }));
    const closed = await h.responder.handle(inspectorFinding({ detail: { status: 'CLOSED', updatedAt: '2025-03-21T00:00:00.000Z' } }));
    const suppressed = await h.responder.handle(inspectorFinding({ detail: { status: 'SUPPRESSED', updatedAt: '2025-03-22T00:00:00.000Z' } }));
    for (const record of [gone, oldVersion, replaced]) expect(record).toMatchObject({ ignored: null, findings: [], outcomes: [] });
    // A finding Inspector closed or suppressed is not judged at all: it goes the detector lifecycle's way (it leaves its function's digest).
    expect(closed).toMatchObject({ ignored: { kind: 'finding-closed' }, findings: [], outcomes: [], closed: [], eventId: `inspector2:${FINDING_ARN}@2025-03-21T00:00:00.000Z#closed` });
    expect(closed.ignored?.text).toBe(`Amazon Inspector marked finding ${FINDING_ARN} closed (updated 2025-03-21T00:00:00.000Z): nothing is judged; it leaves its function's digest`);
    expect(suppressed).toMatchObject({ ignored: { kind: 'finding-closed' }, findings: [], outcomes: [], eventId: `inspector2:${FINDING_ARN}@2025-03-22T00:00:00.000Z#suppressed` });
    expect(h.eventsOf('Warden Finding')).toEqual([]);
    // Another finding (the one above was closed since: a version of it from before that is stale).
    const liveVersion = await h.responder.handle(inspectorFinding({ detail: { findingArn: `arn:aws:inspector2:${REGION}:${ACCOUNT}:finding/1a1b2c3d4e5f60718293a4b5c6d7e8f9` }, resource: { id: `${FUNCTION_ARN}:3` }, lambda: { version: '3' } }));
    expect(liveVersion.findings.map((f) => f.resource)).toEqual([`${FUNCTION_ARN}:3`]);
    expect(writes(h)).toEqual([]);
  });

  it.each([
    ['CRITICAL', undefined, 'critical'],
    ['HIGH', undefined, 'high'],
    ['MEDIUM', undefined, 'medium'],
    ['LOW', undefined, 'low'],
    ['INFORMATIONAL', undefined, 'low'],
    ['UNTRIAGED', undefined, 'medium'],
    ['UNTRIAGED', 9.8, 'critical'],
    ['UNTRIAGED', 7.5, 'high'],
    ['UNTRIAGED', 3.1, 'low'],
  ] as const)('maps Inspector severity %s (score %s) to %s', (label, score, severity) => {
    expect(inspectorSeverity(label, score)).toBe(severity);
  });

  it('names only the detector and the file of a code vulnerability: no code snippet, description, remediation text or evidence reaches the bus', async () => {
    const h = harness();
    const record = await h.responder.handle(codeFinding('c0de0000000000000000000000000001'));
    expect(record.findings).toHaveLength(1);
    expect(record.findings[0]).toMatchObject({ severity: 'critical', mode: 'alert', eventName: 'CODE_VULNERABILITY' });
    expect(record.findings[0]?.summary).toBe(`Inspector reports a code weakness in ${FUNCTION_ARN}: Hardcoded credentials in src/config.js (CRITICAL).`);
    expect(record.findings[0]?.details.vulnerability).toMatchObject({ detector: { name: 'Hardcoded credentials', filePath: 'src/config.js' }, packages: [] });
    expect(h.events.length).toBeGreaterThan(0);
    for (const event of h.events) expect(event.raw).not.toContain(PLANTED);
    expect(JSON.stringify(record)).not.toContain(PLANTED);
  });

  it('keeps at most ten packages of a finding and says how many more there were, each fact cut to 200 characters', async () => {
    const h = harness();
    const packages = Array.from({ length: 13 }, (_, i) => ({ name: `pkg-${String(i)}${'x'.repeat(i === 0 ? 500 : 0)}`, version: '1.0.0', fixedInVersion: '1.0.1' }));
    const record = await h.responder.handle(inspectorFinding({ detail: { packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2024-0001', source: 'NVD', vulnerablePackages: packages } } }));
    const v = VulnerabilitySchema.parse(record.findings[0]?.details.vulnerability);
    expect(v.packages).toHaveLength(10);
    expect(v.morePackages).toBe(3);
    expect(v.packages[0]?.name).toHaveLength(200);
    expect(record.findings[0]?.summary).toContain('and 3 more package(s)');
  });
});
