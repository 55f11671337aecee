/**
 * The remediation plan for a dangerous identity policy of an execution role: back to the
 * last-known-good state when the baseline has one, else remove the policy. Pure.
 */
import { awsManagedPolicyName, documentDigest, type RolePolicy } from '../../functions/shared/iam/execution-role';
import type { RoleSnapshot } from '../../functions/shared/state/resources';
import type { RemediationPlan } from '../../functions/shared/contract/finding';

/**
 * Inline: restore the baseline's document (`restore-role-policy`) or delete the policy
 * (`delete-role-policy`). Managed: set the baseline's default version again when only the
 * default version changed (`set-default-policy-version`, customer managed policies), else detach it.
 */
export function planForRolePolicy(snapshot: RoleSnapshot, policy: RolePolicy): RemediationPlan {
  const roleName = snapshot.role?.RoleName ?? snapshot.ref.roleName;
  const baseline = snapshot.lastKnownGood ?? null;
  const { source } = policy;
  if (source.type === 'inline') {
    const previous = baseline?.inlinePolicies?.value[source.name];
    const documentDigestParam = documentDigest(policy.document);
    if (previous !== undefined && documentDigest(previous) !== documentDigestParam) {
      return {
        action: 'restore-role-policy',
        params: { roleName, policyName: source.name, policyDocument: JSON.stringify(previous), documentDigest: documentDigestParam },
        description: `Puts the inline policy "${source.name}" back to its last-known-good document (captured ${baseline?.inlinePolicies?.capturedAt ?? 'earlier'}); the current document is in this finding's event to re-apply it.`,
      };
    }
    return {
      action: 'delete-role-policy',
      params: { roleName, policyName: source.name, documentDigest: documentDigestParam },
      description: `Deletes the inline policy "${source.name}" from ${roleName}; re-create it with iam:PutRolePolicy (the document is in the event) to undo.`,
    };
  }
  const previous = baseline?.attachedPolicies?.value.find((p) => p.arn === source.arn);
  if (previous !== undefined && previous.defaultVersionId !== source.defaultVersionId && awsManagedPolicyName(source.arn) === undefined) {
    return {
      action: 'set-default-policy-version',
      params: { policyArn: source.arn, versionId: previous.defaultVersionId, fromVersionId: source.defaultVersionId },
      description: `Makes ${previous.defaultVersionId} the default version of ${source.arn} again (it was ${source.defaultVersionId}); this applies to every principal the policy is attached to. Undo with iam:SetDefaultPolicyVersion ${source.defaultVersionId}.`,
    };
  }
  return {
    action: 'detach-role-policy',
    params: { roleName, policyArn: source.arn },
    description: `Detaches ${source.arn} from ${roleName}; undo with iam:AttachRolePolicy.`,
  };
}
