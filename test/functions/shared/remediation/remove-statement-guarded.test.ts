import { PreconditionFailedException, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { removeStatementGuarded } from '../../../../functions/shared/remediation/action';

function harness(options: { removeFails?: Error[]; sids?: string[] }) {
  const calls: string[] = [];
  const failures = [...(options.removeFails ?? [])];
  return {
    calls,
    read: () => {
      calls.push('read');
      return Promise.resolve({ sids: options.sids ?? ['open'], revisionId: 'rev-2' });
    },
    remove: (revisionId: string | undefined) => {
      calls.push(`remove:${revisionId ?? 'none'}`);
      const failure = failures.shift();
      return failure === undefined ? Promise.resolve() : Promise.reject(failure);
    },
  };
}

describe('removeStatementGuarded', () => {
  it('removes with the judged revision in one call', async () => {
    const h = harness({});
    expect(await removeStatementGuarded({ statementId: 'open', revisionId: 'rev-1', read: h.read, remove: h.remove })).toBe('removed');
    expect(h.calls).toEqual(['remove:rev-1']);
  });

  it('re-reads when the policy changed since it was judged, and removes with the new revision', async () => {
    const h = harness({ removeFails: [new PreconditionFailedException({ message: 'changed', $metadata: {} })] });
    expect(await removeStatementGuarded({ statementId: 'open', revisionId: 'rev-1', read: h.read, remove: h.remove })).toBe('removed');
    expect(h.calls).toEqual(['remove:rev-1', 'read', 'remove:rev-2']);
  });

  it('leaves the policy alone when the statement is gone after a change', async () => {
    const h = harness({ removeFails: [new PreconditionFailedException({ message: 'changed', $metadata: {} })], sids: ['other'] });
    expect(await removeStatementGuarded({ statementId: 'open', revisionId: 'rev-1', read: h.read, remove: h.remove })).toBe('absent');
    expect(h.calls).toEqual(['remove:rev-1', 'read']);
  });

  it('reports a statement Lambda no longer has as absent', async () => {
    const h = harness({ removeFails: [new ResourceNotFoundException({ message: 'gone', $metadata: {} })] });
    expect(await removeStatementGuarded({ statementId: 'open', revisionId: 'rev-1', read: h.read, remove: h.remove })).toBe('absent');
  });

  it('reads first without a revision id', async () => {
    const h = harness({});
    expect(await removeStatementGuarded({ statementId: 'open', revisionId: undefined, read: h.read, remove: h.remove })).toBe('removed');
    expect(h.calls).toEqual(['read', 'remove:rev-2']);
  });

  it('propagates any other error', async () => {
    const h = harness({ removeFails: [new Error('boom')] });
    await expect(removeStatementGuarded({ statementId: 'open', revisionId: 'rev-1', read: h.read, remove: h.remove })).rejects.toThrow('boom');
  });
});
