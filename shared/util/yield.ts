/**
 * Gives the host's event loop a turn: a macrotask, so that requests (or UI events) that arrived
 * while a long computation ran are handled before it goes on. An awaited resolved promise is a
 * microtask and lets nothing in. `scheduler.yield` (browsers) keeps the task's priority; elsewhere
 * `setTimeout(0)`, which Workers, browsers and Node all have.
 */
declare const scheduler: { yield?: () => Promise<void> } | undefined;
declare function setTimeout(callback: () => void, ms: number): unknown;

export function yieldToHost(): Promise<void> {
  if (typeof scheduler !== 'undefined' && typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    setTimeout(resolve, 0);
  });
}
