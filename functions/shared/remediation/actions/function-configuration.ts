/** The configuration read the Lambda configuration actions make before and after their write. */
import { GetFunctionConfigurationCommand, type GetFunctionConfigurationCommandOutput } from '@aws-sdk/client-lambda';
import { isNotFound, type ActionClients } from '../action';

/** `GetFunctionConfiguration` of the unqualified function; null when it no longer exists. */
export async function readFunctionConfiguration(clients: ActionClients, functionName: string): Promise<GetFunctionConfigurationCommandOutput | null> {
  try {
    return await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  } catch (e: unknown) {
    if (isNotFound(e)) return null;
    throw e;
  }
}
