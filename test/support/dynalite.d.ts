/** Types for `dynalite` (an independent DynamoDB implementation on memory-level; test-only, ships no types). */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** Milliseconds a table stays CREATING / DELETING / UPDATING (default 500). */
    readonly createTableMs?: number;
    readonly deleteTableMs?: number;
    readonly updateTableMs?: number;
    /** Keep data on disk there (default: in memory). */
    readonly path?: string;
  }

  /** An HTTP server speaking DynamoDB's JSON protocol (not listening yet). */
  export default function dynalite(options?: DynaliteOptions): Server;
}
