/**
 * The README's "Security model and blast radius" tables, generated from the synthesized templates
 * (`npm run docs:security`): every role of the bot with the actions it is allowed and explicitly
 * denied, and the SCP an operator adds to protect the bot's member resources. A test regenerates
 * both and fails when the README differs.
 */
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { FORWARDER_ROLE_PREFIX, FORWARDING_RULE_PREFIX } from '../functions/shared/self/member-resources';
import { RULES } from '../rules';
import type { DeployConfig } from './deploy-config';
import { EVENTS_RULE_WRITES } from './remediator-permissions';
import { buildWardenApp } from './warden-app';

/** One role of the bot as the templates grant it. */
export interface RoleGrants {
  readonly role: string;
  readonly where: string;
  /** Every allowed action, sorted. */
  readonly allows: readonly string[];
  /** The explicit Denies: statement id and actions. */
  readonly denies: readonly { readonly sid: string; readonly actions: readonly string[] }[];
}

type Statement = { readonly Sid?: string; readonly Effect?: string; readonly Action?: string | readonly string[] };
type Resource = { readonly Type: string; readonly Properties?: Record<string, unknown> };
type CfnTemplate = { readonly Resources: Record<string, Resource> };

const actionList = (s: Statement): readonly string[] => (s.Action === undefined ? [] : typeof s.Action === 'string' ? [s.Action] : s.Action);

/** The identity-policy statements of a role: its inline policies and every AWS::IAM::Policy attached to it. */
function statementsOfRole(template: CfnTemplate, logicalId: string): Statement[] {
  const documents: unknown[] = [];
  const role = template.Resources[logicalId];
  for (const p of (role?.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) documents.push(p.PolicyDocument);
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties?.Roles) === JSON.stringify([{ Ref: logicalId }])) documents.push(resource.Properties?.PolicyDocument);
  }
  return documents.flatMap((d) => (d as { Statement: Statement[] }).Statement);
}

function grantsOf(template: CfnTemplate, logicalId: string, role: string, where: string): RoleGrants {
  const statements = statementsOfRole(template, logicalId);
  return {
    role,
    where,
    allows: [...new Set(statements.filter((s) => s.Effect === 'Allow').flatMap(actionList))].sort(),
    denies: statements.filter((s) => s.Effect === 'Deny').map((s) => ({ sid: s.Sid ?? '(no Sid)', actions: [...actionList(s)] })),
  };
}

/**
 * Every role of the bot, from the templates the app synthesizes for `config`: the central stack's, and
 * the member template's (the StackSet's, which the management account stack equals).
 * @throws Error when a template holds a role this list does not name (the README must cover every role).
 */
export function roleGrants(config: DeployConfig): RoleGrants[] {
  const { central } = buildWardenApp(config, { rules: RULES, appProps: { context: { 'aws:cdk:bundling-stacks': [] } } });
  const centralTemplate = Template.fromStack(central).toJSON() as CfnTemplate;
  const idOf = (construct: IConstruct): string => central.getLogicalId(construct.node.defaultChild as CfnElement);
  const security = 'security account, home region';
  const centralRoles: [IConstruct, string, string][] = [
    [central.responder.role, 'responder function', security],
    [central.notifier.role, 'notifier function', security],
    [central.approval.role, 'approval function', security],
    [central.scheduledScan.scanner.role, 'scanner function', security],
    [central.heartbeat.fn.role, 'heartbeat function (member heartbeats, silence check)', security],
    [central.scheduledScan.stateMachine.role, 'scan state machine', security],
    [central.scheduledScan.scheduleRole, 'scan schedule (EventBridge)', security],
  ];
  const stackSet = Object.values(centralTemplate.Resources).find((r) => r.Type === 'AWS::CloudFormation::StackSet');
  const member = JSON.parse(String(stackSet?.Properties?.TemplateBody)) as CfnTemplate;
  const memberId = (prefix: string): string => Object.keys(member.Resources).find((id) => member.Resources[id]?.Type === 'AWS::IAM::Role' && id.startsWith(prefix)) ?? prefix;
  const memberRoles: [string, string, string][] = [
    [memberId('RemediatorRole'), `remediator \`${config.remediatorRoleName}\``, 'every member account, home region'],
    [memberId('AuditorRole'), `audit \`${config.auditRoleName}\``, 'every member account, home region'],
    [memberId('ForwarderRole'), `forwarder \`${FORWARDER_ROLE_PREFIX}<region>\``, 'every member account, every watched region'],
  ];
  const named = new Set([...centralRoles.map(([c]) => `c:${idOf(c)}`), ...memberRoles.map(([id]) => `m:${id}`)]);
  const unnamed = [
    ...Object.entries(centralTemplate.Resources).filter(([id, r]) => r.Type === 'AWS::IAM::Role' && !named.has(`c:${id}`)),
    ...Object.entries(member.Resources).filter(([id, r]) => r.Type === 'AWS::IAM::Role' && !named.has(`m:${id}`)),
  ].map(([id]) => id);
  if (unnamed.length > 0) throw new Error(`roles the security model does not describe: ${unnamed.join(', ')}`);
  return [...centralRoles.map(([c, role, where]) => grantsOf(centralTemplate, idOf(c), role, where)), ...memberRoles.map(([id, role, where]) => grantsOf(member, id, role, where))];
}

