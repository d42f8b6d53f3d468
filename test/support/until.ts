// Waiting in tests for what a real process does in its own time: polled, with a deadline that names what was awaited.

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first truthy value of `read` within `timeoutMs`; otherwise throws naming `what` and, if given, what was seen. */
export async function until<T>(what: string, read: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, seen?: () => unknown): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${seen ? `; seen: ${JSON.stringify(seen()).slice(0, 3000)}` : ''}`);
    await sleep(50);
  }
}
