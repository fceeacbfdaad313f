// A training loop on the CPU or wasm awaits only promises that are already settled (tfjs's cpu and wasm backends
// answer `data()` at once), so it runs as one long task: a worker's "stop" message or a SIGINT listener, each a task
// of its own, waits until the epoch ends and the store's write finally lets the event loop turn. Loops take a break
// every few tens of milliseconds so such tasks run between batches.

type Port = { onmessage: ((event: unknown) => void) | null; postMessage(message: unknown): void; close(): void };
const platform = globalThis as unknown as {
  MessageChannel?: new () => { port1: Port; port2: Port };
  setTimeout?: (run: () => void, ms: number) => unknown;
};

/**
 * Resolves once the tasks queued now have had their turn. A message on a fresh channel is the next task without the
 * 4 ms clamp a chain of `setTimeout(0)` gets; runtimes without MessageChannel use a timeout.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const Channel = platform.MessageChannel;
    if (!Channel) {
      if (!platform.setTimeout) throw new TypeError("This runtime has neither MessageChannel nor setTimeout to let queued tasks run");
      platform.setTimeout(resolve, 0);
      return;
    }
    const { port1, port2 } = new Channel();
    port1.onmessage = () => {
      // closed ports keep no Deno or Node process alive
      port1.close();
      port2.close();
      resolve();
    };
    port2.postMessage(0);
  });
}

/**
 * A break-taker for a busy loop: `await pause()` after each step lets queued tasks run when `everyMs` of work has
 * passed since the last break, and otherwise costs one settled promise.
 * @example const pause = taskBreaks(); for (const batch of batches) { step(batch); await pause(); if (signal.aborted) break; }
 */
export function taskBreaks(everyMs = 50, now: () => number = Date.now): () => Promise<void> {
  let last = now();
  const settled = Promise.resolve();
  return () => {
    if (now() - last < everyMs) return settled;
    return nextTask().then(() => void (last = now()));
  };
}
