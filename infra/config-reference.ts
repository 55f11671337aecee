/**
 * The configuration reference (docs/CONFIGURATION.md), generated from the JSON Schema of the zod schema: every field
 * with its type, constraints and default. The meanings are below, one per field; a test fails when a field has none,
 * when one names a field that no longer exists, or when the committed file differs (`npm run schema` writes it).
 */
import { RULE_IDS } from '../rules/rule-ids';
import { configJsonSchema } from './config-json-schema';

/** Where the generated reference is committed. */
export const CONFIG_REFERENCE_FILE = 'docs/CONFIGURATION.md';

interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly propertyNames?: SchemaNode;
  readonly items?: SchemaNode;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minItems?: number;
  readonly default?: unknown;
  readonly required?: readonly string[];
}

/** One field people write: its dotted path (`<key>` for a map key, `[]` for a list item). */
export interface ConfigField {
  readonly path: string;
  readonly type: string;
  readonly constraint: string;
  readonly default: string;
}

const isRuleIds = (values: readonly unknown[] | undefined): boolean => values !== undefined && values.length === RULE_IDS.length && RULE_IDS.every((id, i) => values[i] === id);

function typeOf(node: SchemaNode): string {
  if (isRuleIds(node.enum)) return 'rule id';
  if (node.enum !== undefined) return node.enum.map((v) => `\`${String(v)}\``).join(' | ');
  if (node.type === 'array') return `list of ${node.items === undefined ? 'values' : typeOf(node.items)}`;
  if (node.type === 'object' && node.properties === undefined) return 'map';
  return Array.isArray(node.type) ? node.type.join(' | ') : String(node.type ?? 'any');
}

function constraintOf(node: SchemaNode): string {
  const parts: string[] = [];
  const item = node.type === 'array' ? node.items : node;
  if (item?.pattern !== undefined) parts.push(`\`${item.pattern}\``);
  if (isRuleIds(item?.enum)) parts.push('an id of `warden rules`');
  if (node.minimum !== undefined) parts.push(`≥ ${String(node.minimum)}`);
  if (node.exclusiveMinimum !== undefined) parts.push(`> ${String(node.exclusiveMinimum)}`);
  if (node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${String(node.maximum)}`);
  if (node.minItems !== undefined) parts.push(`at least ${String(node.minItems)}`);
  return parts.join(', ');
}

function isMap(node: SchemaNode): node is SchemaNode & { additionalProperties: SchemaNode } {
  return node.type === 'object' && typeof node.additionalProperties === 'object';
}

/** Every field of the configuration, depth first, in the schema's order. */
export function configFields(schema: SchemaNode = JSON.parse(configJsonSchema()) as SchemaNode): ConfigField[] {
  const fields: ConfigField[] = [];
  const walk = (node: SchemaNode, path: string): void => {
    const keys = node.propertyNames;
    const keyNames = isRuleIds(keys?.enum) ? 'an id of `warden rules`' : keys?.enum !== undefined ? typeOf(keys) : keys?.pattern !== undefined ? `\`${keys.pattern}\`` : '';
    if (node.properties !== undefined) {
      for (const [name, child] of Object.entries(node.properties)) walk(child, path === '' ? name : `${path}.${name}`);
      return;
    }
    if (isMap(node) && node.additionalProperties.properties !== undefined) {
      fields.push({ path, type: 'map', constraint: keyNames === '' ? '' : `keys: ${keyNames}`, default: node.default === undefined ? '' : `\`${JSON.stringify(node.default)}\`` });
      walk(node.additionalProperties, `${path}.<key>`);
      return;
    }
    if (node.type === 'array' && node.items?.properties !== undefined) {
      fields.push({ path, type: 'list', constraint: constraintOf(node), default: node.default === undefined ? '' : `\`${JSON.stringify(node.default)}\`` });
      for (const [name, child] of Object.entries(node.items.properties)) walk(child, `${path}[].${name}`);
      return;
    }
    const constraint = [isMap(node) && keyNames !== '' ? `keys: ${keyNames}` : '', isMap(node) ? constraintOf(node.additionalProperties) : constraintOf(node)].filter((c) => c !== '').join('; ');
    fields.push({ path, type: isMap(node) ? `map of ${typeOf(node.additionalProperties)}` : typeOf(node), constraint, default: node.default === undefined ? '' : `\`${JSON.stringify(node.default)}\`` });
  };
  walk(schema, '');
  return fields;
}

