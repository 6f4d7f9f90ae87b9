/** Pushed values read as an async iterator, with the end or a failure after them. */
export class EventQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private done = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  push(item: T) {
    this.items.push(item);
    this.wake?.();
  }

  end() {
    this.done = true;
    this.wake?.();
  }

  fail(err: Error) {
    this.failure ??= err;
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.items.length) yield this.items.shift()!;
      else if (this.failure) throw this.failure;
      else if (this.done) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
