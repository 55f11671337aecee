/**
 * The IAM actions a scan calls in a member account: the audit role's whole policy, and the only
 * APIs the scan's `CallGuard` lets through. Reads only (a test checks each against the IAM data).
 */
import { LAMBDA_READ_PERMISSIONS } from '../aws/lambda-state-reader';
import { LOGS_READ_PERMISSIONS } from '../aws/logs-state-reader';
import { SCAN_LIST_PERMISSIONS } from './scan-inventory';

/**
 * Sorted: the listings plus the per-resource reads of `LambdaStateReader` (policy, URL config, tags, layer policy,
 * qualified configuration) and the log-group reads (issue #17: `/aws/lambda/` groups listed per region, a custom
 * group described by name).
 */
export const SCAN_PERMISSIONS: readonly string[] = [...new Set<string>([...SCAN_LIST_PERMISSIONS, ...LAMBDA_READ_PERMISSIONS, ...LOGS_READ_PERMISSIONS])].sort();
