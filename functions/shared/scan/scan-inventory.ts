/**
 * What a scan lists in one account before any rule runs: functions per region (`ListFunctions`
 * already returns each function's whole configuration), layer versions, and every role with its
 * policies from `GetAccountAuthorizationDetails` (a few calls per account instead of five per role).
 */
import { GetAccountAuthorizationDetailsCommand, GetPolicyCommand, GetPolicyVersionCommand, type IAMClient, type RoleDetail } from '@aws-sdk/client-iam';
import { DescribeLogGroupsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ListAliasesCommand, ListEventSourceMappingsCommand, ListFunctionsCommand, ListLayersCommand, ListLayerVersionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { StateReadError } from '../errors';
import { parseIamPolicyDocument, type IamPolicyDocument } from '../policy/iam-policy';
import {
  EventSourceMappingSchema,
  FunctionConfigurationSchema,
  functionArn,
  parseFunctionName,
  parseLayerVersion,
  type EventSourceMapping,
  type FunctionLogGroup,
  type AttachedRolePolicy,
  type FunctionConfiguration,
  type LayerVersionRef,
  type RoleDescription,
  type RoleSnapshot,
  parseRoleName,
} from '../state/resources';

/** The IAM actions a scan calls besides the state readers' (`GetPolicy`, `GetFunctionUrlConfig`, `ListTags`, `GetLayerVersionPolicy`). */
export const SCAN_LIST_PERMISSIONS = [
  'lambda:ListFunctions',
  'lambda:ListAliases',
  'lambda:ListLayers',
  'lambda:ListLayerVersions',
  // One paginated call per region, no function filter (issue #17): every mapping with its source and destination.
  'lambda:ListEventSourceMappings',
  'iam:GetAccountAuthorizationDetails',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
] as const;

/** Page size asked of `GetAccountAuthorizationDetails` (its maximum). */
const AUTHORIZATION_PAGE = 1000;

function documentOf(text: string | undefined, what: string): IamPolicyDocument {
  try {
    return parseIamPolicyDocument(text ?? '');
  } catch (e: unknown) {
    throw new StateReadError(`${what} is not a valid policy document`, { cause: e });
  }
}

/** Every function of the client's account and region, with its configuration, page by page. */
export async function listFunctions(lambda: LambdaClient): Promise<FunctionConfiguration[]> {
  const functions: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const out = await lambda.send(new ListFunctionsCommand({ Marker: marker, MaxItems: 50 }));
    for (const f of out.Functions ?? []) functions.push(FunctionConfigurationSchema.parse(f));
    marker = out.NextMarker === '' ? undefined : out.NextMarker;
  } while (marker !== undefined);
  return functions;
}

/**
 * The qualifiers of a function worth judging apart from `$LATEST`: its aliases, and the published
 * versions they point to (also through weighted routing), from one `ListAliases` call (a page of
 * 50 aliases; more pages only for functions with more). Versions no alias points to are not
 * listed (that would take a `ListVersionsByFunction` per function).
 */
export async function listQualifiers(lambda: LambdaClient, functionName: string): Promise<{ aliases: string[]; versions: string[] }> {
  const aliases: string[] = [];
  const versions = new Set<string>();
  let marker: string | undefined;
  do {
    const out = await lambda.send(new ListAliasesCommand({ FunctionName: functionName, Marker: marker, MaxItems: 50 }));
    for (const alias of out.Aliases ?? []) {
      if (alias.Name !== undefined) aliases.push(alias.Name);
      for (const version of [alias.FunctionVersion, ...Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {})]) {
        if (version !== undefined && /^\d+$/.test(version)) versions.add(version);
      }
    }
    marker = out.NextMarker === '' ? undefined : out.NextMarker;
  } while (marker !== undefined);
  return { aliases, versions: [...versions].sort((a, b) => Number(a) - Number(b)) };
}

/** Every layer version of the client's account and region (all versions of every layer). */
export async function listLayerVersions(lambda: LambdaClient, account: string, region: string): Promise<LayerVersionRef[]> {
  const layerArns: string[] = [];
  let marker: string | undefined;
  do {
    const out = await lambda.send(new ListLayersCommand({ Marker: marker, MaxItems: 50 }));
    for (const layer of out.Layers ?? []) if (layer.LayerArn !== undefined) layerArns.push(layer.LayerArn);
    marker = out.NextMarker === '' ? undefined : out.NextMarker;
  } while (marker !== undefined);
  const refs: LayerVersionRef[] = [];
  for (const layerArn of layerArns) {
    let versionMarker: string | undefined;
    do {
      const out = await lambda.send(new ListLayerVersionsCommand({ LayerName: layerArn, Marker: versionMarker, MaxItems: 50 }));
      for (const v of out.LayerVersions ?? []) {
        const ref = v.LayerVersionArn === undefined ? null : parseLayerVersion(v.LayerVersionArn, undefined, account, region);
        if (ref !== null) refs.push(ref);
      }
      versionMarker = out.NextMarker === '' ? undefined : out.NextMarker;
    } while (versionMarker !== undefined);
  }
  return refs;
}

/**
 * Every event-source mapping of the client's account and region, by the unqualified ARN of the function it
 * invokes (mappings on a version or alias count for the function): one `ListEventSourceMappings` without
 * `FunctionName`, 100 mappings a page, instead of one call per function.
 */
