/**
 * Group commit for calls that each do the same round trips: calls made in the same turn of the event
 * loop, or while a batch is being handled, are handled together by one call of `handle` (at most
 * `maxSize` at a time, one batch at a time). `handle` returns one output per input, in order; when it
 * throws, every call of that batch fails with its error.
 */
export class Batcher<TInput, TOutput> {
  private readonly waiting: { input: TInput; resolve(output: TOutput): void; reject(error: unknown): void }[] = [];
  private busy = false;

  constructor(
    private readonly handle: (inputs: TInput[]) => Promise<TOutput[]>,
    private readonly maxSize = 100,
  ) {}

  run(input: TInput): Promise<TOutput> {
    return new Promise<TOutput>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.busy) return;
      this.busy = true;
      // After the current turn, so that the calls made alongside this one join its batch.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxSize);
      let outputs: TOutput[];
      try {
        outputs = await this.handle(batch.map((call) => call.input));
        if (outputs.length !== batch.length)
          throw new Error(`a batch of ${batch.length} gave ${outputs.length} results`);
      } catch (error) {
        for (const call of batch) call.reject(error);
        continue;
      }
      for (const [index, call] of batch.entries()) call.resolve(outputs[index] as TOutput);
    }
    this.busy = false;
  }
}
