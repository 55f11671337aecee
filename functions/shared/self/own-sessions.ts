/**
 * How the bot's own remediator sessions are marked, shared by the code that assumes the role
 * (`aws/credentials.ts`) and the code that recognises the bot's own calls (`event/intake.ts`). No SDK here.
 */

/**
 * The `SourceIdentity` the responder sets on every remediator session. The member stack's trust policy
 * allows `sts:SetSourceIdentity` and requires exactly this value, so every session of the remediator role
 * carries it (CloudTrail: `userIdentity.sessionContext.sourceIdentity`); it cannot be changed within the
 * session, nor along a role chain.
 */
export const WARDEN_SOURCE_IDENTITY = 'lambda-warden';

/** `warden-read` (state reads) or `warden-wf-<20 hex digits>` (a finding's remediation): what `roleSessionName` gives. */
const RESPONDER_SESSION_NAME = /^warden-(?:read|wf-[0-9a-f]{20})$/;

/** True for a session name the responder gives its remediator sessions. */
export function isResponderSessionName(sessionName: string): boolean {
  return RESPONDER_SESSION_NAME.test(sessionName);
}
