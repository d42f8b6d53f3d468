// One destructive action at a time in this process: a second one is refused (409), not queued,
// so the caller knows its request did nothing and can retry. Dry runs do not take it.
//
// It is an in-process lock, not a lock file: the module and a CLI run on the host do not share a
// writable folder (the module mounts host paths read-only), and a lock file left by a crash would
// block pruning until someone deleted it. A CLI run racing the module stays safe because every
// delete is one engine call the engine refuses when the volume or image is in use, and a volume
// or image both remove is reported "already removed" by the second.

export interface LockHolder {
  action: string;
  requestedBy: string;
  since: Date;
}

export class ActionLock {
  private holder: LockHolder | undefined;

  /** Takes the lock and returns its release, or undefined when another action holds it. */
  tryAcquire(action: string, requestedBy: string, now = new Date()): (() => void) | undefined {
    if (this.holder) return undefined;
    const holder = { action, requestedBy, since: now };
    this.holder = holder;
    return () => {
      if (this.holder === holder) this.holder = undefined;
    };
  }

  get current(): LockHolder | undefined {
    return this.holder;
  }
}
