// Validation of JSON requests (direct method payloads, prune options), with errors that name the field.
import type { z } from 'zod';
import { describeIssue } from './resolve.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string; field?: string };

/** Validates a payload (null counts as none, as the service sends it); an error names the field, unknown ones included. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): Parsed<z.output<S>> {
  const parsed = schema.safeParse(payload ?? undefined);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') return { ok: false, error: describeIssue(issue, payload), field: [...issue.path, issue.keys[0]].join('.') };
  const field = issue.path.join('.');
  if (!field) return { ok: false, error: `payload: ${describeIssue(issue, payload)}` };
  const value = issue.path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], payload);
  return { ok: false, error: `${field}: ${describeIssue(issue, value)}`, field };
}
