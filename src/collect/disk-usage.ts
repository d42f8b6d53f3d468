// The engine runs one /system/df at a time and refuses a second ("a disk usage operation is already
// running"), which happens whenever a health cycle measures volumes while a prune does: wait and ask again.

const RETRY_MS = 500;

export async function retryWhileDiskUsageRuns<T>(measure: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (;;) {
    try {
      return await measure();
    } catch (error) {
      const busy = /disk usage operation is already running/.test(String((error as { json?: { message?: string } }).json?.message ?? (error as Error).message));
      if (!busy || signal.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
