// One attempt at a time: a call made while an attempt runs shares it and asks for one more right
// after, so bursts of changes coalesce into at most one attempt in flight and one waiting.

export class SingleFlight {
  private inFlight: Promise<void> | undefined;
  private again = false;

  constructor(private readonly attempt: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.attempt().finally(() => {
      this.inFlight = undefined;
      if (this.again) {
        this.again = false;
        // Its failure is the next caller's to hear about.
        this.run().catch(() => {});
      }
    });
    return this.inFlight;
  }
}
