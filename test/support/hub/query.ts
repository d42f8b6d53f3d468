// A small subset of the IoT Hub query language, enough for operators' twin queries:
//   SELECT * | <path> [AS <alias>], … FROM devices.modules [WHERE <path> = | != <literal> [AND …]]
// where a term may also be a parenthesised conjunction, `(a = 1 AND b != 'x')`.
// Paths are dotted (properties.reported.health.status); literals are 'strings', numbers,
// true, false or null. A projected path is named by its alias or its last segment, and left
// out where a twin lacks it. Anything else is refused with a 400 naming what is unsupported.
import { HubError } from './hub-error.js';
import type { Json, JsonObject } from './twin.js';

const QUERY = /^\s*SELECT\s+(.+?)\s+FROM\s+(\S+)(?:\s+WHERE\s+(.+?))?\s*$/is;
const PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const PROJECTION = /^(\S+?)(?:\s+AS\s+(\w+))?$/i;
const CONDITION = /^(\S+?)\s*(=|!=|<>)\s*(.+)$/;

function unsupported(what: string): HubError {
  return new HubError(400, 'BadRequest', `the test hub's query subset does not support ${what}`);
}

function checkedPath(path: string): string[] {
  if (!PATH.test(path)) throw unsupported(`the path ${JSON.stringify(path)}`);
  return path.split('.');
}

function valueAt(document: JsonObject, path: string[]): Json | undefined {
  let value: Json | undefined = document;
  for (const segment of path) value = typeof value === 'object' && value !== null && !Array.isArray(value) ? value[segment] : undefined;
  return value;
}

function literal(text: string): Json {
  const string = /^'((?:[^']|'')*)'$/.exec(text.trim());
  if (string) return string[1].replaceAll("''", "'");
  try {
    const value = JSON.parse(text) as Json;
    if (value === null || typeof value !== 'object') return value;
  } catch {
    // fall through to the error below
  }
  throw unsupported(`the literal ${text.trim()}`);
}

type Predicate = (document: JsonObject) => boolean;

function condition(text: string): Predicate {
  const match = CONDITION.exec(text.trim());
  if (!match) throw unsupported(`the condition ${JSON.stringify(text.trim())}`);
  const path = checkedPath(match[1]);
  const expected = literal(match[3]);
  const equal = match[2] === '=';
  return (document) => (valueAt(document, path) === expected) === equal;
}

type Projection = (document: JsonObject) => JsonObject;

function projection(text: string): Projection {
  if (text.trim() === '*') return (document) => document;
  const fields = text.split(',').map((field) => {
    const match = PROJECTION.exec(field.trim());
    if (!match) throw unsupported(`the projection ${JSON.stringify(field.trim())}`);
    const path = checkedPath(match[1]);
    return { path, name: match[2] ?? path[path.length - 1] };
  });
  return (document) => {
    const row: JsonObject = {};
    for (const { path, name } of fields) {
      const value = valueAt(document, path);
      if (value !== undefined) row[name] = value;
    }
    return row;
  };
}

/** The rows `sql` selects from module twin documents. */
export function runQuery(sql: string, moduleTwins: JsonObject[]): JsonObject[] {
  const match = QUERY.exec(sql);
  if (!match) throw unsupported(`the query ${JSON.stringify(sql)}: expected SELECT … FROM devices.modules [WHERE …]`);
  const [, select, from, where] = match;
  if (from.toLowerCase() !== 'devices.modules') throw unsupported(`FROM ${from}: only devices.modules`);
  const matches = where ? conjunction(where) : () => true;
  const project = projection(select);
  return moduleTwins.filter(matches).map(project);
}

/** Terms joined by AND outside quotes and parentheses; a parenthesised term is a conjunction itself. */
function conjunction(text: string): Predicate {
  const terms: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth += 1;
    else if (!quoted && c === ')') depth -= 1;
    else if (!quoted && depth === 0 && /^\s+AND\s+/i.test(text.slice(i)) && /\s/.test(c)) {
      const match = /^\s+AND\s+/i.exec(text.slice(i)) as RegExpExecArray;
      terms.push(text.slice(start, i));
      i += match[0].length - 1;
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  if (depth !== 0 || quoted) throw unsupported(`the condition ${JSON.stringify(text.trim())}: unbalanced parentheses or quotes`);
  const predicates = terms.map((term) => {
    const trimmed = term.trim();
    return trimmed.startsWith('(') && trimmed.endsWith(')') ? conjunction(trimmed.slice(1, -1)) : condition(trimmed);
  });
  return (document) => predicates.every((test) => test(document));
}
