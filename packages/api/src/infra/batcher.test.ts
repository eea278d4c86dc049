import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';

describe('Batcher', () => {
  it('handles the calls of one turn together, and those made meanwhile in the next batch', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(async (inputs) => {
      batches.push(inputs);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return inputs.map((input) => input * 10);
    });
    const first = [1, 2, 3].map((input) => batcher.run(input));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = [4, 5].map((input) => batcher.run(input));
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('caps a batch at its maximum size', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>(async (inputs) => {
      sizes.push(inputs.length);
      return inputs;
    }, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((input) => batcher.run(input)))).toEqual([1, 2, 3, 4, 5]);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('fails every call of a failed batch, and goes on with the next', async () => {
    let calls = 0;
    const batcher = new Batcher<number, number>(async (inputs) => {
      if (calls++ === 0) throw new Error('database away');
      return inputs;
    });
    const failed = [1, 2].map((input) => batcher.run(input).catch((error: Error) => error.message));
    expect(await Promise.all(failed)).toEqual(['database away', 'database away']);
    expect(await batcher.run(3)).toBe(3);
  });
});
