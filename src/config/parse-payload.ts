// Validation of JSON requests (direct method payloads, prune options), with errors that name the
// field. Bounded before it is parsed: a body over the size limit, nested too deep or holding one
// field twice (where JSON.parse would silently keep the last: {"dryRun": true, "dryRun": false})
// is refused naming the field. Errors describe a bad value by its type and length, never by
// echoing it whole, so an answer stays small whatever was sent.
import type { z } from 'zod';
import { describeIssue } from './resolve.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string; field?: string };

/** IoT Hub's limit for a method payload; a body over it was not sent by IoT Hub. */
export const PAYLOAD_MAX_BYTES = 128 * 1024;
/** Far deeper than any request this agent takes; deep enough for any honest payload. */
export const PAYLOAD_MAX_DEPTH = 16;
/** Longer values and field names are described (type and length), not shown. */
const SHOWN_MAX_CHARS = 80;

/** Validates a payload (null counts as none, as the service sends it); an error names the field, unknown ones included. */
export function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): Parsed<z.output<S>> {
  const parsed = schema.safeParse(payload ?? undefined);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const field = boundedName([...issue.path, issue.keys[0]].join('.'));
    return { ok: false, error: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.slice(0, 3).map((k) => `"${boundedName(k)}"`).join(', ')}${issue.keys.length > 3 ? ` and ${issue.keys.length - 3} more` : ''}`, field };
  }
  const field = boundedName(issue.path.join('.'));
  if (!field) return { ok: false, error: `payload: ${bounded(issue, payload)}` };
  const value = issue.path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], payload);
  return { ok: false, error: `${field}: ${bounded(issue, value)}`, field };
}

/** describeIssue, with a long value described instead of shown. */
function bounded(issue: z.core.$ZodIssue, value: unknown): string {
  const message = describeIssue(issue, value);
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length <= SHOWN_MAX_CHARS ? message : message.split(`got ${shown}`).join(`got ${describeValue(value)}`).slice(0, 400);
}

/** "a string of 120000 characters", "a list of 5000 items", "an object with 12 fields". */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (value !== null && typeof value === 'object') return `an object with ${Object.keys(value).length} fields`;
  return `a ${typeof value}`;
}

function boundedName(name: string): string {
  return name.length <= SHOWN_MAX_CHARS ? name : `${name.slice(0, SHOWN_MAX_CHARS - 1)}… (${name.length} characters)`;
}

/**
 * Parses a raw JSON body within the bounds: size, depth, each field at most once per object.
 * Empty means no payload (null).
 */
export function parseJsonBody(body: string, { maxBytes = PAYLOAD_MAX_BYTES, maxDepth = PAYLOAD_MAX_DEPTH } = {}): Parsed<unknown> {
  const bytes = Buffer.byteLength(body);
  if (bytes > maxBytes) return { ok: false, error: `payload: ${bytes} bytes, over the limit of ${maxBytes}` };
  if (body.trim() === '') return { ok: true, value: null };
  const problem = structureProblem(body, maxDepth);
  if (problem) return { ok: false, ...problem };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    return { ok: false, error: `payload: not JSON (${(error as Error).message.slice(0, 200)})` };
  }
}

interface Frame {
  kind: 'object' | 'array';
  keys: Set<string>;
  path: string;
  /** In an object: the next string is a field name. */
  expectingKey: boolean;
  lastKey?: string;
  /** In an array: the index of the current item. */
  index: number;
}

/** Walks the body's brackets and field names only (JSON.parse checks the rest): too deep, or a field given twice. */
function structureProblem(body: string, maxDepth: number): { error: string; field?: string } | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char === '"') {
      let end = i + 1;
      while (end < body.length && body[end] !== '"') end += body[end] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (top?.kind === 'object' && top.expectingKey) {
        let key: string;
        try {
          key = JSON.parse(body.slice(i, end + 1)) as string;
        } catch {
          return undefined; // JSON.parse names the syntax error.
        }
        const field = top.path ? `${top.path}.${key}` : key;
        if (top.keys.has(key)) return { error: `${boundedName(field)}: given more than once; each field may appear only once`, field: boundedName(field) };
        top.keys.add(key);
        top.lastKey = key;
        top.expectingKey = false;
      }
      i = end;
    } else if (char === '{' || char === '[') {
      if (stack.length >= maxDepth) return { error: `payload: nested deeper than ${maxDepth} levels` };
      const parent = stack.at(-1);
      const at = parent?.kind === 'object' ? parent.lastKey : parent ? String(parent.index) : undefined;
      const path = parent && at !== undefined ? (parent.path ? `${parent.path}.${at}` : at) : '';
      stack.push({ kind: char === '{' ? 'object' : 'array', keys: new Set(), path, expectingKey: char === '{', index: 0 });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',') {
      const top = stack.at(-1);
      if (top?.kind === 'object') top.expectingKey = true;
      else if (top) top.index += 1;
    }
  }
  return undefined;
}
