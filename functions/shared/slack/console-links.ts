/**
 * AWS console links for the resources Warden reports on and for the CloudTrail event behind a
 * finding, in the resource's partition and region (IAM is global: its console has no region).
 */

interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

function parseArn(arn: string): ParsedArn | null {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** The console's host for a partition and region (`https://eu-west-1.console.aws.amazon.com`). */
export function consoleHost(partition: string, region: string): string {
  const prefix = region === '' ? '' : `${region}.`;
  switch (partition) {
    case 'aws-cn':
      return `https://${prefix}console.amazonaws.cn`;
    case 'aws-us-gov':
      return `https://${prefix}console.amazonaws-us-gov.com`;
    default:
      return `https://${prefix}console.aws.amazon.com`;
  }
}

function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const enc = encodeURIComponent;

/** The console page of a resource, or null for an ARN of a kind Warden does not report on. */
export function resourceConsoleUrl(arn: string): string | null {
  const a = parseArn(arn);
  if (a === null) return null;
  const host = consoleHost(a.partition, a.region);
  const query = `?region=${enc(a.region)}`;
  if (a.service === 'lambda') {
    const [kind, name, version] = a.resource.split(':');
    if (kind === 'function' && name !== undefined) return `${host}/lambda/home${query}#/functions/${enc(name)}`;
    if (kind === 'layer' && name !== undefined) {
      return version === undefined ? `${host}/lambda/home${query}#/layers/${enc(name)}` : `${host}/lambda/home${query}#/layers/${enc(name)}/versions/${enc(version)}`;
    }
    return null;
  }
  if (a.service === 'iam') {
    const iamHost = consoleHost(a.partition, '');
    if (a.resource.startsWith('role/')) {
      const name = a.resource.split('/').at(-1) ?? '';
      return `${iamHost}/iam/home#/roles/details/${enc(name)}`;
    }
    if (a.resource.startsWith('policy/')) return `${iamHost}/iam/home#/policies/details/${enc(arn)}`;
    return null;
  }
  // API Gateway ARNs carry no account: `arn:aws:apigateway:<region>::/restapis/<id>` or `…::/apis/<id>` (issue #17).
  const api = a.service === 'apigateway' ? /^\/(restapis|apis)\/([A-Za-z0-9]+)$/.exec(a.resource) : null;
  if (api !== null) {
    const id = enc(api[2] ?? '');
    return api[1] === 'restapis' ? `${host}/apigateway/main/apis/${id}/resources?api=${id}&region=${enc(a.region)}` : `${host}/apigateway/main/develop/routes?api=${id}&region=${enc(a.region)}`;
  }
  if (a.service === 'cloudtrail' && a.resource.startsWith('trail/')) return `${host}/cloudtrailv2/home${query}#/trails/${enc(arn)}`;
  if (a.service === 'events' && a.resource.startsWith('rule/')) {
    const path = a.resource.slice('rule/'.length).split('/');
    const bus = path.length === 2 ? (path[0] ?? 'default') : 'default';
    const rule = path.at(-1) ?? '';
    return `${host}/events/home${query}#/eventbus/${enc(bus)}/rules/${enc(rule)}`;
  }
  if (a.service === 'ec2' && a.resource.startsWith('security-group/')) return `${host}/ec2/home${query}#SecurityGroup:groupId=${enc(a.resource.slice('security-group/'.length))}`;
  // A rule's ARN does not name its group (the message does): the region's security groups.
  if (a.service === 'ec2' && a.resource.startsWith('security-group-rule/')) return `${host}/ec2/home${query}#SecurityGroups:`;
  return null;
}

/** The CloudTrail event history page of one event (open it signed in to the event's account and region). */
export function cloudTrailEventUrl(eventId: string, region: string): string {
  return `${consoleHost(partitionOfRegion(region), region)}/cloudtrailv2/home?region=${enc(region)}#/events/${enc(eventId)}`;
}

/** The GuardDuty console page of one finding (open it signed in to the administrator or the finding's account, in its region). */
export function guardDutyFindingUrl(findingId: string, region: string): string {
  return `${consoleHost(partitionOfRegion(region), region)}/guardduty/home?region=${enc(region)}#/findings?macros=current&fId=${enc(findingId)}`;
}
