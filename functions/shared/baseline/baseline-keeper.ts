/**
 * Last-known-good baselines: when every rule that judged a resource found it compliant, the
 * engine hands the snapshot to a keeper, which saves what a true revert needs (for environment
 * variables: names and keyed hashes, never values). Before the rules run, the keeper attaches the
 * saved baseline to the snapshot so rules can compare with it.
 */
import type { ResourceKind, ResourceSnapshot, SnapshotByKind } from '../state/resources';

export interface BaselineKeeper {
  /** The snapshot with its last-known-good baseline attached (unchanged for kinds the keeper does not know). */
  attach<S extends ResourceSnapshot>(snapshot: S): Promise<S>;
  /** Saves the compliant parts of a snapshot as the new baseline. */
  capture(snapshot: ResourceSnapshot, now: Date): Promise<void>;
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
  capture(snapshot: S, now: Date): Promise<void>;
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
    async capture(snapshot: ResourceSnapshot, now: Date): Promise<void> {
      await keeperOf(snapshot)?.capture(snapshot, now);
    },
  };
}
