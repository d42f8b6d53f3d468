// What a prune plans, carries out and answers. The plan is a pure function of the engine's state
// read at call time; a dry run answers the plan itself, a real run carries it out one item at a time.
import type { z } from 'zod';
import type { EngineConnection } from '../engine/connection.js';
import type { Config } from '../config/settings.js';
import { truncate } from '../truncate.js';

export type PruneKind = 'volumes' | 'images';

/** Everything a plan depends on besides the engine's state and the call's options. */
export interface PlanContext {
  config: Pick<Config, 'protectedVolumes' | 'protectLabel' | 'pruneOlderThanHours'>;
  now: Date;
  /** This module's own container, whose image is never removed. */
  selfContainerId?: string;
}

/** One kind of prune: how to read the engine, plan, measure and remove. Planning is pure; the rest is I/O. */
export interface PruneSpec<Schema extends z.ZodType, State> {
  /** The method name, also used in the action log. */
  action: 'pruneVolumes' | 'pruneImages';
  payload: Schema;
  /** The engine's state now; with `only` (a `ref`), enough of it to judge that one item again, right before its delete. */
  read(engine: EngineConnection, signal: AbortSignal, only?: string): Promise<State>;
  plan(state: State, options: z.output<Schema>, context: PlanContext): Plan;
  /** Bytes each removal would free, by `ref`; asked only when the plan removes something. */
  measure(engine: EngineConnection, signal: AbortSignal): Promise<ReadonlyMap<string, number>>;
  remove(engine: EngineConnection, ref: string, signal: AbortSignal): Promise<void>;
}

/** One thing the plan removes: `ref` is what the engine deletes (a volume name, an image ID). */
export interface Removal {
  name: string;
  ref: string;
  /** What removing it frees, as the engine measures it; null when it could not tell. */
  bytes: number | null;
}

export interface Skip {
  name: string;
  reason: string;
}

export interface Plan {
  remove: Removal[];
  skip: Skip[];
}

export interface Outcome {
  removed: Removal[];
  /** Kept by the plan: protected, in use, too young, not found. */
  skipped: Skip[];
  /** Planned, but the run could not remove them: in use by then, already gone, an engine error, the agent stopping. */
  notRemoved: Skip[];
  /** Set when the agent was stopping: the run ended after `after` of the plan's `of` deletes. */
  interrupted?: { after: number; of: number };
}

/** The answer of a method call and of `edge-health prune --json`. */
export interface PruneAnswer {
  dryRun: boolean;
  /** Removed (in a dry run: what a real run would remove now), the first LISTED_MAX. */
  removed: { name: string; bytes: number | null }[];
  removedCount: number;
  /** Not removed, with the reason: first those the run could not remove, then those the plan kept. */
  skipped: Skip[];
  skippedCount: number;
  /** How many of the skipped the plan meant to remove (0 in a dry run). */
  notRemovedCount: number;
  /** Sum of the known sizes of everything removed (or, in a dry run, to be removed). */
  reclaimedBytes: number;
  durationMs: number;
  /** Present when the agent was stopping: the run ended after `after` of `of` planned deletes. */
  interrupted?: { after: number; of: number };
}

/** Lists are cut here, and reasons (engine messages included) at REASON_MAX_CHARS, so an answer stays below the 128 KB of a method response. */
export const LISTED_MAX = 50;
const REASON_MAX_CHARS = 400;

export function toAnswer(outcome: Outcome, dryRun: boolean, durationMs: number): PruneAnswer {
  const skipped = [...outcome.notRemoved, ...outcome.skipped];
  return {
    dryRun,
    removed: outcome.removed.slice(0, LISTED_MAX).map(({ name, bytes }) => ({ name, bytes })),
    removedCount: outcome.removed.length,
    skipped: skipped.slice(0, LISTED_MAX).map(({ name, reason }) => ({ name, reason: truncate(reason, REASON_MAX_CHARS) })),
    skippedCount: skipped.length,
    notRemovedCount: outcome.notRemoved.length,
    reclaimedBytes: outcome.removed.reduce((sum, r) => sum + (r.bytes ?? 0), 0),
    durationMs,
    ...(outcome.interrupted ? { interrupted: outcome.interrupted } : {}),
  };
}

/**
 * The last look before a delete: the same rules as the plan, on the engine's state read just now,
 * for this one item. Undefined when it may still go; otherwise why it is kept (it gained a user,
 * a label, a tag, or is gone).
 */
export function recheck<State, Options extends { names?: string[] }>(
  plan: (state: State, options: Options, context: PlanContext) => Plan,
  fresh: State,
  options: Options,
  context: PlanContext,
  removal: Removal,
): string | undefined {
  const again = plan(fresh, { ...options, names: [removal.ref] }, context);
  if (again.remove.some((r) => r.ref === removal.ref)) return undefined;
  return `changed since the plan: ${again.skip[0]?.reason ?? 'no longer a candidate'}`;
}

/** Something considered for removal, under the name the answer shows; `unresolved` says why a requested name found nothing to remove. */
export type Candidate<T> = { name: string; item: T } | { name: string; unresolved: string };

/**
 * Builds a plan from the candidates in order: each is removed unless `keep` gives a reason.
 * Every candidate ends in exactly one of the two lists.
 */
export function planFrom<T>(candidates: readonly Candidate<T>[], keep: (item: T) => string | undefined, ref: (item: T) => string): Plan {
  const plan: Plan = { remove: [], skip: [] };
  for (const candidate of candidates) {
    const reason = 'unresolved' in candidate ? candidate.unresolved : keep(candidate.item);
    if (reason !== undefined) plan.skip.push({ name: candidate.name, reason });
    else if ('item' in candidate) plan.remove.push({ name: candidate.name, ref: ref(candidate.item), bytes: null });
  }
  return plan;
}

/** The plan with each removal's size, as measured (null where unknown). */
export function withSizes(plan: Plan, sizes: ReadonlyMap<string, number> | null): Plan {
  return { ...plan, remove: plan.remove.map((r) => ({ ...r, bytes: sizes?.get(r.ref) ?? null })) };
}

/** The requested names, each once, in the order given. */
export function distinct(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** Why something created at `createdAt` is too young to prune, or undefined when it is old enough (0 hours: any age). */
export function tooYoung(createdAt: string | undefined, olderThanHours: number, now: Date): string | undefined {
  if (olderThanHours === 0) return undefined;
  const created = createdAt ? Date.parse(createdAt) : Number.NaN;
  if (Number.isNaN(created)) return `creation time unknown, and only what is at least ${olderThanHours} h old is pruned (olderThanHours)`;
  const ageHours = (now.getTime() - created) / 3_600_000;
  if (ageHours >= olderThanHours) return undefined;
  return `created ${Math.max(0, ageHours).toFixed(1)} h ago, less than ${olderThanHours} h (olderThanHours)`;
}

const NAMES_IN_REASON = 3;
const NAME_CHARS_IN_REASON = 64;

/** "a, b, c and 4 more": bounded, so a reason stays short whatever the names. */
export function listBounded(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_IN_REASON).map((n) => truncate(n, NAME_CHARS_IN_REASON));
  const more = names.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

export function describeContainers(names: readonly string[]): string {
  return `container${names.length === 1 ? '' : 's'} ${listBounded(names)}`;
}
