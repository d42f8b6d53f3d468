// The shape of the engine's refusals as dockerode hands them over: the HTTP status and the
// engine's JSON answer. Read here only, so no other file guesses at it.

interface EngineError {
  statusCode?: number;
  json?: { message?: string } | null;
}

/** The HTTP status the engine answered with; undefined for errors that never reached it. */
export function engineStatus(error: unknown): number | undefined {
  return (error as EngineError | undefined)?.statusCode;
}

/** The engine's own words for a refusal ("conflict: unable to remove…"); undefined when it gave none. */
export function engineReason(error: unknown): string | undefined {
  return (error as EngineError | undefined)?.json?.message || undefined;
}

/** The request's outcome, or undefined when the engine answered one of `statuses` (gone since it was listed, say). */
export async function unlessEngineAnswers<T>(statuses: readonly number[], request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (statuses.includes(engineStatus(error) ?? 0)) return undefined;
    throw error;
  }
}
