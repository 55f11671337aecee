import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/shared/config/config';
import type { PolicyStatement } from '../../functions/shared/state/resources';
import { layerVersionPublic } from '../../rules/lambda/layer-version-public';
import { ACCOUNT, ALLOWED_ACCOUNT, FOREIGN_ACCOUNT, FOREIGN_ORG_ID, LAYER_ARN, LAYER_VERSION, ORG_ACCOUNT, ORG_ID } from '../fixtures/accounts';
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
    ['an account of the organization', grant({ principal: ORG_ACCOUNT })],
    ['an allow-listed account', grant({ principal: ALLOWED_ACCOUNT })],
    ['an allow-listed account as a root ARN', { ...grant({ principal: ALLOWED_ACCOUNT }), Principal: { AWS: `arn:aws:iam::${ALLOWED_ACCOUNT}:root` } }],
    ['the owning account', grant({ principal: ACCOUNT })],
    ['a Deny for "*"', grant({ principal: '*', effect: 'Deny' })],
  ])('does not report %s', (_label, benign) => {
    expect(evaluate([benign])).toEqual({ status: 'compliant' });
  });

  // Changed deliberately (issue #13, gap 2): a grant to one account outside the organization used to pass.
  it.each<[string, PolicyStatement]>([
    ['an account id', grant({ sid: 'share', principal: FOREIGN_ACCOUNT })],
    ['a root ARN', { ...grant({ sid: 'share', principal: FOREIGN_ACCOUNT }), Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` } }],
  ])('reports a grant to one account outside the organization as %s, asking for approval', (_label, share) => {
    const [finding, ...rest] = findingsOf(evaluate([share]));
    expect(rest).toEqual([]);
    expect(finding?.summary).toContain(`statement "share" on layer ${RESOURCE} lets account ${FOREIGN_ACCOUNT}, outside the organization and the allow-list,`);
    expect(finding?.details).toEqual(expect.objectContaining({ accounts: [FOREIGN_ACCOUNT] }));
    expect(finding?.modeOverride).toBe('approve');
    expect(finding?.remediation?.params).toEqual({ layerName: LAYER_ARN, versionNumber: LAYER_VERSION, statementId: 'share' });
  });

  it('reports the public and the foreign statements among several', () => {
    const findings = findingsOf(
      evaluate([grant({ sid: 'org', principal: '*', principalOrgID: ORG_ID }), grant({ sid: 'public', principal: '*' }), grant({ sid: 'partner', principal: FOREIGN_ACCOUNT }), grant({ sid: 'sister', principal: ORG_ACCOUNT })]),
    );
    expect(findings.map((f) => [f.key, f.modeOverride])).toEqual([['public', undefined], ['partner', 'approve']]);
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
