// A raw GET with query options and a deadline, for the endpoints dockerode does not shape the way
// this agent needs.
import type Docker from 'dockerode';

export interface GetJsonOptions {
  /** The engine API path, e.g. /system/df. */
  path: string;
  query?: Record<string, string>;
  /** The request is aborted when it fires: the caller's deadline. */
  signal: AbortSignal;
}

/** A raw GET for endpoints dockerode does not pass query options to. */
export function getJson<T>(docker: Docker, { path, query = {}, signal }: GetJsonOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      // @types/docker-modem's DialOptions lacks abortSignal, which docker-modem honours.
      { path: `${path}?`, method: 'GET', options: query, abortSignal: signal, statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' } } as never,
      (error: unknown, data: unknown) => (error ? reject(error) : resolve(data as T)),
    );
  });
}
