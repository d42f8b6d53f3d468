// One pace for every connection attempt to edgeHub, whoever asks for it. After a drop the SDK
// reconnects from several places at once, each on its own schedule: its retries that subscribe
// again to methods and to desired properties (every operation retried at most 10 s apart, for 4
// minutes, before the client reports `disconnect`), and every send made while disconnected. So an
// edgeHub that refuses the module (CONNACK "not authorized") got a CONNECT every second or two from
// each device, never slowing down. Behind the gate a failed attempt holds the next one back by the
// backoff's next delay — growing, jittered, up to minutes — and one success starts over.
import { type Backoff, exponentialBackoff } from './backoff.js';

interface Waiter {
  timer: NodeJS.Timeout;
  reject(error: Error): void;
}

export class ConnectGate {
  private nextAttemptAt = 0;
  private readonly waiting = new Set<Waiter>();

  constructor(
    /** Told the delay each failed attempt puts before the next one. */
    private readonly onFailure: (error: Error, retryInMs: number) => void = () => {},
    private readonly backoff: Backoff = exponentialBackoff(),
    private readonly now: () => number = Date.now,
  ) {}

  msUntilNextAttempt(): number {
    return Math.max(0, this.nextAttemptAt - this.now());
  }

  /** Resolves when the next attempt may start; rejects when the waiting attempts are dropped. */
  beforeAttempt(): Promise<void> {
    const delayMs = this.msUntilNextAttempt();
    if (delayMs === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          resolve();
        }, delayMs),
        reject,
      };
      // A waiting reconnect does not keep a stopping agent alive.
      waiter.timer.unref();
      this.waiting.add(waiter);
    });
  }

  succeeded(): void {
    this.backoff.reset();
    this.nextAttemptAt = 0;
  }

  failed(error: Error): void {
    const retryInMs = this.backoff.next();
    this.nextAttemptAt = this.now() + retryInMs;
    this.onFailure(error, retryInMs);
  }

  /** The connection is being closed: attempts waiting for their turn fail instead of connecting later. */
  dropWaiting(): void {
    for (const waiter of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('disconnected while waiting to reconnect'));
    }
    this.waiting.clear();
  }
}
