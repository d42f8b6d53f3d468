// Direct methods: JSON payloads checked by schema, HTTP-style statuses, answers under the 128 KB limit.
import * as z from 'zod';
import { CHECKS } from '../checks/registry.js';
import { parsePayload } from '../config/parse-payload.js';
import type { Report } from '../report/build.js';
import { byWorstFirst } from '../report/compact.js';
import type { Cycle } from './cycle-runner.js';

export interface MethodAnswer {
  status: number;
  payload: unknown;
}

export type MethodHandler = (payload: unknown) => Promise<MethodAnswer>;

/** IoT Hub refuses method responses over 128 KB; keep a margin for the envelope. */
export const METHOD_RESPONSE_MAX_BYTES = 120_000;

const reportRequest = z
  .strictObject({
    checkId: z.string().min(1).optional(),
    detail: z.enum(['summary', 'full']).optional(),
  })
  .optional();
type ReportRequest = NonNullable<z.output<typeof reportRequest>>;
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
    runChecks: (payload) => withPayload(reportRequest, payload, async (request) => answerReport((await context.runCycle()).report, request ?? {})),
    getReport: (payload) =>
      withPayload(reportRequest, payload, async (request) => answerReport((context.lastCycle() ?? (await context.runCycle())).report, request ?? {})),
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

function answerReport(report: Report, request: ReportRequest): MethodAnswer {
  const { checkId, detail = 'summary' } = request;
  if (checkId !== undefined) {
    const summary = report.checks.find((c) => c.id === checkId);
    if (!summary) {
      const known = CHECKS.map((c) => c.id);
      const why = known.includes(checkId) ? 'is disabled on this device' : `is not a check (known: ${known.join(', ')})`;
      return { status: 404, payload: { error: `check "${checkId}" ${why}`, field: 'checkId' } };
    }
    const results = report.results.filter((r) => r.id === checkId);
    const engineDown = !report.sources.docker.ok && results.every((r) => r.status === 'skipped' && r.details.missingSources);
    const payload = bounded(summary.status, report, [summary], results);
    return engineDown ? { status: 503, payload: { error: `Docker engine unreachable: ${report.sources.docker.error}`, ...payload } } : { status: 200, payload };
  }
  const results = detail === 'full' ? report.results : report.results.filter((r) => r.status === 'warning' || r.status === 'error');
  return { status: 200, payload: bounded(report.status, report, report.checks, results) };
}

/** The answer with as many results as fit, worst first, and how many were left out. */
function bounded(status: Report['status'], report: Report, checks: Report['checks'], results: Report['results']) {
  const sorted = byWorstFirst(results);
  const make = (keep: number) => ({
    status,
    collectedAt: report.collectedAt,
    agent: report.agent,
    counts: report.counts,
    checks,
    results: sorted.slice(0, keep),
    moreResults: sorted.length - keep,
  });
  let keep = sorted.length;
  let answer = make(keep);
  while (keep > 0 && Buffer.byteLength(JSON.stringify(answer)) > METHOD_RESPONSE_MAX_BYTES) {
    keep = Math.floor(keep / 2);
    answer = make(keep);
  }
  return answer;
}
