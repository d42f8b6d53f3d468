// What a prune call may ask for: the same fields from a direct method payload and from the CLI.
// Strict: an unknown field is an error (a typo such as "dryrun" must never turn into a real run).
import * as z from 'zod';

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
