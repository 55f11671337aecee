/**
 * A zod schema built on first use instead of at import (issue #16, the responder's module load: building
 * schemas is the largest share of it, and many are only ever needed by some paths — a CloudTrail event
 * never parses a GuardDuty, Inspector or Access Analyzer finding).
 *
 * `lazySchema(() => z.object(…))` returns a stand-in with the schema's own type: the first access to any
 * of its properties (`safeParse`, `optional`, `_zod` when another schema reads it …) builds the schema
 * once, and every access from then on is forwarded to that one schema. Validation is the schema's own:
 * nothing is skipped or loosened, only built later. Methods are forwarded unbound; zod's are closures over
 * their schema, so they behave exactly as on the built schema.
 */
export function lazySchema<T extends object>(build: () => T): T {
  return lazyObject(build);
}

/**
 * The same stand-in for any object built once on first use (a schema, or a value parsed by one such as
 * the default configuration). Not for values that are cloned with `structuredClone` (a Proxy is not cloneable).
 */
export function lazyObject<T extends object>(build: () => T): T {
  let built: T | undefined;
  const schema = (): T => (built ??= build());
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(schema(), key) as unknown,
    has: (_, key) => Reflect.has(schema(), key),
    set: (_, key, value) => Reflect.set(schema(), key, value),
    ownKeys: () => Reflect.ownKeys(schema()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), key);
      // The stand-in holds no own properties, so it may only report configurable ones (a Proxy invariant).
      return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(schema(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(schema(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
  });
}
