import { describe, expect, it } from "vitest";
import { nextTask, taskBreaks } from "../../core/task_breaks.ts";

/** Busy-waits `ms` on the thread, as a training batch on the CPU does. */
function busy(ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) { /* a batch */ }
}

describe("task breaks", () => {
  it("let a queued task (a stop message) run during a loop that awaits only settled promises", async () => {
    const stop = { aborted: false };
    const channel = new MessageChannel();
    channel.port1.onmessage = () => (stop.aborted = true);
    const t0 = Date.now();
    channel.port2.postMessage("stop");
    const pause = taskBreaks(50);
    let batches = 0;
    while (!stop.aborted && batches < 1000) {
      busy(5);
      batches++;
      await pause();
    }
    channel.port1.close();
    expect(stop.aborted).toBe(true);
    // seen at the first break, 50 ms of batches in, not after the 5 s the loop would take
    expect(Date.now() - t0).toBeLessThan(500);
    expect(batches).toBeGreaterThanOrEqual(10);
  });

  it("shows why they are needed: awaiting settled promises alone never lets the message in", async () => {
    const stop = { aborted: false };
    const channel = new MessageChannel();
    channel.port1.onmessage = () => (stop.aborted = true);
    channel.port2.postMessage("stop");
    for (let batch = 0; batch < 40; batch++) {
      busy(5);
      await Promise.resolve(); // what tfjs's cpu and wasm backends' data() amounts to
    }
    expect(stop.aborted).toBe(false);
    await nextTask();
    await nextTask();
    channel.port1.close();
    expect(stop.aborted).toBe(true);
  });

  it("costs nothing between breaks", async () => {
    let now = 0;
    const pause = taskBreaks(50, () => now);
    let settled = false;
    void pause().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(true); // not due: an already settled promise, no task
    now = 60;
    const due = pause();
    let ran = false;
    void due.then(() => (ran = true));
    await Promise.resolve();
    expect(ran).toBe(false); // due: it waits for the next task
    await due;
    expect(ran).toBe(true);
  });
});
