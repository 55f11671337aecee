/** The exact call of a quarantine, without the SDK: shared by the action and the approval endpoint (which bundles no Lambda client). */
import { formatCall } from './action';

export function quarantineCall(functionName: string): string {
  return formatCall('lambda:PutFunctionConcurrency', { FunctionName: functionName, ReservedConcurrentExecutions: 0 });
}
