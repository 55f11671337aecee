/**
 * The bot passes its own rules: the functions and roles of the synthesized templates (central,
 * management account, the StackSet's member template), turned into the API shapes the state
 * readers return, evaluated by the whole catalog on the in-memory account.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../functions/shared/engine/engine';
import type { Finding } from '../../functions/shared/contract/finding';
import type { FunctionRef, PolicyStatement, RoleRef } from '../../functions/shared/state/resources';
import { parseDeployConfig, type DeployConfig } from '../../infra/deploy-config';
import { buildWardenApp } from '../../infra/warden-app';
import { RULES } from '../../rules';
import { InMemoryAccount } from '../../sim/in-memory-account';
import { functionPermissionStatement } from '../../sim/lambda-permission-statement';
import type { StateFileInput } from '../../sim/state-file';
import type { CfnResource, CfnTemplate } from '../support/cfn-template';

const SECURITY = '111122223333';
const MANAGEMENT = '222233334444';
const REGION = 'us-east-1';
const config: DeployConfig = parseDeployConfig(readFileSync('warden.config.example.yaml', 'utf8'), 'example');

/** A deterministic stand-in for CloudFormation's random suffixes: upper-case letters and digits. */
function suffix(seed: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...createHash('sha256').update(seed).digest()].slice(0, length).map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** One deployed template: its stack name, account and parameter values, and the physical ids CloudFormation would give. */
class Deployed {
  constructor(
    readonly stackName: string,
    readonly account: string,
    readonly template: CfnTemplate,
    private readonly parameters: Readonly<Record<string, string | readonly string[]>> = {},
  ) {}

  private resource(id: string): CfnResource {
    const resource = this.template.Resources[id];
    if (resource === undefined) throw new Error(`${this.stackName}: no resource ${id}`);
    return resource;
  }

