import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../functions/shared/config/config-file';
import { Engine } from '../../functions/shared/engine/engine';
import { parseCloudTrailEvent, type CloudTrailEvent } from '../../functions/shared/event/cloudtrail-event';
import { normalizeEventName } from '../../functions/shared/event/event-names';
import { isGuardDutyFindingEvent, parseGuardDutyFindingEvent } from '../../functions/shared/event/guardduty-finding';
import { isInspectorFindingEvent, parseInspectorFindingEvent } from '../../functions/shared/event/inspector-finding';
import { isAccessAnalyzerFindingEvent, parseAccessAnalyzerFindingEvent } from '../../functions/shared/event/access-analyzer-finding';
import {
  functionArn,
  layerVersionArn,
  parsePolicyText,
  type FunctionRef,
  type FunctionUrlConfig,
  type LayerVersionRef,
  type PolicyStatement,
} from '../../functions/shared/state/resources';
import type { StateReader } from '../../functions/shared/state/state-reader';
import { RULES } from '../../rules';
import { policyDocument } from '../fixtures/resource-policies';

const EVENTS_DIR = new URL('../../examples/events/', import.meta.url);
const config = parseConfigText(readFileSync(new URL('../../warden.config.example.yaml', import.meta.url), 'utf8'), 'warden.config.example.yaml');

/** Resource state as the scenario's own events leave it (each scenario starts from nothing). */
class ScenarioState implements StateReader {
  private readonly statements = new Map<string, PolicyStatement[]>();
  private readonly urls = new Map<string, FunctionUrlConfig>();

  apply(event: CloudTrailEvent): void {
    const { requestParameters: request, responseElements: response, errorCode } = event.detail;
    if (errorCode !== undefined || response == null) return;
    const name = normalizeEventName(event.detail.eventName);
    if (name === 'AddPermission' || name === 'AddLayerVersionPermission') {
      const added = parsePolicyText(JSON.stringify({ Statement: JSON.parse(String(response.statement)) as unknown })).Statement;
      const resource = String((Array.isArray(added) ? added[0] : added)?.Resource);
      this.statements.set(resource, [...(this.statements.get(resource) ?? []), ...(Array.isArray(added) ? added : [added])]);
    }
    if (name === 'CreateFunctionUrlConfig' || name === 'UpdateFunctionUrlConfig') {
      this.urls.set(String(response.functionArn), { FunctionUrl: String(response.functionUrl), AuthType: request?.authType === 'NONE' ? 'NONE' : 'AWS_IAM' });
    }
  }

  readFunction(ref: FunctionRef) {
    const arn = functionArn(ref);
    const statements = this.statements.get(arn);
    return Promise.resolve({ kind: 'lambda-function' as const, ref, arn, policy: statements ? policyDocument(...statements) : null, urlConfig: this.urls.get(arn) ?? null });
  }

  readLayerVersion(ref: LayerVersionRef) {
    const arn = layerVersionArn(ref);
    const statements = this.statements.get(arn);
    return Promise.resolve({ kind: 'lambda-layer-version' as const, ref, arn, policy: statements ? policyDocument(...statements) : null });
  }
}

