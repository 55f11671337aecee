/**
 * The IAM actions that let a principal raise its own privileges or read secrets and data when
 * granted on every resource, each with the reason a Slack reader sees. Data only.
 */

export type DangerousActionCategory = 'privilege-escalation' | 'data-exfiltration';

export interface DangerousAction {
  /** The action as AWS spells it (a test checks each one against the IAM action data). */
  readonly action: string;
  readonly category: DangerousActionCategory;
  /** Why granting it on every resource is dangerous, in one sentence. */
  readonly reason: string;
  /**
   * An ARN of the kind of resource the action is about, with `{partition}`, `{region}`,
   * `{account}` and `{name}` placeholders. A statement grants the action broadly when its
   * `Resource` matches this ARN filled with an arbitrary name (so `*`, `arn:aws:iam::*:role/*`
   * and `arn:aws:iam::111122223333:role/*` do, `arn:aws:iam::*:role/app-*` does not).
   */
  readonly resource: string;
  /** Other actions that must also be granted broadly for this one to be dangerous. */
  readonly requires?: readonly string[];
}

const ROLE = 'arn:{partition}:iam::{account}:role/{name}/{name}';
const USER = 'arn:{partition}:iam::{account}:user/{name}/{name}';
const GROUP = 'arn:{partition}:iam::{account}:group/{name}/{name}';
const POLICY = 'arn:{partition}:iam::{account}:policy/{name}/{name}';
const FUNCTION = 'arn:{partition}:lambda:{region}:{account}:function:{name}';

