/** Reads a finding's resource tags on demand (for `warden:exempt`), only when a change is about to be planned. */
import type { Finding } from '../contract/finding';
import { parseFunctionName } from '../state/resources';
import type { StateReader } from '../state/state-reader';
import { unqualifiedArn } from '../policy/arn-pattern';

export type TagsOf = (finding: Finding) => Promise<Readonly<Record<string, string>> | null>;

/** Tags of the finding's function (qualified ARNs use the function's tags); null for resources without tags. */
export function tagsFromReader(reader: StateReader): TagsOf {
  return async (finding) => {
    if (!/^arn:[^:]+:lambda:[^:]+:\d{12}:function:/.test(finding.resource)) return null;
    const ref = parseFunctionName(unqualifiedArn(finding.resource), finding.account, finding.region);
    if (ref === null) return null;
    return (await reader.readFunction(ref, ['tags'])).tags ?? null;
  };
}
