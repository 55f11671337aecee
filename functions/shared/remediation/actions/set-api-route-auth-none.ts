/** Restore of `set-api-route-auth-iam`: the route's authorization back to `NONE`, and its stage redeployed. */
import * as z from 'zod';
import { defineAction } from '../action';
import { API_ROUTE_AUTH_PERMISSIONS, apiRouteAuthUpdate, ApiRouteParamsSchema } from '../api-route-auth';

const Params = ApiRouteParamsSchema.extend({ authorizationType: z.literal('NONE') });
type Params = z.infer<typeof Params>;

export const setApiRouteAuthNone = defineAction<Params>({
  name: 'set-api-route-auth-none',
  permissions: [...API_ROUTE_AUTH_PERMISSIONS],
  paramsSchema: Params,
  ...apiRouteAuthUpdate<Params>('NONE', () => undefined),
});