/** The dangerous actions, in the order findings are reported. */
export const DANGEROUS_ACTIONS: readonly DangerousAction[] = [
  { action: 'iam:PassRole', category: 'privilege-escalation', resource: ROLE, reason: 'Hands any role, including an administrator role, to a service (Lambda, EC2, Glue …) whose code the caller controls.' },
  { action: 'iam:CreatePolicyVersion', category: 'privilege-escalation', resource: POLICY, reason: 'Rewrites any customer managed policy, including one attached to the caller, and can make the new version the default.' },
  { action: 'iam:SetDefaultPolicyVersion', category: 'privilege-escalation', resource: POLICY, reason: 'Switches any managed policy back to an older, possibly broader version.' },
  { action: 'iam:AttachRolePolicy', category: 'privilege-escalation', resource: ROLE, reason: 'Attaches any managed policy, such as AdministratorAccess, to any role, including the caller’s own.' },
  { action: 'iam:AttachUserPolicy', category: 'privilege-escalation', resource: USER, reason: 'Attaches any managed policy, such as AdministratorAccess, to any user.' },
  { action: 'iam:AttachGroupPolicy', category: 'privilege-escalation', resource: GROUP, reason: 'Attaches any managed policy, such as AdministratorAccess, to any group.' },
  { action: 'iam:PutRolePolicy', category: 'privilege-escalation', resource: ROLE, reason: 'Writes an inline policy granting anything to any role, including the caller’s own.' },
  { action: 'iam:PutUserPolicy', category: 'privilege-escalation', resource: USER, reason: 'Writes an inline policy granting anything to any user.' },
  { action: 'iam:PutGroupPolicy', category: 'privilege-escalation', resource: GROUP, reason: 'Writes an inline policy granting anything to any group.' },
  { action: 'iam:DeleteRolePermissionsBoundary', category: 'privilege-escalation', resource: ROLE, reason: 'Removes the permissions boundary that caps what a role may do.' },
  { action: 'iam:DeleteUserPermissionsBoundary', category: 'privilege-escalation', resource: USER, reason: 'Removes the permissions boundary that caps what a user may do.' },
  { action: 'iam:CreateAccessKey', category: 'privilege-escalation', resource: USER, reason: 'Creates long-lived access keys for any user, including administrators.' },
  { action: 'iam:CreateLoginProfile', category: 'privilege-escalation', resource: USER, reason: 'Sets a console password on any user that has none, including administrators.' },
  { action: 'iam:UpdateLoginProfile', category: 'privilege-escalation', resource: USER, reason: 'Changes the console password of any user, including administrators.' },
  { action: 'iam:UpdateAssumeRolePolicy', category: 'privilege-escalation', resource: ROLE, reason: 'Rewrites the trust policy of any role so that the caller, or anyone, can assume it.' },
  { action: 'iam:AddUserToGroup', category: 'privilege-escalation', resource: GROUP, reason: 'Adds any user, including the caller, to any group, such as an administrators group.' },
  { action: 'sts:AssumeRole', category: 'privilege-escalation', resource: ROLE, reason: 'Assumes any role whose trust policy trusts this account.' },
  { action: 'lambda:UpdateFunctionCode', category: 'privilege-escalation', resource: FUNCTION, reason: 'Replaces the code of any function, which then runs with that function’s role.' },
  { action: 'lambda:UpdateFunctionConfiguration', category: 'privilege-escalation', resource: FUNCTION, reason: 'Changes any function’s layers, environment or role, which runs code with that function’s role.' },
  { action: 'lambda:AddPermission', category: 'privilege-escalation', resource: FUNCTION, reason: 'Lets any account, or anyone, invoke any function by adding to its resource policy.' },
  { action: 'lambda:CreateFunction', category: 'privilege-escalation', resource: FUNCTION, requires: ['iam:PassRole'], reason: 'Together with iam:PassRole, runs new code with any role in the account.' },
  { action: 'ec2:RunInstances', category: 'privilege-escalation', resource: 'arn:{partition}:ec2:{region}:{account}:instance/{name}', requires: ['iam:PassRole'], reason: 'Together with iam:PassRole, starts an instance with any role and reads its credentials.' },
  { action: 'glue:CreateDevEndpoint', category: 'privilege-escalation', resource: 'arn:{partition}:glue:{region}:{account}:devEndpoint/{name}', requires: ['iam:PassRole'], reason: 'Together with iam:PassRole, starts a Glue development endpoint with any role and logs in to it.' },
  { action: 'glue:CreateJob', category: 'privilege-escalation', resource: 'arn:{partition}:glue:{region}:{account}:job/{name}', requires: ['iam:PassRole'], reason: 'Together with iam:PassRole, runs a Glue job script with any role.' },
  { action: 'cloudformation:CreateStack', category: 'privilege-escalation', resource: 'arn:{partition}:cloudformation:{region}:{account}:stack/{name}/{name}', requires: ['iam:PassRole'], reason: 'Together with iam:PassRole, has CloudFormation create any resource with any role.' },
  { action: 'codebuild:CreateProject', category: 'privilege-escalation', resource: 'arn:{partition}:codebuild:{region}:{account}:project/{name}', requires: ['iam:PassRole'], reason: 'Together with iam:PassRole, runs a build with any role.' },
  { action: 'sagemaker:CreateNotebookInstance', category: 'privilege-escalation', resource: 'arn:{partition}:sagemaker:{region}:{account}:notebook-instance/{name}', requires: ['iam:PassRole'], reason: 'Together with iam:PassRole, starts a notebook with any role and opens a shell in it.' },
  { action: 'secretsmanager:GetSecretValue', category: 'data-exfiltration', resource: 'arn:{partition}:secretsmanager:{region}:{account}:secret:{name}', reason: 'Reads the value of every secret in Secrets Manager.' },
  { action: 'ssm:GetParameter', category: 'data-exfiltration', resource: 'arn:{partition}:ssm:{region}:{account}:parameter/{name}/{name}', reason: 'Reads every Systems Manager parameter, including SecureString values.' },
  { action: 'ssm:GetParameters', category: 'data-exfiltration', resource: 'arn:{partition}:ssm:{region}:{account}:parameter/{name}/{name}', reason: 'Reads every Systems Manager parameter, including SecureString values.' },
  { action: 'ssm:GetParametersByPath', category: 'data-exfiltration', resource: 'arn:{partition}:ssm:{region}:{account}:parameter/{name}/{name}', reason: 'Reads whole trees of Systems Manager parameters, including SecureString values.' },
  { action: 'kms:Decrypt', category: 'data-exfiltration', resource: 'arn:{partition}:kms:{region}:{account}:key/{name}', reason: 'Decrypts with every KMS key whose key policy defers to IAM.' },
  { action: 's3:GetObject', category: 'data-exfiltration', resource: 'arn:{partition}:s3:::{name}/{name}', reason: 'Reads every object in every bucket whose bucket policy does not forbid it.' },
];
