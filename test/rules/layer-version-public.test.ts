import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/shared/config/config';
import type { PolicyStatement } from '../../functions/shared/state/resources';
import { layerVersionPublic } from '../../rules/lambda/layer-version-public';
import { ACCOUNT, FOREIGN_ACCOUNT, FOREIGN_ORG_ID, LAYER_ARN, LAYER_VERSION, ORG_ID } from '../fixtures/accounts';
import { addLayerVersionPermissionEvent, identities } from '../fixtures/cloudtrail';
import { statement } from '../fixtures/resource-policies';
import { findingsOf, ruleContext } from '../fixtures/rule-context';
import { layerRef, layerSnapshot } from '../fixtures/snapshots';

const rule = layerVersionPublic;
const RESOURCE = `${LAYER_ARN}:${LAYER_VERSION}`;
const grant = (spec: { sid?: string; principal: string; principalOrgID?: string; effect?: 'Allow' | 'Deny' }): PolicyStatement =>
  statement({ action: 'lambda:GetLayerVersion', resource: RESOURCE, ...spec });
const evaluate = (statements: PolicyStatement[], context = ruleContext()) => rule.evaluate(layerSnapshot(statements), context);

describe('layer-version-public', () => {
  it.each<[string, PolicyStatement, string]>([
    ['"*" with no condition', grant({ sid: 'bad', principal: '*' }), 'every AWS account'],
    ['{"AWS": "*"}', { ...grant({ sid: 'bad', principal: '*' }), Principal: { AWS: '*' } }, 'every AWS account'],
    ['"*" for another organization', grant({ sid: 'bad', principal: '*', principalOrgID: FOREIGN_ORG_ID }), `organization ${FOREIGN_ORG_ID}`],
    ['"*" with StringLike aws:PrincipalOrgID "*"', { ...grant({ sid: 'bad', principal: '*' }), Condition: { StringLike: { 'aws:PrincipalOrgID': '*' } } }, 'every AWS account'],
    ['"*" with StringEqualsIfExists on our organization', { ...grant({ sid: 'bad', principal: '*' }), Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': ORG_ID } } }, 'every AWS account'],
    ['"*" for our organization and another one', { ...grant({ sid: 'bad', principal: '*' }), Condition: { StringEquals: { 'aws:PrincipalOrgID': [ORG_ID, FOREIGN_ORG_ID] } } }, `organization ${FOREIGN_ORG_ID}`],
    ['"lambda:*" to "*"', { ...grant({ sid: 'bad', principal: '*' }), Action: 'lambda:*' }, 'every AWS account'],
  ])('reports %s', (_label, bad, whom) => {
    const findings = findingsOf(evaluate([bad]));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.key).toBe('bad');
    expect(findings[0]?.summary).toContain(`statement "bad" on layer ${RESOURCE} lets ${whom}`);
    expect(findings[0]?.remediation?.action).toBe('remove-layer-version-permission');
    expect(findings[0]?.remediation?.params).toEqual({ layerName: LAYER_ARN, versionNumber: LAYER_VERSION, statementId: 'bad' });
  });

  it.each<[string, PolicyStatement]>([
    ['"*" for our organization', grant({ principal: '*', principalOrgID: ORG_ID })],
    ['one account', grant({ principal: FOREIGN_ACCOUNT })],
    ['the owning account', grant({ principal: ACCOUNT })],
    ['a Deny for "*"', grant({ principal: '*', effect: 'Deny' })],
  ])('does not report %s', (_label, benign) => {
    expect(evaluate([benign])).toEqual({ status: 'compliant' });
  });

  it('reports exactly the public statement among several', () => {
    const findings = findingsOf(
      evaluate([grant({ sid: 'org', principal: '*', principalOrgID: ORG_ID }), grant({ sid: 'public', principal: '*' }), grant({ sid: 'partner', principal: FOREIGN_ACCOUNT })]),
    );
    expect(findings.map((f) => f.key)).toEqual(['public']);
  });

  it('reports an organization grant when no organization id is configured', () => {
    const config = parseConfig({ organization: { accounts: [ACCOUNT] } });
    const findings = findingsOf(evaluate([grant({ sid: 'org', principal: '*', principalOrgID: ORG_ID })], ruleContext({ config })));
    expect(findings.map((f) => f.key)).toEqual(['org']);
  });

  it('names who added the statement', () => {
    const event = addLayerVersionPermissionEvent({ statementId: 'public', principal: '*' });
    const [finding] = findingsOf(evaluate([grant({ sid: 'public', principal: '*' })], ruleContext({ event })));
    expect(finding?.summary).toContain(`added by ${identities.alice.arn ?? ''} (AddLayerVersionPermission20181031)`);
  });

  it('plans the removal on the version it judged', () => {
    const ref = layerRef({ version: 12 });
    const [finding] = findingsOf(rule.evaluate(layerSnapshot([grant({ sid: 'public', principal: '*' })], ref), ruleContext()));
    expect(finding?.remediation?.params).toEqual({ layerName: LAYER_ARN, versionNumber: 12, statementId: 'public' });
  });

  it('reports a statement without Sid with no plan', () => {
    const anonymous: PolicyStatement = { ...grant({ principal: '*' }), Sid: undefined };
    const [finding] = findingsOf(evaluate([anonymous]));
    expect(finding?.remediation).toBeNull();
  });

  it('is compliant when the layer version has no policy', () => {
    expect(rule.evaluate(layerSnapshot(null), ruleContext())).toEqual({ status: 'compliant' });
  });
});
