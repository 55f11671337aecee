/**
 * Last-known-good baselines: when every rule that judged a resource found it compliant, the
 * engine hands the snapshot to a keeper, which saves what a true revert needs (for environment
 * variables: names and keyed hashes, never values). Before the rules run, the keeper attaches the
 * saved baseline to the snapshot so rules can compare with it. Stored baselines are sealed with an
 * integrity tag (`baseline-integrity.ts`); one that fails it is attached as none, with `baselineRefused`.
 */
import type { ResourceKind, ResourceSnapshot, SnapshotByKind } from '../state/resources';

/** How the engine judged the snapshot it hands to `capture`. */
export interface CaptureOptions {
  /**
   * False when a rule found something: nothing of the snapshot is last-known-good, and only the
   * exemption tags are recorded (narrowed, or adopted as `adoptExemptionTags` says). Default true.
   */
  readonly compliant?: boolean;
  /**
   * Which `warden:exempt*` tags read now may enter the baseline: `all` (a scan of existing resources:
   * the tags were in place before any later change), the keys a configured tag principal just set, or
   * none (default: the stored exemption tags are only kept while the function still carries them unchanged).
   */
  readonly adoptExemptionTags?: 'all' | readonly string[];
  /** When the adopted exemption tags were set (a tag principal's event time); default: the capture time. */
  readonly exemptionTagsSetAt?: Date;
}

export interface BaselineKeeper {
  /** The snapshot with its last-known-good baseline attached (unchanged for kinds the keeper does not know). */
  attach<S extends ResourceSnapshot>(snapshot: S): Promise<S>;
  /**
   * As `attach`, for the snapshot of resource `arn` of `kind` still being read: the stored baseline is read
   * meanwhile, so the state and its baseline cost one round trip (issue #16). Without it, `attach` after the read.
   */
  attachWhileReading?<S extends ResourceSnapshot>(kind: ResourceKind, arn: string, reading: Promise<S>): Promise<S>;
  /** Saves the compliant parts of a snapshot as the new baseline (see {@link CaptureOptions}). */
  capture(snapshot: ResourceSnapshot, now: Date, options?: CaptureOptions): Promise<void>;
}

/** Where baselines are kept: in memory for tests and the CLI, DynamoDB when deployed. */
export interface BaselineStore {
  get(resourceArn: string): Promise<unknown>;
  put(resourceArn: string, baseline: unknown): Promise<void>;
}

/**
 * A `BaselineStore` in a Map (tests, `warden simulate`). Values are kept frozen, as given: the
 * keepers build a new baseline object for every change, so nothing is copied on the hot path.
 */
export class InMemoryBaselineStore implements BaselineStore {
  private readonly items = new Map<string, unknown>();

  get(resourceArn: string): Promise<unknown> {
    return Promise.resolve(this.items.get(resourceArn) ?? null);
  }

  put(resourceArn: string, baseline: unknown): Promise<void> {
    this.items.set(resourceArn, Object.freeze(baseline));
    return Promise.resolve();
  }

  /** Everything stored, as JSON text (tests check that no secret value is in it). */
  dump(): string {
    return JSON.stringify([...this.items.entries()]);
  }
}

/** The baseline logic of one resource kind (functions: issue #3; execution roles: issue #4). */
export interface KindBaselineKeeper<S extends ResourceSnapshot> {
  attach(snapshot: S): Promise<S>;
  /** See `BaselineKeeper.attachWhileReading` (keepers without it read the baseline after the state). */
  attachWhileReading?(arn: string, reading: Promise<S>): Promise<S>;
  capture(snapshot: S, now: Date, options?: CaptureOptions): Promise<void>;
}

export type KindBaselineKeepers = { readonly [K in ResourceKind]?: KindBaselineKeeper<SnapshotByKind[K]> };

/** A keeper that hands each snapshot to the keeper of its kind; kinds without one pass through. */
export function baselineKeeperByKind(keepers: KindBaselineKeepers): BaselineKeeper {
  const keeperOf = (snapshot: ResourceSnapshot): KindBaselineKeeper<ResourceSnapshot> | undefined =>
    keepers[snapshot.kind];
  return {
    async attach<S extends ResourceSnapshot>(snapshot: S): Promise<S> {
      const keeper = keeperOf(snapshot);
      return keeper === undefined ? snapshot : ((await keeper.attach(snapshot)) as S);
    },
    async attachWhileReading<S extends ResourceSnapshot>(kind: ResourceKind, arn: string, reading: Promise<S>): Promise<S> {
      const keeper = keepers[kind] as KindBaselineKeeper<ResourceSnapshot> | undefined;
      if (keeper?.attachWhileReading !== undefined) return (await keeper.attachWhileReading(arn, reading)) as S;
      const snapshot = await reading;
      const ofSnapshot = keeperOf(snapshot);
      return ofSnapshot === undefined ? snapshot : ((await ofSnapshot.attach(snapshot)) as S);
    },
    async capture(snapshot: ResourceSnapshot, now: Date, options?: CaptureOptions): Promise<void> {
      await keeperOf(snapshot)?.capture(snapshot, now, options);
    },
  };
}
