/**
 * Where the heartbeat function keeps the last heartbeat of each account × region, and whether the
 * pair was reported silent. Its items live under their own partition key (`HEARTBEAT`), written and
 * read by the heartbeat function only. Every transition is a conditional write: a pair is reported
 * silent once, and recovered once, however many checks run.
 */

/** An account × region of the configuration. */
export interface HeartbeatPair {
  readonly account: string;
  readonly region: string;
}

export interface HeartbeatRecord extends HeartbeatPair {
  /** When the last heartbeat was sent (its scheduled time, never later than its arrival). */
  readonly lastSeen?: string;
  /** When the pair was first watched: its silence is counted from here until a first heartbeat arrives. */
  readonly watchedSince: string;
  /** Set while the pair is reported silent: the last sign of life when it was reported. */
  readonly silentSince?: string;
}

export interface HeartbeatStore {
  /** Records a heartbeat sent at `at`; a late (older) one never moves `lastSeen` back. */
  recordBeat(pair: HeartbeatPair, at: string): Promise<void>;
  /** Every record. */
  listBeats(): Promise<HeartbeatRecord[]>;
  /** Starts watching a pair that has no record; false when it has one. */
  startWatching(pair: HeartbeatPair, at: string): Promise<boolean>;
  /**
   * Marks a pair silent since `silentSince`, once: false when it is marked already or a heartbeat
   * arrived after the record was read (`lastSeen` is no longer the one judged).
   */
  markSilent(pair: HeartbeatPair, silentSince: string, judgedLastSeen: string | undefined): Promise<boolean>;
  /** Clears the mark set at `silentSince`, once: false when it was cleared already. */
  clearSilent(pair: HeartbeatPair, silentSince: string): Promise<boolean>;
  /** Puts a cleared mark back (the recovery could not be reported); false when a mark exists. */
  restoreSilent(pair: HeartbeatPair, silentSince: string): Promise<boolean>;
}

/** The sort key of a pair under the `HEARTBEAT` partition. */
export function heartbeatKey(pair: HeartbeatPair): string {
  return `${pair.account}#${pair.region}`;
}

/** A `HeartbeatStore` in process memory, with the same conditions as the DynamoDB one (tests). */
export class InMemoryHeartbeatStore implements HeartbeatStore {
  readonly records = new Map<string, HeartbeatRecord>();

  recordBeat(pair: HeartbeatPair, at: string): Promise<void> {
    const key = heartbeatKey(pair);
    const existing = this.records.get(key);
    if (existing?.lastSeen !== undefined && existing.lastSeen >= at) return Promise.resolve();
    this.records.set(key, { ...existing, account: pair.account, region: pair.region, watchedSince: existing?.watchedSince ?? at, lastSeen: at });
    return Promise.resolve();
  }

  listBeats(): Promise<HeartbeatRecord[]> {
    return Promise.resolve([...this.records.values()]);
  }

  startWatching(pair: HeartbeatPair, at: string): Promise<boolean> {
    const key = heartbeatKey(pair);
    if (this.records.has(key)) return Promise.resolve(false);
    this.records.set(key, { account: pair.account, region: pair.region, watchedSince: at });
    return Promise.resolve(true);
  }

  markSilent(pair: HeartbeatPair, silentSince: string, judgedLastSeen: string | undefined): Promise<boolean> {
    const key = heartbeatKey(pair);
    const existing = this.records.get(key);
    if (existing === undefined || existing.silentSince !== undefined || existing.lastSeen !== judgedLastSeen) return Promise.resolve(false);
    this.records.set(key, { ...existing, silentSince });
    return Promise.resolve(true);
  }

  clearSilent(pair: HeartbeatPair, silentSince: string): Promise<boolean> {
    const key = heartbeatKey(pair);
    const existing = this.records.get(key);
    if (existing?.silentSince !== silentSince) return Promise.resolve(false);
    this.records.set(key, { account: existing.account, region: existing.region, watchedSince: existing.watchedSince, ...(existing.lastSeen === undefined ? {} : { lastSeen: existing.lastSeen }) });
    return Promise.resolve(true);
  }

  restoreSilent(pair: HeartbeatPair, silentSince: string): Promise<boolean> {
    const key = heartbeatKey(pair);
    const existing = this.records.get(key);
    if (existing === undefined || existing.silentSince !== undefined) return Promise.resolve(false);
    this.records.set(key, { ...existing, silentSince });
    return Promise.resolve(true);
  }
}
