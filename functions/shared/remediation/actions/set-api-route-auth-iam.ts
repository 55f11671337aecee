/** Requires IAM authorization (`AWS_IAM`) on one unauthenticated API Gateway route and redeploys the stage it was judged on. */
import * as z from 'zod';
import { defineAction } from '../action';
import { API_ROUTE_AUTH_PERMISSIONS, apiRouteAuthUpdate, ApiRouteParamsSchema } from '../api-route-auth';

const Params = ApiRouteParamsSchema.extend({
  authorizationType: z.literal('AWS_IAM'),
  /** The deployment the stage served when judged: a stage redeployed since is not touched. */
  deploymentId: z.string().min(1).max(64),
});
type Params = z.infer<typeof Params>;

export const setApiRouteAuthIam = defineAction<Params>({
  name: 'set-api-route-auth-iam',
  permissions: [...API_ROUTE_AUTH_PERMISSIONS],
  paramsSchema: Params,
  ...apiRouteAuthUpdate<Params>('AWS_IAM', (p) => p.deploymentId),
});
