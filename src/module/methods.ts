// Direct methods: JSON payloads checked by schema, HTTP-style statuses; report/ renders the answers.
import { z } from 'zod';
import { parsePayload } from '../config/parse-payload.js';
import { type MethodAnswer, reportAnswer } from '../report/report-answer.js';
import type { Cycle } from './cycle-runner.js';

export type { MethodAnswer } from '../report/report-answer.js';

export type MethodHandler = (payload: unknown) => Promise<MethodAnswer>;

const reportRequest = z
  .strictObject({
    checkId: z.string().min(1).optional(),
    detail: z.enum(['summary', 'full']).optional(),
  })
  .optional();
const noFields = z.strictObject({}).optional();

export interface ReadMethodsContext {
  /** Runs a cycle now, or joins the one running. */
  runCycle: () => Promise<Cycle>;
  lastCycle: () => Cycle | undefined;
  /** The effective configuration, where each value came from, and the desired state it was built from. */
  describeConfig: () => unknown;
}

export function readMethods(context: ReadMethodsContext): Record<string, MethodHandler> {
  return {
    runChecks: (payload) => withPayload(reportRequest, payload, async (request) => reportAnswer((await context.runCycle()).report, request ?? {})),
    getReport: (payload) =>
      withPayload(reportRequest, payload, async (request) => reportAnswer((context.lastCycle() ?? (await context.runCycle())).report, request ?? {})),
    getConfig: (payload) => withPayload(noFields, payload, async () => ({ status: 200, payload: context.describeConfig() })),
  };
}

/** A payload error names the field, as `checkId: expected a string, got 5`. */
export function badRequest(error: string, field?: string): MethodAnswer {
  return { status: 400, payload: { error, ...(field ? { field } : {}) } };
}

export async function guarded(handler: () => Promise<MethodAnswer>): Promise<MethodAnswer> {
  try {
    return await handler();
  } catch (error) {
    return { status: 500, payload: { error: `unexpected: ${(error as Error).message}` } };
  }
}

/** Validates the payload (null counts as none: the service sends it for "no payload"), then answers; 400 names the field. */
export async function withPayload<S extends z.ZodType>(
  schema: S,
  payload: unknown,
  handle: (request: z.output<S>) => Promise<MethodAnswer>,
): Promise<MethodAnswer> {
  const parsed = parsePayload(schema, payload);
  return parsed.ok ? guarded(() => handle(parsed.value)) : badRequest(parsed.error, parsed.field);
}

