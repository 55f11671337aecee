/**
 * The parts of a function's configuration that rules and baselines compare as sets: its VPC and its
 * layers. Pure.
 */
import type { VpcBaseline } from './baselines';
import type { FunctionConfiguration } from './resources';

/** The subnets, security groups and VPC of a configuration; null when the function runs outside a VPC. */
export function vpcOf(configuration: FunctionConfiguration): VpcBaseline | null {
  const vpc = configuration.VpcConfig;
  const subnetIds = [...(vpc?.SubnetIds ?? [])].sort();
  if (vpc === undefined || subnetIds.length === 0) return null;
  return { subnetIds, securityGroupIds: [...(vpc.SecurityGroupIds ?? [])].sort(), vpcId: vpc.VpcId === undefined || vpc.VpcId === '' ? null : vpc.VpcId };
}

/** The layer version ARNs of a configuration, in order. */
export function layersOf(configuration: FunctionConfiguration): string[] {
  return (configuration.Layers ?? []).map((layer) => layer.Arn);
}
