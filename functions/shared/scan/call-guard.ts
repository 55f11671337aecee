/**
 * Every AWS call of a scan goes through a `CallGuard`: a concurrency bound per key (one per account
 * and API: Lambda and IAM throttle low), a retry with exponential backoff and full jitter on
 * throttling, a count of the calls made (retries included), and optionally a list of the only APIs
 * it lets through (the audit role's actions: a call outside it fails before it is sent).
 */
import { WardenError } from '../errors';

/** A scan tried an API outside the guard's allowed list (the audit role would deny it): nothing was sent. */
export class CallNotAllowedError extends WardenError {}

/** Error names AWS services use for throttling (Lambda: TooManyRequestsException; IAM and most others: Throttling…). */
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
]);

/** True for an AWS throttling error (by name, by the SDK's `$retryable.throttling`, or HTTP 429). */
export function isThrottling(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (THROTTLING_NAMES.has(e.name)) return true;
  const meta = e as Error & { $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
  return meta.$retryable?.throttling === true || meta.$metadata?.httpStatusCode === 429;
}

/** A counting semaphore: at most `limit` holders at a time, the others wait in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`A limit must be a positive integer, not ${String(limit)}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.active -= 1;
      else next();
    }
  }
}

/** Runs `task` on every item with at most `limit` at a time; resolves when all are done. */
export async function forEachBounded<T>(items: Iterable<T>, limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const limiter = new Limiter(limit);
  await Promise.all([...items].map((item) => limiter.run(() => task(item))));
}

export interface RetryPolicy {
  /** Attempts per call, the first included (default 8). */
  readonly maxAttempts: number;
  /** The backoff of the first retry, doubled each time (default 100 ms). */
  readonly baseDelayMs: number;
  /** The longest backoff (default 5 s). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 5_000 };

export interface CallStats {
  /** Calls sent, retries included, by API (`lambda:GetPolicy`, `iam:GetAccountAuthorizationDetails` …). */
  readonly byApi: Readonly<Record<string, number>>;
  readonly total: number;
  /** Calls answered with a throttling error (each was retried or, after the last attempt, failed). */
  readonly throttled: number;
}

export interface CallGuardOptions {
  readonly retry?: Partial<RetryPolicy>;
  /** Random number in [0, 1) for the jitter (tests make it deterministic). */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** The only APIs (`lambda:GetPolicy` …) wrapped clients may send; absent: any. */
  readonly allowedApis?: readonly string[];
}

type Send = (command: object, options?: unknown) => Promise<unknown>;

/**
 * @example
 * const guard = new CallGuard();
 * const lambda = guard.wrap(await clients.client(LambdaClient, account, region), `lambda:${account}:${region}`, 8, 'lambda');
 * await lambda.send(new GetPolicyCommand({ FunctionName })); // bounded, retried on throttling, counted
 */
export class CallGuard {
  private readonly limiters = new Map<string, Limiter>();
  private readonly counts = new Map<string, number>();
  private throttledCount = 0;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly allowed: ReadonlySet<string> | undefined;

  constructor(options: CallGuardOptions = {}) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.allowed = options.allowedApis === undefined ? undefined : new Set(options.allowedApis);
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** The backoff before retry number `retry` (1-based): uniform in [0, min(max, base·2^(retry-1))]. */
  backoffMs(retry: number): number {
    return Math.floor(this.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (retry - 1)));
  }

  /** Runs one call under the key's bound, retrying throttling errors; the slot is free while backing off. */
  async call<T>(key: string, limit: number, api: string, call: () => Promise<T>): Promise<T> {
    let limiter = this.limiters.get(key);
    if (limiter === undefined) {
      limiter = new Limiter(limit);
      this.limiters.set(key, limiter);
    }
    for (let attempt = 1; ; attempt += 1) {
      this.counts.set(api, (this.counts.get(api) ?? 0) + 1);
      try {
        return await limiter.run(call);
      } catch (e: unknown) {
        if (!isThrottling(e) || attempt >= this.retry.maxAttempts) {
          if (isThrottling(e)) this.throttledCount += 1;
          throw e;
        }
        this.throttledCount += 1;
        await this.sleep(this.backoffMs(attempt));
      }
    }
  }

  /**
   * The same client, with every `send` going through {@link call} under `key` (counted as
   * `<service>:<Command name without "Command">`), refused with `CallNotAllowedError` when that API
   * is not in `allowedApis`. Other members are the client's own.
   */
  wrap<C extends object>(client: C, key: string, limit: number, service: string): C {
    return new Proxy(client, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'send' || typeof value !== 'function') return value;
        const send = value as Send;
        return (command: object, options?: unknown) => {
          const api = `${service}:${command.constructor.name.replace(/Command$/, '')}`;
          if (this.allowed !== undefined && !this.allowed.has(api)) return Promise.reject(new CallNotAllowedError(`${api} is not a call the scan may make (not an action of the audit role): not sent`));
          return this.call(key, limit, api, () => send.call(target, command, options));
        };
      },
    });
  }

  stats(): CallStats {
    const byApi = Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return { byApi, total: [...this.counts.values()].reduce((a, b) => a + b, 0), throttled: this.throttledCount };
  }
}
