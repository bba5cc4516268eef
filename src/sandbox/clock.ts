// The sandbox's clock and scheduler: status changes run on timers every `stepMs`, and tests can speed them
// up (`stepMs`), run them at once (`advance`, `settle`) or move time on (token expiry). Every timer is
// tracked so close() leaves none behind.

export interface Clock {
  /** Epoch ms as the sandbox sees it (real time plus what `advanceTime` added). */
  now(): number;
  /** Moves the clock on, so tokens expire without waiting. */
  advanceTime(ms: number): void;
  /** Delay between two status steps; changing it applies to steps scheduled from now on. */
  stepMs: number;
  /** Runs the due-soonest pending steps now, up to `steps` of them; resolves with how many ran. */
  advance(steps?: number): number;
  /** Runs pending steps (and the steps they schedule) until none is left; bounded. */
  settle(maxSteps?: number): number;
  /** How many steps are pending. */
  readonly pending: number;
}

interface Task {
  due: number;
  seq: number;
  run: () => void;
  timer: ReturnType<typeof setTimeout>;
}

export class Scheduler implements Clock {
  private offset = 0;
  private seq = 0;
  private readonly tasks = new Set<Task>();
  private readonly sleeps = new Set<() => void>();
  private closed = false;

  constructor(public stepMs: number) {}

  now(): number {
    return Date.now() + this.offset;
  }

  advanceTime(ms: number): void {
    this.offset += ms;
  }

  get pending(): number {
    return this.tasks.size;
  }

  /** Runs `run` one step from now. */
  later(run: () => void, delayMs = this.stepMs): void {
    if (this.closed) return;
    const task: Task = {
      due: Date.now() + delayMs,
      seq: this.seq++,
      run,
      timer: setTimeout(() => this.fire(task), delayMs),
    };
    task.timer.unref?.();
    this.tasks.add(task);
  }

  private fire(task: Task): void {
    if (!this.tasks.delete(task)) return;
    clearTimeout(task.timer);
    task.run();
  }

  advance(steps = 1): number {
    let ran = 0;
    while (ran < steps && this.tasks.size) {
      const next = [...this.tasks].sort((a, b) => a.due - b.due || a.seq - b.seq)[0]!;
      this.fire(next);
      ran++;
    }
    return ran;
  }

  settle(maxSteps = 10_000): number {
    return this.advance(maxSteps);
  }

  /** A delay that close() cuts short (fault injection). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        this.sleeps.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleeps.add(done);
    });
  }

  close(): void {
    this.closed = true;
    for (const t of this.tasks) clearTimeout(t.timer);
    this.tasks.clear();
    for (const done of [...this.sleeps]) done();
  }
}
