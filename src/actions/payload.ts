// What a prune call may ask for: the same fields from a direct method payload and from the CLI.
// Strict: an unknown field is an error (a typo such as "dryrun" must never turn into a real run).
import { z } from 'zod';
import { describeIssue } from '../config/resolve.js';

const dryRun = z.boolean().default(true);
const names = z.array(z.string().min(1).max(512)).min(1).max(1000);
const olderThanHours = z.number().min(0).max(87600);

export const volumePrunePayload = z
  .strictObject({ dryRun, names: names.optional(), olderThanHours: olderThanHours.optional(), anonymousOnly: z.boolean().default(false) })
  .prefault({});
export const imagePrunePayload = z
  .strictObject({ dryRun, names: names.optional(), olderThanHours: olderThanHours.optional(), danglingOnly: z.boolean().default(false) })
  .prefault({});

export type VolumePruneOptions = z.output<typeof volumePrunePayload>;
export type ImagePruneOptions = z.output<typeof imagePrunePayload>;

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
