// A process-level counter of `uncaughtException` and `unhandledRejection`: a test that must prove nothing
// fires after the caller has its answer (a timer destroying an unread body, a late rejection) reads it after
// waiting past every timeout it armed. Vitest fails the run on these too, but names no test.
export interface ProcessEvents {
  /** One line per event, labelled with what `label` was when it fired. */
  readonly fired: string[];
  /** Labels later events (the scenario running now). */
  label: string;
  stop(): void;
}

export function watchProcessEvents(): ProcessEvents {
  const w: ProcessEvents = {
    fired: [],
    label: "",
    stop() {
      process.off("unhandledRejection", onUnhandled);
      process.off("uncaughtException", onUncaught);
    },
  };
  const onUnhandled = (reason: unknown): void =>
    void w.fired.push(`${w.label} unhandledRejection: ${String(reason)}`);
  const onUncaught = (err: unknown): void =>
    void w.fired.push(`${w.label} uncaughtException: ${String(err)}`);
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUncaught);
  return w;
}

/** Resolves once `ms` has passed and a few more event-loop turns have run (events land in those). */
export async function pastTimers(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}
