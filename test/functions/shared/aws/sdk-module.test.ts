import { describe, expect, it } from 'vitest';
import { moduleExports } from '../../../../functions/shared/aws/sdk-module';

class Command {
  readonly name = 'Command';
}

describe('moduleExports', () => {
  it('takes the named exports when the namespace has them', () => {
    const loaded = { Command };
    expect(moduleExports(loaded, 'Command').Command).toBe(Command);
  });

  it('takes them from `default` when a bundle hands a CommonJS package over that way', () => {
    const loaded = { default: { Command } } as unknown as { Command: typeof Command };
    expect(moduleExports(loaded, 'Command').Command).toBe(Command);
  });

  it('throws naming the export when neither has it', () => {
    const loaded = { default: {} } as unknown as { Command: typeof Command };
    expect(() => moduleExports(loaded, 'Command')).toThrow('no export Command');
  });
});
