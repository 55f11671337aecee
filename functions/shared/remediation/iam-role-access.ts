/**
 * What the execution-role actions share: the IAM client, reading a role's trust policy, inline
 * policies and attachments through the SDK (documents arrive URL-encoded), and parameter schemas.
 */
import { GetRoleCommand, GetRolePolicyCommand, ListAttachedRolePoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
import * as z from 'zod';
import { lazySchema } from '../lazy-schema';
import { documentDigest } from '../iam/execution-role';
import { InvalidPolicyError, parseIamPolicyDocument, type IamPolicyDocument } from '../policy/iam-policy';
import type { ActionClients } from './action';

export const RoleNameParam = lazySchema(() => z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name'));
export const PolicyNameParam = lazySchema(() => z.string().regex(/^[\w+=,.@-]{1,128}$/, 'must be an IAM policy name'));
export const PolicyArnParam = lazySchema(() => z.string().regex(/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]+$/, 'must be a managed policy ARN'));
export const VersionIdParam = lazySchema(() => z.string().regex(/^v[1-9]\d*$/, 'must be a policy version id such as v2'));
export const DigestParam = lazySchema(() => z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 (hex) of the judged document'));
/** A policy document as JSON text; it must parse as an IAM policy. */
export const DocumentParam = lazySchema(() => z.string().refine((text) => {
  try {
    parseIamPolicyDocument(text);
    return true;
  } catch (e: unknown) {
    if (e instanceof InvalidPolicyError) return false;
    throw e;
  }
}, 'must be an IAM policy document (JSON text)'));

/** The IAM client of the action's clients; actions on roles cannot run without it. */
export function iamOf(clients: ActionClients, action: string): IAMClient {
  if (clients.iam === undefined) throw new Error(`${action} needs an IAM client`);
  return clients.iam;
}

/** True for IAM's "does not exist" error. */
export function isNoSuchEntity(e: unknown): boolean {
  return e instanceof Error && e.name === 'NoSuchEntityException';
}

async function orNull<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (e: unknown) {
    if (isNoSuchEntity(e)) return null;
    throw e;
  }
}

/** An inline policy's document; null when the role or the policy no longer exists. */
export async function readInlineDocument(iam: IAMClient, roleName: string, policyName: string): Promise<IamPolicyDocument | null> {
  return orNull(async () => {
    const out = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    return parseIamPolicyDocument(out.PolicyDocument ?? '');
  });
}

/** The role's trust policy; null when the role no longer exists. */
export async function readTrustDocument(iam: IAMClient, roleName: string): Promise<IamPolicyDocument | null> {
  return orNull(async () => {
    const out = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    return parseIamPolicyDocument(out.Role?.AssumeRolePolicyDocument ?? '');
  });
}

/** The ARNs of the managed policies attached to the role; null when the role no longer exists. */
export async function readAttachedArns(iam: IAMClient, roleName: string): Promise<string[] | null> {
  return orNull(async () => {
    const arns: string[] = [];
    let marker: string | undefined;
    do {
      const out = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
      for (const p of out.AttachedPolicies ?? []) if (p.PolicyArn !== undefined) arns.push(p.PolicyArn);
      marker = out.IsTruncated === true ? out.Marker : undefined;
    } while (marker !== undefined);
    return arns;
  });
}

/** Is the document still the one that was judged (no digest: anything is)? */
export function stillJudged(document: IamPolicyDocument, judgedDigest: string | undefined): boolean {
  return judgedDigest === undefined || documentDigest(document) === judgedDigest;
}
