/**
 * A tiny DynamoDB table behind `aws-sdk-client-mock` for `DynamoDBDocumentClient`: Put/Get/Update/Delete
 * and TransactWriteItems of Puts, Updates and ConditionChecks, with the condition and update expressions the state store uses, evaluated for real, so the
 * store's conditional writes are tested, not only the calls it makes.
 */
import { ConditionalCheckFailedException, DynamoDBServiceException, TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allows, type TableAction, type TableFunction } from '../../../../functions/shared/store/table-access';

type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

function tokenize(expression: string): string[] {
  return expression.match(/attribute_not_exists|attribute_exists|if_not_exists|<=|>=|<>|[=<>(),]|[#:]?[\w.-]+/g) ?? [];
}

function attributeName(token: string, names: Names): string {
  if (token.startsWith('#')) {
    const name = names?.[token];
    if (name === undefined) throw new Error(`unknown name ${token}`);
    return name;
  }
  return token;
}

function operandValue(token: string, item: Item | undefined, names: Names, values: Values): unknown {
  if (token.startsWith(':')) {
    if (values === undefined || !(token in values)) throw new Error(`unknown value ${token}`);
    return values[token];
  }
  return item?.[attributeName(token, names)];
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return op === '<>' ? a !== b : false;
  if (typeof a !== typeof b) return op === '<>';
  const x = a as string | number;
  const y = b as string | number;
  switch (op) {
    case '=':
      return x === y;
    case '<>':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    default:
      throw new Error(`unknown operator ${op}`);
  }
}

/** Evaluates `OR` of `AND` of terms: `attribute_(not_)exists(x)`, `(…)`, `a <op> b`. */
export function evaluateCondition(expression: string, item: Item | undefined, names: Names, values: Values): boolean {
  const tokens = tokenize(expression);
  let i = 0;
  const next = (): string => {
    const token = tokens[i++];
    if (token === undefined) throw new Error(`unexpected end of ${expression}`);
    return token;
  };
  function term(): boolean {
    const token = next();
    if (token === '(') {
      const value = or();
      if (next() !== ')') throw new Error('expected )');
      return value;
    }
    if (token === 'attribute_exists' || token === 'attribute_not_exists') {
      next();
      const name = attributeName(next(), names);
      next();
      const exists = item !== undefined && item[name] !== undefined;
      return token === 'attribute_exists' ? exists : !exists;
    }
    const op = next();
    return compare(op, operandValue(token, item, names, values), operandValue(next(), item, names, values));
  }
  function and(): boolean {
    let value = term();
    while (tokens[i] === 'AND') {
      i += 1;
      value = term() && value;
    }
    return value;
  }
  function or(): boolean {
    let value = and();
    while (tokens[i] === 'OR') {
      i += 1;
      value = and() || value;
    }
    return value;
  }
  const result = or();
  if (i !== tokens.length) throw new Error(`trailing tokens in ${expression}`);
  return result;
}

/** Applies `SET a = :v, b = if_not_exists(b, :w)`, `ADD c :n`, `DELETE s :set` and `REMOVE d` clauses. */
export function applyUpdate(expression: string, item: Item, names: Names, values: Values): Item {
  const out = { ...item };
  const clauses = expression.split(/\b(?=SET |ADD |REMOVE |DELETE )/);
  for (const clause of clauses) {
    const [keyword, ...rest] = clause.trim().split(/\s+/);
    const body = rest.join(' ');
    for (const part of body.split(/,(?![^(]*\))/).map((p) => p.trim()).filter(Boolean)) {
      if (keyword === 'SET') {
        const ifNotExists = /^([#\w]+)\s*=\s*if_not_exists\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)$/.exec(part);
        if (ifNotExists) {
          const name = attributeName(ifNotExists[1]!, names);
          if (out[attributeName(ifNotExists[2]!, names)] === undefined) out[name] = operandValue(ifNotExists[3]!, out, names, values);
          continue;
        }
        const set = /^([#\w]+)\s*=\s*(:\w+)$/.exec(part);
        if (!set) throw new Error(`unsupported SET ${part}`);
        out[attributeName(set[1]!, names)] = operandValue(set[2]!, out, names, values);
      } else if (keyword === 'ADD') {
        const [name, value] = part.split(/\s+/);
        const key = attributeName(name!, names);
        const operand = operandValue(value!, out, names, values);
        // ADD on a set is a union (string sets), on a number a sum.
        if (operand instanceof Set) out[key] = new Set([...((out[key] as Set<unknown> | undefined) ?? []), ...operand]);
        else out[key] = ((out[key] as number | undefined) ?? 0) + (operand as number);
      } else if (keyword === 'DELETE') {
        // DELETE takes elements out of a set; DynamoDB drops a set that becomes empty.
        const [name, value] = part.split(/\s+/);
        const key = attributeName(name!, names);
        const operand = operandValue(value!, out, names, values) as Set<unknown>;
        const left = [...((out[key] as Set<unknown> | undefined) ?? [])].filter((v) => !operand.has(v));
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- an emptied set is dropped, as DynamoDB does
        if (left.length === 0) delete out[key];
        else out[key] = new Set(left);
      } else if (keyword === 'REMOVE') {
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- REMOVE drops the attribute, as DynamoDB does
        delete out[attributeName(part, names)];
      } else throw new Error(`unsupported clause ${clause}`);
    }
  }
  return out;
}

/** The service's refusal; with `old` (asked for with `ReturnValuesOnConditionCheckFailure: ALL_OLD`) the item in wire form, as DynamoDB returns it. */
function conditionFailed(old?: Item): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(old === undefined ? {} : { Item: wireForm(old) }) });
}

/** The condition of one transaction entry. */
interface TransactEntry {
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Names;
  readonly ExpressionAttributeValues?: Values;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}

export interface FakeTable {
  readonly items: Map<string, Item>;
  /** Every command's name and input, in order. */
  readonly calls: { command: string; input: Record<string, unknown> }[];
  /** Requests the role's grants refused (when installed `as` a function). */
  readonly denied: { action: TableAction; pk: string; attributes: readonly string[] }[];
  /** Judges the next requests as this function's role would (undefined: no IAM check). */
  actAs(fn: TableFunction | undefined): void;
  /** Cancels the next `count` transactions for a conflict with another transaction (or with `code`, e.g. `ThrottlingError`), as DynamoDB may. */
  conflictNext(count: number, code?: string): void;
  restore(): void;
}

const EXPRESSION_WORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE', 'AND', 'OR', 'NOT', 'attribute_exists', 'attribute_not_exists', 'if_not_exists', 'begins_with', 'size']);

/** The top-level attribute names a request names, as IAM's `dynamodb:Attributes` sees them: the key, the item, the expressions. */
function requestAttributes(input: { Key?: Item; Item?: Item; UpdateExpression?: string; ConditionExpression?: string; ExpressionAttributeNames?: Names }): string[] {
  const bare = [input.UpdateExpression, input.ConditionExpression].flatMap((e) => (e === undefined ? [] : (e.match(/(?<![#:\w])[A-Za-z_]\w*/g) ?? []))).filter((w) => !EXPRESSION_WORDS.has(w));
  return [...new Set([...Object.keys(input.Key ?? {}), ...Object.keys(input.Item ?? {}), ...Object.values(input.ExpressionAttributeNames ?? {}), ...bare])].sort();
}

/** String and number attributes as DynamoDB puts them on the wire (what an error carries: the document client does not unmarshall errors). */
function wireForm(item: Item): NonNullable<CancellationReason['Item']> {
  const out: NonNullable<CancellationReason['Item']> = {};
  for (const [key, value] of Object.entries(item)) {
    if (typeof value === 'string') out[key] = { S: value };
    else if (typeof value === 'number') out[key] = { N: String(value) };
  }
  return out;
}

function accessDenied(action: string): DynamoDBServiceException {
  return new DynamoDBServiceException({ name: 'AccessDeniedException', $fault: 'client', message: `not authorized to perform ${action}`, $metadata: {} });
}

/**
 * Installs the fake table behind every `DynamoDBDocumentClient`. With `as`, every request is first
 * judged by that function's grants (`TABLE_ACCESS`: LeadingKeys, Attributes, ReturnValues), as IAM
 * would, and refused with AccessDeniedException when none allows it.
 */
export function installDynamoDbFake(options: { readonly as?: TableFunction } = {}): FakeTable {
  const items = new Map<string, Item>();
  const calls: FakeTable['calls'] = [];
  const denied: FakeTable['denied'] = [];
  let role = options.as;
  let conflicts = 0;
  let conflictCode = 'TransactionConflict';
  const guard = (action: TableAction, input: { Key?: Item; Item?: Item; UpdateExpression?: string; ConditionExpression?: string; ExpressionAttributeNames?: Names; ReturnValues?: string }): void => {
    if (role === undefined) return;
    const pk = String((input.Key ?? input.Item)?.pk);
    const attributes = requestAttributes(input);
    if (!allows(role, { action, pk, attributes, returnValues: input.ReturnValues })) {
      denied.push({ action, pk, attributes });
      throw accessDenied(action);
    }
  };
  const mock = mockClient(DynamoDBDocumentClient);
  const keyOf = (key: Record<string, unknown> | undefined): string => `${String(key?.pk)}\u0000${String(key?.sk)}`;
  // Each handler runs synchronously between awaits, like DynamoDB's per-item atomicity.
  mock.on(PutCommand).callsFake((input: { Item: Item; ConditionExpression?: string; ExpressionAttributeNames?: Names; ExpressionAttributeValues?: Values; ReturnValuesOnConditionCheckFailure?: string }) => {
    calls.push({ command: 'Put', input });
    guard('dynamodb:PutItem', input);
    const key = keyOf(input.Item);
    const existing = items.get(key);
    if (input.ConditionExpression !== undefined && !evaluateCondition(input.ConditionExpression, existing, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
      throw conditionFailed(input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? existing : undefined);
    }
    items.set(key, structuredClone(input.Item));
    return {};
  });
  // All conditions first, then all writes (atomic, as DynamoDB's transactions). A cancelled transaction
  // answers as the service does: one reason per item, the old item in wire form where it was asked for.
  // Transactions of Puts and ConditionChecks (each judged as PutItem / ConditionCheckItem by the role's grants).
  // Updates (judged as UpdateItem) are applied to the item as it was before the transaction, as DynamoDB does.
  mock.on(TransactWriteCommand).callsFake(
    (input: { TransactItems: { Put?: TransactEntry & { Item: Item }; ConditionCheck?: TransactEntry & { Key: Item }; Update?: TransactEntry & { Key: Item; UpdateExpression: string } }[] }) => {
    calls.push({ command: 'TransactWrite', input });
    const entries = input.TransactItems.map((entry) => {
      if (entry.Put !== undefined) return { ...entry.Put, key: entry.Put.Item, write: () => entry.Put?.Item ?? {}, action: 'dynamodb:PutItem' as const };
      if (entry.Update !== undefined) {
        const update = entry.Update;
        const write = (): Item => applyUpdate(update.UpdateExpression, items.get(keyOf(update.Key)) ?? { ...update.Key }, update.ExpressionAttributeNames, update.ExpressionAttributeValues);
        return { ...update, key: update.Key, write, action: 'dynamodb:UpdateItem' as const };
      }
      if (entry.ConditionCheck !== undefined) return { ...entry.ConditionCheck, key: entry.ConditionCheck.Key, write: undefined, action: 'dynamodb:ConditionCheckItem' as const };
      throw new Error('the fake table runs transactions of Puts, Updates and ConditionChecks only');
    });
    for (const entry of entries) guard(entry.action, entry.action === 'dynamodb:PutItem' ? { ...entry, Item: entry.key } : { ...entry, Key: entry.key });
    if (conflicts > 0) {
      conflicts -= 1;
      throw new TransactionCanceledException({ message: `Transaction cancelled [${conflictCode}]`, $metadata: {}, CancellationReasons: entries.map(() => ({ Code: conflictCode })) });
    }
    const reasons: CancellationReason[] = entries.map((entry) => {
      const existing = items.get(keyOf(entry.key));
      if (entry.ConditionExpression === undefined || evaluateCondition(entry.ConditionExpression, existing, entry.ExpressionAttributeNames, entry.ExpressionAttributeValues)) return { Code: 'None' };
      return { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', ...(entry.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && existing !== undefined ? { Item: wireForm(existing) } : {}) };
    });
    if (reasons.some((r) => r.Code !== 'None')) {
      throw new TransactionCanceledException({ message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code ?? 'None').join(', ')}]`, $metadata: {}, CancellationReasons: reasons });
    }
    const written = entries.flatMap((entry) => (entry.write === undefined ? [] : [{ key: keyOf(entry.key), item: structuredClone(entry.write()) }]));
    for (const { key, item } of written) items.set(key, item);
    return {};
  });
  mock.on(GetCommand).callsFake((input: { Key: Item }) => {
    calls.push({ command: 'Get', input });
    guard('dynamodb:GetItem', input);
    const item = items.get(keyOf(input.Key));
    return item === undefined ? {} : { Item: structuredClone(item) };
  });
  mock.on(DeleteCommand).callsFake((input: { Key: Item; ConditionExpression?: string; ExpressionAttributeNames?: Names; ExpressionAttributeValues?: Values }) => {
    calls.push({ command: 'Delete', input });
    guard('dynamodb:DeleteItem', input);
    const key = keyOf(input.Key);
    if (input.ConditionExpression !== undefined && !evaluateCondition(input.ConditionExpression, items.get(key), input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
      throw conditionFailed();
    }
    items.delete(key);
    return {};
  });
  mock.on(UpdateCommand).callsFake(
    (input: { Key: Item; UpdateExpression: string; ConditionExpression?: string; ExpressionAttributeNames?: Names; ExpressionAttributeValues?: Values; ReturnValues?: string }) => {
      calls.push({ command: 'Update', input });
      guard('dynamodb:UpdateItem', input);
      const key = keyOf(input.Key);
      const existing = items.get(key);
      if (input.ConditionExpression !== undefined && !evaluateCondition(input.ConditionExpression, existing, input.ExpressionAttributeNames, input.ExpressionAttributeValues)) {
        throw conditionFailed();
      }
      const updated = applyUpdate(input.UpdateExpression, existing ?? { ...input.Key }, input.ExpressionAttributeNames, input.ExpressionAttributeValues);
      items.set(key, updated);
      if (input.ReturnValues === 'ALL_NEW') return { Attributes: structuredClone(updated) };
      if (input.ReturnValues === 'UPDATED_NEW') {
        const changed = Object.fromEntries(Object.entries(updated).filter(([k, v]) => existing?.[k] !== v));
        return { Attributes: changed };
      }
      return {};
    },
  );
  // Query by partition key only (`#pk = :pk`), items in sort key order, one page.
  mock.on(QueryCommand).callsFake((input: { KeyConditionExpression: string; ExpressionAttributeNames?: Names; ExpressionAttributeValues?: Values }) => {
    calls.push({ command: 'Query', input });
    const keyMatch = /^\s*(#?\w+)\s*=\s*(:\w+)\s*$/.exec(input.KeyConditionExpression);
    if (keyMatch) guard('dynamodb:Query', { Key: { pk: operandValue(keyMatch[2]!, undefined, input.ExpressionAttributeNames, input.ExpressionAttributeValues) } });
    const match = /^\s*(#?\w+)\s*=\s*(:\w+)\s*$/.exec(input.KeyConditionExpression);
    if (!match || attributeName(match[1]!, input.ExpressionAttributeNames) !== 'pk') throw new Error(`unsupported KeyConditionExpression ${input.KeyConditionExpression}`);
    const pk = operandValue(match[2]!, undefined, input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const found = [...items.values()].filter((item) => item.pk === pk).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    return { Items: found.map((item) => structuredClone(item)) };
  });
  return {
    items,
    calls,
    denied,
    actAs: (fn) => {
      role = fn;
    },
    conflictNext: (count, code = 'TransactionConflict') => {
      conflicts = count;
      conflictCode = code;
    },
    restore: () => {
      mock.restore();
    },
  };
}
