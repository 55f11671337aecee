import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { BaselineKeyError, baselineKeyFromSecret } from '../../../../functions/shared/baseline/baseline-key';
import { FunctionBaselineKeeper, hashVariable } from '../../../../functions/shared/baseline/function-baseline';
import { InMemoryBaselineStore } from '../../../../functions/shared/baseline/baseline-keeper';
import { FUNCTION_ARN } from '../../../fixtures/accounts';
import { functionSnapshot } from '../../../fixtures/snapshots';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:999988887777:secret:warden/baseline-key-AbCdEf';
const KEY_TEXT = 'q8Vw3ZpL0tXk7Rj2Nc5Hs9Gm4Bd6Fy1QaE8uTo3Wi7Ky0';
const secrets = mockClient(SecretsManagerClient);
afterEach(() => {
  secrets.reset();
});

const source = () => baselineKeyFromSecret({ secretArn: SECRET_ARN, client: () => new SecretsManagerClient({ region: 'us-east-1' }) });

describe('baselineKeyFromSecret', () => {
  it('reads the key once per container and hashes with it', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: KEY_TEXT });
    const key = source();
    const store = new InMemoryBaselineStore();
    const keeper = new FunctionBaselineKeeper({ store, key });
    await keeper.capture(functionSnapshot({ configuration: { Environment: { Variables: { API_TOKEN: 'value-1' } } } }), new Date());
    await keeper.capture(functionSnapshot({ configuration: { Environment: { Variables: { API_TOKEN: 'value-2' } } } }), new Date());
    expect(await key()).toEqual(new TextEncoder().encode(KEY_TEXT));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    const stored = (await store.get(FUNCTION_ARN)) as { content: { environment: { value: Record<string, string> } } };
    expect(stored.content.environment.value.API_TOKEN).toBe(hashVariable(new TextEncoder().encode(KEY_TEXT), 'API_TOKEN', 'value-2'));
  });

  it('takes a binary secret as it is', async () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: bytes });
    expect(await source()()).toEqual(bytes);
  });

  it.each([
    ['too short', { SecretString: 'short-key-1234' }, /too short for the baseline key/],
    ['empty', {}, /holds no value/],
  ])('refuses a secret that is %s, without showing it', async (_name, output, message) => {
    secrets.on(GetSecretValueCommand).resolves(output);
    const error = await source()().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BaselineKeyError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(SECRET_ARN);
    expect((error as Error).message).not.toContain('short-key');
  });

  it('tries again after a failed read instead of keeping the failure', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: KEY_TEXT });
    const key = source();
    await expect(key()).rejects.toThrow(`Reading the baseline key from ${SECRET_ARN} failed: ThrottlingException`);
    expect(await key()).toEqual(new TextEncoder().encode(KEY_TEXT));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
