/**
 * The IAM actions a scan calls in a member account: the audit role's whole policy, and the only
 * APIs the scan's `CallGuard` lets through. Reads only (a test checks each against the IAM data).
 */
import { LAMBDA_READ_PERMISSIONS } from '../aws/lambda-state-reader';
import { SCAN_LIST_PERMISSIONS } from './scan-inventory';

/** Sorted: the listings plus the per-resource reads of `LambdaStateReader` (policy, URL config, tags, layer policy, qualified configuration). */
export const SCAN_PERMISSIONS: readonly string[] = [...new Set<string>([...SCAN_LIST_PERMISSIONS, ...LAMBDA_READ_PERMISSIONS])].sort();