export async function listEventSourceMappings(lambda: LambdaClient, account: string, region: string): Promise<Map<string, EventSourceMapping[]>> {
  const byFunction = new Map<string, EventSourceMapping[]>();
  let marker: string | undefined;
  do {
    const out = await lambda.send(new ListEventSourceMappingsCommand({ Marker: marker, MaxItems: 100 }));
    for (const listed of out.EventSourceMappings ?? []) {
      const mapping = EventSourceMappingSchema.parse(listed);
      const ref = parseFunctionName(mapping.FunctionArn ?? '', account, region);
      if (ref?.account !== account || ref.region !== region) continue;
      const arn = functionArn({ ...ref, qualifier: undefined });
      byFunction.set(arn, [...(byFunction.get(arn) ?? []), mapping]);
    }
    marker = out.NextMarker === '' ? undefined : out.NextMarker;
  } while (marker !== undefined);
  return byFunction;
}

/** The log groups Lambda writes to by default (`/aws/lambda/…`) in the client's account and region, by name: 50 a page. */
export async function listFunctionLogGroups(logs: CloudWatchLogsClient): Promise<Map<string, NonNullable<FunctionLogGroup['group']>>> {
  const groups = new Map<string, NonNullable<FunctionLogGroup['group']>>();
  let token: string | undefined;
  do {
    const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/', nextToken: token, limit: 50 }));
    for (const g of out.logGroups ?? []) {
      if (g.logGroupName !== undefined) groups.set(g.logGroupName, { retentionInDays: g.retentionInDays ?? null, creationTime: g.creationTime ?? null });
    }
    token = out.nextToken === '' ? undefined : out.nextToken;
  } while (token !== undefined);
  return groups;
}

/** A managed policy's default version, as `GetAccountAuthorizationDetails` or `GetPolicy` + `GetPolicyVersion` give it. */
type ManagedPolicies = Map<string, AttachedRolePolicy>;

/**
 * Every role of the account with its trust policy, inline and attached policies (as `IamStateReader`
 * would read them one by one), keyed by role ARN. `usedByFunctions` is left to the caller.
 * Attached policies missing from the answer are read with `GetPolicy` + `GetPolicyVersion`, once
 * per policy (`shared` caches AWS managed ones across accounts).
 */
export async function listRoles(iam: IAMClient, account: string, region: string, shared: ManagedPolicies = new Map()): Promise<Map<string, RoleSnapshot>> {
  const details: RoleDetail[] = [];
  const policies: ManagedPolicies = new Map();
  let marker: string | undefined;
  do {
    const out = await iam.send(
      new GetAccountAuthorizationDetailsCommand({ Filter: ['Role', 'LocalManagedPolicy', 'AWSManagedPolicy'], Marker: marker, MaxItems: AUTHORIZATION_PAGE }),
    );
    details.push(...(out.RoleDetailList ?? []));
    for (const p of out.Policies ?? []) {
      const version = (p.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion === true);
      if (p.Arn === undefined || version === undefined) continue;
      policies.set(p.Arn, { arn: p.Arn, defaultVersionId: version.VersionId ?? p.DefaultVersionId ?? 'v1', document: documentOf(version.Document, `${p.Arn} ${String(version.VersionId)}`) });
    }
    marker = out.IsTruncated === true ? out.Marker : undefined;
  } while (marker !== undefined);

  const managed = async (arn: string): Promise<AttachedRolePolicy> => {
    const known = policies.get(arn) ?? shared.get(arn);
    if (known !== undefined) return known;
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    const defaultVersionId = policy.Policy?.DefaultVersionId ?? 'v1';
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: defaultVersionId }));
    const read = { arn, defaultVersionId, document: documentOf(version.PolicyVersion?.Document, `${arn} ${defaultVersionId}`) };
    (arn.includes(':iam::aws:policy/') ? shared : policies).set(arn, read);
    return read;
  };

  const roles = new Map<string, RoleSnapshot>();
  for (const d of details) {
    if (d.Arn === undefined || d.RoleName === undefined) continue;
    const ref = parseRoleName(d.Arn, account, region);
    if (ref === null) continue;
    const role: RoleDescription = {
      RoleName: d.RoleName,
      RoleId: d.RoleId,
      Arn: d.Arn,
      Path: d.Path ?? '/',
      CreateDate: d.CreateDate?.toISOString(),
      AssumeRolePolicyDocument: documentOf(d.AssumeRolePolicyDocument, `the trust policy of ${d.Arn}`),
      PermissionsBoundaryArn: d.PermissionsBoundary?.PermissionsBoundaryArn,
    };
    const inlinePolicies = Object.fromEntries(
      (d.RolePolicyList ?? []).flatMap((p) => (p.PolicyName === undefined ? [] : [[p.PolicyName, documentOf(p.PolicyDocument, `the inline policy ${p.PolicyName} of ${d.RoleName}`)] as const])),
    );
    const attachedPolicies: AttachedRolePolicy[] = [];
    for (const p of d.AttachedManagedPolicies ?? []) if (p.PolicyArn !== undefined) attachedPolicies.push(await managed(p.PolicyArn));
    roles.set(d.Arn, { kind: 'iam-role', ref, arn: d.Arn, role, inlinePolicies, attachedPolicies });
  }
  return roles;
}
