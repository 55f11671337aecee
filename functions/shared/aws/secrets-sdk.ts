/** The part of `@aws-sdk/client-secrets-manager` the keys are read with, imported only through `loadSecretsManager` (see `ec2-sdk.ts`). */
export { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