const code = (items: readonly string[]): string => items.map((i) => `\`${i}\``).join(', ');

/** The roles table as Markdown. */
export function roleGrantsMarkdown(grants: readonly RoleGrants[]): string {
  const rows = grants.map((g) => `| ${g.role} | ${g.where} | ${code(g.allows)} | ${g.denies.length === 0 ? '—' : g.denies.map((d) => `**${d.sid}**: ${code(d.actions)}`).join('<br>')} |`);
  return ['| role | where | allowed actions | explicit Deny |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/**
 * IAM role writes an SCP denies on the bot's member roles: every role action of IAM that changes something
 * (IAM service authorization reference; a test checks) except `PassRole` and the service-linked-role calls.
 */
export const MEMBER_ROLE_WRITES: readonly string[] = [
  'iam:AttachRolePolicy',
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
];

/** The role service-managed StackSets deploy with in member accounts, and the service-linked role that creates it. */
const STACKSET_EXECUTION_ROLE = 'arn:aws:iam::*:role/stacksets-exec-*';
const STACKSET_ORG_MEMBER_ROLE = 'arn:aws:iam::*:role/aws-service-role/member.org.stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgMember';

/**
 * An SCP for the member OUs: nobody but the StackSet's execution role changes the forwarding rules or the
 * remediator, audit and forwarder roles; and nobody but the StackSets service creates or changes a role named
 * like that execution role (else an account admin could name a role `stacksets-exec-…` to pass the first two).
 */
export function memberProtectionScp(config: Pick<DeployConfig, 'remediatorRoleName' | 'auditRoleName'>): Record<string, unknown> {
  const exceptStackSets = { ArnNotLike: { 'aws:PrincipalArn': STACKSET_EXECUTION_ROLE } };
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'WardenForwardingRulesOnlyByStackSets', Effect: 'Deny', Action: [...EVENTS_RULE_WRITES], Resource: `arn:aws:events:*:*:rule/${FORWARDING_RULE_PREFIX}*`, Condition: exceptStackSets },
      {
        Sid: 'WardenMemberRolesOnlyByStackSets',
        Effect: 'Deny',
        Action: [...MEMBER_ROLE_WRITES],
        Resource: [`arn:aws:iam::*:role/${config.remediatorRoleName}`, `arn:aws:iam::*:role/${config.auditRoleName}`, `arn:aws:iam::*:role/${FORWARDER_ROLE_PREFIX}*`],
        Condition: exceptStackSets,
      },
      { Sid: 'StackSetExecutionRoleOnlyByStackSets', Effect: 'Deny', Action: [...MEMBER_ROLE_WRITES], Resource: STACKSET_EXECUTION_ROLE, Condition: { ArnNotLike: { 'aws:PrincipalArn': STACKSET_ORG_MEMBER_ROLE } } },
    ],
  };
}

/** The README blocks this module generates, by marker name. */
export function securityModelBlocks(config: DeployConfig): Record<string, string> {
  return {
    'security-roles': roleGrantsMarkdown(roleGrants(config)),
    'member-scp': ['```json', JSON.stringify(memberProtectionScp(config), null, 2), '```'].join('\n'),
  };
}

/** Where a generated block starts and ends in the README. */
export function markers(name: string): { readonly begin: string; readonly end: string } {
  return { begin: `<!-- generated:${name} (npm run docs:security; do not edit by hand) -->`, end: `<!-- /generated:${name} -->` };
}

/** The block between a marker pair, or null when the README has none. */
export function generatedBlock(readme: string, name: string): string | null {
  const { begin, end } = markers(name);
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  return start < 0 || stop < start ? null : readme.slice(start + begin.length, stop).trim();
}

/** The README with every block replaced by its generated content. @throws Error when a marker pair is missing. */
export function withGeneratedBlocks(readme: string, blocks: Readonly<Record<string, string>>): string {
  let text = readme;
  for (const [name, content] of Object.entries(blocks)) {
    const { begin, end } = markers(name);
    const start = text.indexOf(begin);
    const stop = text.indexOf(end);
    if (start < 0 || stop < start) throw new Error(`README.md has no ${begin} … ${end} block`);
    text = `${text.slice(0, start + begin.length)}\n${content}\n${text.slice(stop)}`;
  }
  return text;
}