/** Per event of the file: the rule ids that fire, or why the event is ignored. */
const EXPECTED: Record<string, unknown[]> = {
  '01-public-invoke-permission.json': [['function-public-access']],
  '02-s3-permission-without-source-arn.json': [['function-service-principal-unrestricted']],
  '03-cross-account-invoke-permission.json': [['function-cross-account-principal']],
  '04-function-url-auth-none.json': [['function-url-public'], ['function-public-access']],
  '05-public-layer-permission.json': [['layer-version-public']],
  '06-s3-permission-with-source-arn.json': [[]],
  '07-function-url-aws-iam.json': [[]],
  '08-org-account-invoke-permission.json': [[]],
  '09-failed-add-permission.json': [expect.stringMatching(/^failed call \(AccessDenied\)/)],
  '10-remediator-own-action.json': [expect.stringMatching(/own action/)],
  '11-layer-permission-for-organization.json': [[]],
  // Configuration scenarios: this reader models no function configuration (CloudTrail redacts the environment);
  // their findings are asserted through `warden simulate` with examples/state.json in test/cli/configuration-examples.test.ts.
  // Execution-role scenarios: this reader reads no IAM role; their findings are asserted through `warden simulate`
  // with examples/state.json in test/cli/execution-role-examples.test.ts.
  '21-role-inline-admin-policy.json': [[]],
  '22-role-privilege-escalation-url-encoded.json': [[]],
  '23-role-trust-opened-to-foreign-account.json': [[]],
  '24-role-logging-removed.json': [[]],
  '25-role-policy-version-service-admin.json': ['the event names no resource the rules judge'],
  '26-role-basic-execution-attached.json': [[]],
  '27-role-conditioned-passrole.json': [[]],
  '28-role-shared-by-new-function.json': [[]],
  '31-env-plaintext-secret.json': [[]],
  '32-layer-outside-org.json': [[]],
  '33-deprecated-runtime.json': [[]],
  '34-destination-outside-org.json': [[]],
  // Log-group scenario (issue #17): this reader models no log group; its findings are asserted through
  // `warden simulate` with examples/state.json in test/cli/configuration-examples.test.ts.
  '35-function-log-group-tampered.json': [[], []],
  // API Gateway (issue #17): this reader reads no API; the finding on the deployment is asserted through `warden simulate`
  // with examples/state.json in test/cli/configuration-examples.test.ts.
  '36-api-route-opened-and-deployed.json': [[], []],
  // A security group rule is judged on the account's groups and functions, which this reader does not model: its
  // finding and plan are asserted through `warden simulate` with examples/state.json in test/cli/configuration-examples.test.ts.
  '37-security-group-egress-opened.json': [[]],
  // Event-source mapping (issue #17): this reader reads no mappings; the finding is asserted through `warden simulate`
  // with examples/state.json in test/cli/configuration-examples.test.ts.
  '38-event-source-mapping-outside-org.json': [[]],
  // A GuardDuty finding is judged on the function's current state (concurrency, mappings), which this reader does not
  // model: its finding and plan are asserted through `warden simulate` with examples/state.json in
  // test/cli/guardduty-examples.test.ts, and against the documented sample in test/functions/responder/guardduty-finding.test.ts.
  '41-guardduty-lambda-c2-activity.json': [[]],
  // Likewise an Inspector finding is judged on the function's deployed code (CodeSha256), which this reader does not
  // model: asserted through `warden simulate` in test/cli/inspector-examples.test.ts and in
  // test/functions/responder/inspector-finding.test.ts.
  '42-inspector-lambda-package-vulnerability.json': [[]],
  // An Access Analyzer finding only names the function: its current policy (in examples/state.json, which this reader
  // does not load) is judged; asserted through `warden simulate` in test/cli/access-analyzer-examples.test.ts. Here the
  // function has no policy, so the finding is closed without a finding.
  '43-access-analyzer-cross-account-function.json': [[]],
};

describe('example events', () => {
  it('has an expectation for every file in examples/events', () => {
    expect(readdirSync(EVENTS_DIR).filter((f) => f.endsWith('.json')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s gives the expected findings', async (file, expected) => {
    const raw = JSON.parse(readFileSync(new URL(file, EVENTS_DIR), 'utf8')) as unknown;
    const state = new ScenarioState();
    const engine = new Engine({ rules: RULES, config, reader: state });
    const outcomes: unknown[] = [];
    const findings = isGuardDutyFindingEvent(raw) ? [parseGuardDutyFindingEvent(raw)] : [];
    for (const finding of findings) {
      const result = await engine.evaluateGuardDutyFinding(finding);
      outcomes.push(result.ignored?.text ?? result.findings.map((f) => f.ruleId));
    }
    const vulnerabilities = isInspectorFindingEvent(raw) ? [parseInspectorFindingEvent(raw)] : [];
    for (const finding of vulnerabilities) {
      const result = await engine.evaluateInspectorFinding(finding);
      outcomes.push(result.ignored?.text ?? result.findings.map((f) => f.ruleId));
    }
    const analyzed = isAccessAnalyzerFindingEvent(raw) ? [parseAccessAnalyzerFindingEvent(raw)] : [];
    for (const finding of analyzed) {
      const result = await engine.evaluateAccessAnalyzerFinding(finding);
      outcomes.push(result.ignored?.text ?? result.findings.map((f) => f.ruleId));
    }
    const events = findings.length + vulnerabilities.length + analyzed.length > 0 ? [] : (Array.isArray(raw) ? raw : [raw]).map(parseCloudTrailEvent);
    for (const event of events) {
      expect([event.account, event.region]).toEqual([event.detail.recipientAccountId, event.detail.awsRegion]);
      state.apply(event);
      const result = await engine.evaluateParsed(event);
      outcomes.push(result.ignored?.text ?? result.findings.map((f) => f.ruleId));
    }
    expect(outcomes).toEqual(expected);
  });
});