  /** What `Ref` returns for the resource, as CloudFormation names it. */
  physicalName(id: string): string {
    const props = this.resource(id).Properties ?? {};
    const generated = `${this.stackName}-${id}-${suffix(this.stackName + id, 12)}`.slice(0, 64);
    switch (this.resource(id).Type) {
      case 'AWS::IAM::Role':
        return typeof props.RoleName === 'string' ? props.RoleName : generated;
      case 'AWS::Events::EventBus':
        return String(props.Name);
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${REGION}:${this.account}:${generated}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${REGION}:${this.account}:secret:${id}-${suffix(id, 12)}-${suffix(`${id}/`, 6)}`;
      default:
        return generated;
    }
  }

  arn(id: string): string {
    const name = this.physicalName(id);
    switch (this.resource(id).Type) {
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${this.account}:role/${name}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${REGION}:${this.account}:function:${name}`;
      case 'AWS::Events::EventBus':
        return `arn:aws:events:${REGION}:${this.account}:event-bus/${name}`;
      case 'AWS::Events::Rule':
        return `arn:aws:events:${REGION}:${this.account}:rule/${name}`;
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${REGION}:${this.account}:table/${name}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${REGION}:${this.account}:${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${REGION}:${this.account}:log-group:${name}:*`;
      default:
        return name;
    }
  }

  /** Resolves the intrinsic functions the templates use. */
  resolve(node: unknown): unknown {
    if (Array.isArray(node)) return node.map((n) => this.resolve(n));
    if (typeof node !== 'object' || node === null) return node;
    const record = node as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1) {
      const [key] = keys;
      const value = record[key ?? ''];
      if (key === 'Ref') return this.ref(String(value));
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = value as [string, string];
        if (attribute === 'Arn') return this.arn(id);
        if (attribute === 'QueueName') return this.physicalName(id);
        throw new Error(`unsupported attribute ${attribute}`);
      }
      if (key === 'Fn::Join') {
        const [separator, parts] = value as [string, unknown];
        const resolved = this.resolve(parts);
        return (Array.isArray(resolved) ? resolved : [resolved]).map(String).join(separator);
      }
      if (key === 'Fn::Split') {
        const [separator, text] = value as [string, unknown];
        return String(this.resolve(text)).split(separator);
      }
      if (key === 'Fn::Select') {
        const [index, list] = value as [number, unknown];
        return (this.resolve(list) as unknown[])[index];
      }
      if (key === 'Fn::Sub') return String(value).replace(/\$\{([\w:]+)\}/g, (_, name: string) => String(this.ref(name)));
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, this.resolve(v)]));
  }

  private ref(name: string): string | readonly string[] {
    if (name === 'AWS::Partition') return 'aws';
    if (name === 'AWS::AccountId') return this.account;
    if (name === 'AWS::Region') return REGION;
    if (name === 'AWS::URLSuffix') return 'amazonaws.com';
    const parameter = this.parameters[name];
    if (parameter !== undefined) return parameter;
    return this.physicalName(name);
  }

  ofType(type: string): [string, CfnResource][] {
    return Object.entries(this.template.Resources).filter(([, r]) => r.Type === type);
  }
}

/** The state file of the account(s) the templates deploy: functions (configuration, resource policy) and roles. */
function stateOf(deployments: readonly Deployed[]): StateFileInput {
  const functions = deployments.flatMap((d) =>
    d.ofType('AWS::Lambda::Function').map(([id, fn]) => {
      const props = d.resolve(fn.Properties) as { Runtime: string; Role: string; Handler: string; Environment?: { Variables: Record<string, string> }; MemorySize?: number; Timeout?: number };
      const arn = d.arn(id);
      const statements: PolicyStatement[] = d
        .ofType('AWS::Lambda::Permission')
        .map(([sid, permission]) => [sid, d.resolve(permission.Properties) as { FunctionName: string; Action: string; Principal: string; SourceArn?: string; SourceAccount?: string }] as const)
        .filter(([, p]) => p.FunctionName === arn)
        .map(([sid, p]) => functionPermissionStatement({ StatementId: sid, Action: p.Action, Principal: p.Principal, SourceArn: p.SourceArn, SourceAccount: p.SourceAccount }, arn, REGION));
      return {
        Account: d.account,
        Region: REGION,
        Configuration: {
          FunctionName: d.physicalName(id),
          FunctionArn: arn,
          Runtime: props.Runtime,
          Role: props.Role,
          Handler: props.Handler,
          PackageType: 'Zip',
          Environment: { Variables: props.Environment?.Variables ?? {} },
        },
        Policy: statements.length === 0 ? null : { Version: '2012-10-17', Id: 'default', Statement: statements },
        Tags: {},
      };
    }),
  );
  const roles = deployments.flatMap((d) =>
    d.ofType('AWS::IAM::Role').map(([id, role]) => {
      const props = d.resolve(role.Properties) as { AssumeRolePolicyDocument: Record<string, unknown>; Policies?: { PolicyName: string; PolicyDocument: Record<string, unknown> }[]; ManagedPolicyArns?: string[] };
      const inline = Object.fromEntries((props.Policies ?? []).map((p) => [p.PolicyName, p.PolicyDocument]));
      for (const [policyId, policy] of d.ofType('AWS::IAM::Policy')) {
        const p = d.resolve(policy.Properties) as { PolicyName: string; PolicyDocument: Record<string, unknown>; Roles: string[] };
        if (p.Roles.includes(d.physicalName(id))) inline[policyId] = p.PolicyDocument;
      }
      return {
        Account: d.account,
        Role: { RoleName: d.physicalName(id), Path: '/', Arn: d.arn(id), AssumeRolePolicyDocument: props.AssumeRolePolicyDocument },
        InlinePolicies: inline,
        AttachedPolicies: props.ManagedPolicyArns ?? [],
      };
    }),
  );
  return { functions, roles };
}

let deployments: Deployed[];
let state: StateFileInput;

beforeAll(() => {
  const { central, management } = buildWardenApp(config, { appProps: { context: { 'aws:cdk:bundling-stacks': [] } } });
  const centralJson = Template.fromStack(central).toJSON() as CfnTemplate;
  const centralDeployed = new Deployed('WardenCentral', SECURITY, centralJson);
  const memberParameters = {
    WardenEventBusArn: centralDeployed.arn(central.getLogicalId(central.bus.node.defaultChild as never)),
    ResponderRoleArn: centralDeployed.arn(central.getLogicalId(central.responder.role.node.defaultChild as never)),
    ScannerRoleArn: centralDeployed.arn(central.getLogicalId(central.scheduledScan.scanner.role.node.defaultChild as never)),
    WardenFunctionArns: [central.responder, central.notifier, central.approval, central.scheduledScan.scanner, central.heartbeat.fn].map((f) => centralDeployed.arn(central.getLogicalId(f.fn.node.defaultChild as never))),
    WardenRoleArns: [central.responder, central.notifier, central.approval, central.scheduledScan.scanner, central.heartbeat.fn].map((f) => centralDeployed.arn(central.getLogicalId(f.role.node.defaultChild as never))),
  };
  const stackSet = Object.values(centralJson.Resources).find((r) => r.Type === 'AWS::CloudFormation::StackSet');
  const body = JSON.parse(String(stackSet?.Properties?.TemplateBody)) as CfnTemplate;
  deployments = [
    centralDeployed,
    new Deployed('WardenManagementAccount', MANAGEMENT, Template.fromStack(management).toJSON() as CfnTemplate, memberParameters),
    new Deployed('StackSet-LambdaWardenMembers-0a1b2c3d', SECURITY, body, memberParameters),
  ];
  state = stateOf(deployments);
}, 180_000);

async function findingsOf(input: StateFileInput): Promise<{ evaluated: string[]; findings: Finding[] }> {
  const account = InMemoryAccount.fromStateFile(input, { defaultAccount: SECURITY });
  const engine = new Engine({ rules: RULES, config, reader: account.reader() });
  const evaluated: string[] = [];
  const findings: Finding[] = [];
  for (const fn of input.functions ?? []) {
    const ref: FunctionRef = { kind: 'lambda-function', account: fn.Account, region: fn.Region, functionName: fn.Configuration.FunctionName };
    findings.push(...(await engine.evaluateResource(ref)));
    evaluated.push(`function ${ref.functionName}`);
  }
  for (const role of input.roles ?? []) {
    const ref: RoleRef = { kind: 'iam-role', account: role.Account, region: REGION, roleName: role.Role.RoleName, path: '/' };
    findings.push(...(await engine.evaluateResource(ref)));
    evaluated.push(`role ${ref.roleName}`);
  }
  return { evaluated, findings };
}

describe('the bot against its own rules', () => {
  it('finds nothing on its own functions and roles (central, management account, StackSet member)', async () => {
    const { evaluated, findings } = await findingsOf(state);
    // Responder, notifier, approval, scanner and heartbeat.
    expect(evaluated.filter((e) => e.startsWith('function'))).toHaveLength(5);
    // Five function roles, the scan's state machine and schedule roles, and in each member deployment the forwarder, the remediator and the auditor.
    expect(evaluated.filter((e) => e.startsWith('role'))).toHaveLength(13);
    expect(evaluated).toContain('role WardenRemediator');
    expect(evaluated).toContain('role WardenAuditor');
    expect(findings.map((f) => `${f.ruleId}: ${f.resource}: ${f.summary}`)).toEqual([]);
  });

  it('reads what a deployed function would show: runtime, real-looking environment values, resource policy, role policies', () => {
    const responder = state.functions?.find((f) => f.Configuration.FunctionName.includes('Responder'));
    expect(responder?.Configuration.Runtime).toBe('nodejs24.x');
    expect(responder?.Configuration.Environment?.Variables?.WARDEN_TABLE_NAME).toMatch(/^WardenCentral-State\w+-[A-Z0-9]{12}$/);
    expect(JSON.stringify(responder?.Policy)).toContain('events.amazonaws.com');
    const approval = state.functions?.find((f) => f.Configuration.FunctionName.includes('Approval'));
    expect(approval?.Configuration.Environment?.Variables?.WARDEN_SLACK_SIGNING_SECRET_ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:111122223333:secret:SlackSigningSecret\w+-[A-Z0-9]{12}-[A-Z0-9]{6}$/);
    expect(JSON.stringify(approval?.Policy)).toContain('apigateway.amazonaws.com');
    const remediator = state.roles?.find((r) => r.Role.RoleName === 'WardenRemediator');
    expect(JSON.stringify(remediator?.Role.AssumeRolePolicyDocument)).toContain(`arn:aws:iam::${SECURITY}:role/WardenCentral-ResponderRole`);
    expect(JSON.stringify(remediator?.Role.AssumeRolePolicyDocument)).not.toContain('ScannerRole');
    const auditor = state.roles?.find((r) => r.Role.RoleName === 'WardenAuditor');
    expect(JSON.stringify(auditor?.Role.AssumeRolePolicyDocument)).toContain(`arn:aws:iam::${SECURITY}:role/WardenCentral-ScheduledScanScannerRole`);
    expect(JSON.stringify(auditor?.Role.AssumeRolePolicyDocument)).not.toContain('ResponderRole');
  });

  it('would find a secret put in a function environment, a runtime past its deprecation, and a role trusted by anyone', async () => {
    const functions = (state.functions ?? []).map((f, i) =>
      i === 0
        ? { ...f, Configuration: { ...f.Configuration, Runtime: 'nodejs20.x', Environment: { Variables: { ...f.Configuration.Environment?.Variables, SLACK_BOT_TOKEN: 'xoxb-2718281828-3141592653-Zx8QwErTyUiOpAsDfGhJkLzX' } } } }
        : f,
    );
    const roles = (state.roles ?? []).map((r, i) =>
      i === 0 ? { ...r, Role: { ...r.Role, AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] } } } : r,
    );
    const { findings } = await findingsOf({ functions, roles });
    expect(new Set(findings.map((f) => f.ruleId))).toEqual(new Set(['function-env-plaintext-secret', 'function-runtime-deprecated', 'execution-role-trust-opened']));
    expect(JSON.stringify(findings)).not.toContain('Zx8QwErTyUiOpAsDfGhJkLzX');
  });
});
