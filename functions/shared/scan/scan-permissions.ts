/**
 * The IAM actions a scan calls in a member account: the audit role's whole policy, and the only
 * APIs the scan's `CallGuard` lets through. Reads only (a test checks each against the IAM data).
 */
import { LAMBDA_READ_PERMISSIONS } from '../aws/lambda-state-reader';
import { LOGS_READ_PERMISSIONS } from '../aws/logs-state-reader';
import { LAMBDA_SETTINGS_READ_PERMISSIONS } from '../aws/lambda-state-reader';
import { API_GATEWAY_READ_PERMISSIONS } from '../aws/api-gateway-state-reader';
import { SCAN_LIST_PERMISSIONS } from './scan-inventory';
import { SCAN_API_GATEWAY_CALLS, SCAN_EC2_PERMISSIONS } from './scan-network-api';

/**
 * Sorted: the listings plus the per-resource reads of `LambdaStateReader` (policy, URL config, tags, layer policy,
 * qualified configuration) and the log-group reads (issue #17: `/aws/lambda/` groups listed per region, a custom
 * group described by name); issue #17's scan coverage: the egress rules of the VPC functions' security groups
 * (always), and what the `scan.*` opt-ins read — recursion, reserved concurrency, code signing (the settings reads of
 * `LambdaStateReader`) and APIs (`apigateway:GET`). Granted whether or not a key is on, so turning one on needs no
 * redeployment; the scan calls them only when it is.
 */
export const SCAN_PERMISSIONS: readonly string[] = [
  ...new Set<string>([...SCAN_LIST_PERMISSIONS, ...LAMBDA_READ_PERMISSIONS, ...LOGS_READ_PERMISSIONS, ...SCAN_EC2_PERMISSIONS, ...LAMBDA_SETTINGS_READ_PERMISSIONS, ...API_GATEWAY_READ_PERMISSIONS]),
].sort();

/**
 * The calls the scan's `CallGuard` lets through, by the name it counts them under (`<service>:<Command>`): the IAM
 * actions above, except that API Gateway's one action (`apigateway:GET`) stands for the named calls of
 * {@link SCAN_API_GATEWAY_CALLS}.
 */
export const SCAN_CALLS: readonly string[] = [...SCAN_PERMISSIONS.filter((action) => !action.startsWith('apigateway:')), ...Object.keys(SCAN_API_GATEWAY_CALLS)].sort();
