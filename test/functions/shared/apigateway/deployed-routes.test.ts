import { describe, expect, it } from 'vitest';
import { deployedRoutes, invokedFunctionArn } from '../../../../functions/shared/apigateway/deployed-routes';
import { FUNCTION_ARN } from '../../../fixtures/accounts';
import { lambdaInvocationUri } from '../../../fixtures/api-gateway';

const integration = (uri: string) => ({ 'x-amazon-apigateway-integration': { type: 'aws_proxy', httpMethod: 'POST', uri } });

/** An OpenAPI 3.0 export with API Gateway's extensions, as GetExport (REST) and ExportApi (HTTP) return them. */
const EXPORTED = {
  openapi: '3.0.1',
  paths: {
    '/open': { post: integration(lambdaInvocationUri()) },
    '/iam': { get: { security: [{ sigv4: [] }], ...integration(lambdaInvocationUri()) } },
    '/key': { get: { security: [{ api_key: [] }], ...integration(lambdaInvocationUri()) } },
    '/custom': { get: { security: [{ tokenAuth: [] }], ...integration(lambdaInvocationUri()) } },
    '/cognito': { get: { security: [{ pool: [] }], ...integration(lambdaInvocationUri()) } },
    '/jwt': { get: { security: [{ jwtAuth: ['orders:read'] }], ...integration(FUNCTION_ARN) } },
    '/anyone-or-iam': { get: { security: [{ sigv4: [] }, {}], ...integration(FUNCTION_ARN) } },
    '/{proxy+}': { 'x-amazon-apigateway-any-method': integration('https://backend.example.com/{proxy}'), parameters: [] },
  },
  components: {
    securitySchemes: {
      sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' },
      tokenAuth: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'custom', 'x-amazon-apigateway-authorizer': { type: 'token', authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/x' } },
      pool: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'cognito_user_pools', 'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: [] } },
      jwtAuth: { type: 'oauth2', flows: {}, 'x-amazon-apigateway-authorizer': { type: 'jwt', jwtConfiguration: { audience: ['a'] } } },
    },
  },
};

describe('deployedRoutes', () => {
  it('reads each operation’s authorization and invoked function from an export', () => {
    expect(deployedRoutes(EXPORTED).map((r) => [`${r.method} ${r.path}`, r.authorization, r.functionArn])).toEqual([
      ['ANY /{proxy+}', 'NONE', null],
      ['GET /anyone-or-iam', 'NONE', FUNCTION_ARN],
      ['GET /cognito', 'COGNITO_USER_POOLS', FUNCTION_ARN],
      ['GET /custom', 'CUSTOM', FUNCTION_ARN],
      ['GET /iam', 'AWS_IAM', FUNCTION_ARN],
      ['GET /jwt', 'JWT', FUNCTION_ARN],
      ['GET /key', 'API_KEY', FUNCTION_ARN],
      ['POST /open', 'NONE', FUNCTION_ARN],
    ]);
  });

  it('applies the document-level security to operations without their own', () => {
    const routes = deployedRoutes({ ...EXPORTED, security: [{ sigv4: [] }] });
    expect(routes.find((r) => r.path === '/open')?.authorization).toBe('AWS_IAM');
  });

  it('resolves stage variables in the integration URI, and names no function for an unset one', () => {
    const uri = lambdaInvocationUri('arn:aws:lambda:us-east-1:111122223333:function:${stageVariables.fn}');
    expect(invokedFunctionArn(uri, { fn: 'orders-api' })).toBe(FUNCTION_ARN);
    expect(invokedFunctionArn(uri, {})).toBeNull();
    expect(invokedFunctionArn(`${FUNCTION_ARN}:live`)).toBe(`${FUNCTION_ARN}:live`);
    expect(invokedFunctionArn('https://example.com')).toBeNull();
  });

  it('refuses a document that is not an export', () => {
    expect(() => deployedRoutes({ paths: 'nope' })).toThrow();
  });
});
