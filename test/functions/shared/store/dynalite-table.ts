/**
 * An independent DynamoDB implementation for tests (issue #16): `dynalite` (in process, on memory-level)
 * listening on a free local port, reached through the real `DynamoDBClient` with the endpoint set in the
 * client's configuration, as any AWS-compatible endpoint would be. It answers GetItem, PutItem, UpdateItem,
 * DeleteItem, Query, Scan and the batch calls; it does not implement TransactWriteItems (nor TransactGetItems),
 * and ignores `ReturnValuesOnConditionCheckFailure` (a refused conditional write carries no item).
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { afterAll, beforeAll } from 'vitest';

export interface DynaliteTable {
  /** A document client on the server, marshalling as the deployed functions do. */
  readonly documents: DynamoDBDocumentClient;
  /** Creates a new empty table shaped like the state table (`pk`, `sk` strings) and returns its name once it is ACTIVE. */
  newTable(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a dynalite server on 127.0.0.1 and a free port. */
export async function startDynalite(): Promise<DynaliteTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${String(port)}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'dynalite', secretAccessKey: 'dynalite' },
    // A loaded machine can be slow to answer; the SDK's default retries cover a dropped connection.
    maxAttempts: 5,
  });
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  let tables = 0;
  return {
    documents,
    async newTable() {
      tables += 1;
      const name = `warden-state-${String(tables)}`;
      await client.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      for (;;) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        if (Table?.TableStatus === 'ACTIVE') return name;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => {
        // Node calls back with null or undefined when the server closed cleanly.
        server.close((e) => {
          if (e instanceof Error) reject(e);
          else resolve();
        });
      });
    },
  };
}

/**
 * One dynalite server for the calling test file: started before its suites and stopped after them, with generous
 * timeouts for a loaded machine. Returns the server (throws when it did not start).
 */
export function dynaliteForFile(): () => DynaliteTable {
  let table: DynaliteTable | undefined;
  beforeAll(async () => {
    table = await startDynalite();
  }, 120_000);
  afterAll(async () => {
    await table?.stop();
  }, 60_000);
  return () => {
    if (table === undefined) throw new Error('dynalite did not start');
    return table;
  };
}