/** What each field means, for people (the schema gives type, constraint and default). */
export const CONFIG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'organization.id': 'The organization id; `aws:PrincipalOrgID` conditions naming it count as "ours". Required by `cdk synth`.',
  'organization.accounts': 'Member account ids: the accounts the bot may act on and counts as inside the organization.',
  'allowList.accounts': 'Trusted accounts outside the organization (vendors): grants to them are not findings.',
  remediatorRoleName: 'The role the bot acts through in member accounts; events made by its sessions are ignored.',
  auditRoleName: 'The read-only role scans (`warden scan`, the scheduled scan) assume in member accounts.',
  dryRun: 'Evaluate and report, change nothing: the kill switch. Redeploy `WardenCentral` to change it.',
  rules: 'Per-rule overrides, by rule id.',
  'rules.<key>.mode': 'The mode of this rule instead of its default.',
  accounts: 'Per-account overrides, by account id; they win over OU and rule overrides.',
  'accounts.<key>.ou': 'Places the account in an OU of `ous` (for the OU overrides).',
  'accounts.<key>.rules': 'Per-rule overrides in this account.',
  'accounts.<key>.rules.<key>.mode': 'The mode of this rule in this account.',
  ous: 'Per-OU overrides, by OU id; they win over the rule overrides.',
  'ous.<key>.accounts': 'The OU\'s member accounts.',
  'ous.<key>.rules': 'Per-rule overrides in this OU.',
  'ous.<key>.rules.<key>.mode': 'The mode of this rule in this OU\'s accounts.',
  'exemptions.resources': 'Resources never remediated: the finding is still reported, marked exempt.',
  'exemptions.resources[].arn': 'An ARN pattern (`*` and `?` match any characters / one character).',
  'exemptions.resources[].rules': 'The rules the exemption applies to; all rules when absent.',
  'exemptions.resources[].reason': 'Why, shown in Slack and in scans.',
  'exemptions.tagPrincipals': 'Roles (names or ARNs, `*` and `?`) whose `warden:exempt*` tag changes count at once; any other tag counts only once a scan recorded it before the change it would excuse.',
  'selfProtection.stackPrefix': 'In the security account only, when `centralStack` is unset: the central stack\'s resources are those whose names start with this (never remediated, every change reported). Member accounts never match by name.',
  'selfProtection.resources': 'More ARN patterns of the bot\'s own resources.',
  'selfProtection.securityAccount': 'The security account holding the central stack; the deployed functions get it from their stack, set it for `warden simulate` and `warden scan`.',
  'selfProtection.centralStack': 'The central stack\'s name: its resources in the security account are named `<centralStack>-…` (deployed: from the stack).',
  'remediation.iamWrites': '`false` removes every IAM write from the remediator role; execution-role findings then become instructions for a person.',
  'remediation.protectedRoles': 'Roles the remediator never writes (explicit Deny, and the executor refuses first): role names (any path) or `path/name` patterns, `*` and `?`.',
  approvalExpiryHours: 'Pending approvals expire after this many hours.',
  'circuitBreaker.maxRemediations': 'More automatic remediations than this in one account within the window switch `auto` to `approve` in that account.',
  'circuitBreaker.maxPerPrincipal': 'More automatic remediations than this of one principal\'s changes within the window switch `auto` to `approve` for that principal.',
  'circuitBreaker.maxGlobal': 'More automatic remediations than this in the whole organization within the window switch `auto` to `approve` everywhere.',
  'circuitBreaker.windowMinutes': 'The circuit breaker\'s window.',
  'scan.readAsyncDestinations': 'Also read every function\'s asynchronous invocation config (`GetFunctionEventInvokeConfig`, one more call per function) so `function-destination-outside-org` judges destinations in scans; dead-letter queues are judged from the listing either way.',
  'scan.readApis': 'Also list every REST and HTTP API of each region and export what each deployed stage serves (`GetRestApis`/`GetApis`, then per API `GetRestApi`/`GetApi`, `GetStages` and one export per deployed stage: about 2 + stages calls per API) so `function-api-route-unauthenticated` is judged in scans.',
  'scan.readRecursion': 'Also read every function\'s recursion config (`GetFunctionRecursionConfig`, one more call per function) so `function-recursive-loop-allowed` is judged in scans.',
  'scan.readConcurrency': 'Also read every function\'s reserved concurrency (`GetFunctionConcurrency`, one more call per function) so `function-concurrency-zeroed` is judged in scans (a scan cannot tell who set 0: the bot\'s own quarantine is reported too).',
  'scan.readCodeSigning': 'Also read every function\'s code-signing config (`GetFunctionCodeSigningConfig`, one more call per function, plus `GetCodeSigningConfig` per function using one) so `function-code-signing-weakened` is judged in scans: a config that only warns is reported; a config removed is seen only against a last-known-good baseline (the scheduled scan keeps them, `warden scan` does not).',
  'deployment.homeRegion': 'The security (delegated administrator) account\'s region for the central stack.',
  'deployment.regions': 'Regions watched in every member account (IAM events arrive in us-east-1 only; it must include `homeRegion`).',
  'deployment.memberOus': 'OUs, or the root `r-…`, the member StackSet deploys to.',
  'deployment.logRetentionDays': 'Days CloudWatch keeps the bot\'s own logs (a retention CloudWatch Logs offers).',
  'heartbeat.rateMinutes': 'Every member account × region sends a heartbeat through its forwarding path this often.',
  'heartbeat.silenceMinutes': 'An account × region silent for longer than this raises a critical alert (its forwarding may have been disabled).',
  'deployment.auditorPrincipals': 'Role ARNs besides the scheduled scanner that may assume the audit role (operators running `warden scan`).',
  'slack.defaultChannel': 'Channel id for everything not routed elsewhere; without any channel, notifications go to SNS only.',
  'slack.channelsBySeverity': 'A channel per severity (wins over `defaultChannel`).',
  'slack.channelsByAccount': 'A channel per account (wins over severity).',
  'slack.approvers.userIds': 'Slack users who may press Approve / Reject / Quarantine / Restore.',
  'slack.approvers.userGroups': 'Slack user groups whose members may press them.',
  'slack.digest.maxFindings': 'More findings than this from one principal within the window are posted as one digest.',
  'slack.digest.windowSeconds': 'The digest\'s window.',
  runtimeDeprecationWarningDays: 'A runtime deprecated within this many days is reported as soon deprecated.',
  minimumLogRetentionDays: 'A function\'s log group whose retention is set below this many days is reported (`function-log-retention-shortened`); `0` turns the check off, never-expire always passes.',
  deployerRoles: 'Roles allowed to change function code (`UpdateFunctionCode`): names or ARNs, `*` and `?` allowed.',
  'requireVpc.accounts': 'Accounts whose functions must run in a VPC.',
  'layerAllowList.accounts': 'Accounts outside the organization whose layers functions may use (for example AWS-published layers).',
};

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** The generated docs/CONFIGURATION.md. */
export function configReference(fields: readonly ConfigField[] = configFields()): string {
  const rows = fields.map((f) => `| \`${f.path}\` | ${cell(f.type)} | ${cell(f.constraint)} | ${f.default} | ${CONFIG_DESCRIPTIONS[f.path] ?? ''} |`);
  return [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run schema` from WardenConfigSchema (functions/shared/config/config.ts): do not edit by hand. -->',
    '',
    'Every field of `warden.config.yaml` (YAML or JSON). All are optional except `organization.id` for `cdk synth`;',
    'an unknown field or rule id is refused with the field\'s path. `<key>` is a map key, `[]` a list item.',
    'Editors validate the file with [`warden.config.schema.json`](../warden.config.schema.json);',
    'the annotated example is [`warden.config.example.yaml`](../warden.config.example.yaml).',
    '',
    '| field | type | constraint | default | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
