import { TooManyRequestsException, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { CallGuard, CallNotAllowedError, forEachBounded, isThrottling, Limiter } from '../../../../functions/shared/scan/call-guard';

const throttle = (): Error => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });

describe('isThrottling', () => {
  it.each([
    ['Lambda TooManyRequestsException', throttle(), true],
    ['IAM Throttling', Object.assign(new Error('x'), { name: 'Throttling' }), true],
    ['ThrottlingException', Object.assign(new Error('x'), { name: 'ThrottlingException' }), true],
    ['an HTTP 429 of another name', Object.assign(new Error('x'), { name: 'Other', $metadata: { httpStatusCode: 429 } }), true],
    ['the SDK throttling flag', Object.assign(new Error('x'), { name: 'Other', $retryable: { throttling: true } }), true],
    ['not found', new ResourceNotFoundException({ message: 'gone', $metadata: {} }), false],
    ['a string', 'Throttling', false],
  ])('%s → %s', (_what, error, expected) => {
    expect(isThrottling(error)).toBe(expected);
  });
});

describe('Limiter', () => {
  it('never runs more than its limit at once and runs everything', async () => {
    const limiter = new Limiter(3);
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, 1));
          active -= 1;
          done.push(i);
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('frees its slot when a task fails', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('refuses a limit below one', () => {
    expect(() => new Limiter(0)).toThrow(RangeError);
  });

  it('forEachBounded visits every item', async () => {
    const seen: number[] = [];
    await forEachBounded([1, 2, 3, 4], 2, (n) => {
      seen.push(n);
      return Promise.resolve();
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('CallGuard', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const high = new CallGuard({ random: () => 0.999, retry: { baseDelayMs: 100, maxDelayMs: 1_000 } });
    expect([1, 2, 3, 4, 5, 6].map((n) => high.backoffMs(n))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(new CallGuard({ random: () => 0 }).backoffMs(5)).toBe(0);
  });

  it('retries throttling until it succeeds, counting every attempt', async () => {
    const delays: number[] = [];
    const guard = new CallGuard({ random: () => 0.5, sleep: (ms) => (delays.push(ms), Promise.resolve()) });
    let attempts = 0;
    const result = await guard.call('k', 2, 'lambda:GetPolicy', () => {
      attempts += 1;
      return attempts < 3 ? Promise.reject(throttle()) : Promise.resolve('ok');
    });
    expect(result).toBe('ok');
    expect(delays).toEqual([50, 100]);
    expect(guard.stats()).toEqual({ byApi: { 'lambda:GetPolicy': 3 }, total: 3, throttled: 2 });
  });

  it('gives up after the last attempt and does not retry other errors', async () => {
    const guard = new CallGuard({ sleep: () => Promise.resolve(), retry: { maxAttempts: 3 } });
    await expect(guard.call('k', 1, 'a', () => Promise.reject(throttle()))).rejects.toThrow('Rate exceeded');
    await expect(guard.call('k', 1, 'b', () => Promise.reject(new Error('AccessDenied')))).rejects.toThrow('AccessDenied');
    expect(guard.stats()).toEqual({ byApi: { a: 3, b: 1 }, total: 4, throttled: 3 });
  });

  it('wraps a client: send is bounded, retried and counted by command; other members are the client’s', async () => {
    class GetPolicyCommand {
      constructor(readonly input: { FunctionName: string }) {}
    }
    let inFlight = 0;
    let peak = 0;
    const client = {
      region: 'eu-west-1',
      async send(command: GetPolicyCommand): Promise<string> {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
        return `${this.region}:${command.input.FunctionName}`;
      },
    };
    const guard = new CallGuard();
    const wrapped = guard.wrap(client, 'lambda:1:eu-west-1', 2, 'lambda');
    const out = await Promise.all(['a', 'b', 'c', 'd'].map((name) => wrapped.send(new GetPolicyCommand({ FunctionName: name }))));
    expect(out).toEqual(['eu-west-1:a', 'eu-west-1:b', 'eu-west-1:c', 'eu-west-1:d']);
    expect(peak).toBe(2);
    expect(wrapped.region).toBe('eu-west-1');
    expect(guard.stats().byApi).toEqual({ 'lambda:GetPolicy': 4 });
  });

  it('refuses an API outside allowedApis before sending it, and counts it nowhere', async () => {
    class GetPolicyCommand {
      constructor(readonly input: { FunctionName: string }) {}
    }
    class DeleteFunctionCommand {
      constructor(readonly input: { FunctionName: string }) {}
    }
    const sent: string[] = [];
    const client = { send: (command: GetPolicyCommand | DeleteFunctionCommand): Promise<string> => Promise.resolve(String(sent.push(command.constructor.name))) };
    const guard = new CallGuard({ allowedApis: ['lambda:GetPolicy'] });
    const wrapped = guard.wrap(client, 'lambda:1:eu-west-1', 2, 'lambda');
    await expect(wrapped.send(new DeleteFunctionCommand({ FunctionName: 'f' }))).rejects.toThrow(
      new CallNotAllowedError('lambda:DeleteFunction is not a call the scan may make (not an action of the audit role): not sent'),
    );
    await wrapped.send(new GetPolicyCommand({ FunctionName: 'f' }));
    expect(sent).toEqual(['GetPolicyCommand']);
    expect(guard.stats()).toEqual({ byApi: { 'lambda:GetPolicy': 1 }, total: 1, throttled: 0 });
  });
});
