// Request bodies bounded before they are parsed, and errors that describe a bad value instead of echoing it.
import { describe, expect, it } from 'vitest';
import { volumePrunePayload } from '../../src/actions/payload.js';
import { PAYLOAD_MAX_BYTES, PAYLOAD_MAX_DEPTH, parseJsonBody, parsePayload } from '../../src/config/parse-payload.js';

describe('parseJsonBody', () => {
  it('refuses a field given twice, naming it, where JSON.parse would keep the last', () => {
    expect(parseJsonBody('{"dryRun": true, "dryRun": false}')).toEqual({ ok: false, error: 'dryRun: given more than once; each field may appear only once', field: 'dryRun' });
    expect(parseJsonBody('{"a": {"b": 1, "c": [{"d": 1, "d": 2}]}}')).toMatchObject({ ok: false, field: 'a.c.0.d' });
    // The same name in different objects, and escaped spellings of different names, are fine.
    expect(parseJsonBody('{"a": {"x": 1}, "b": {"x": 1}, "c\\"": 1, "c": 2}')).toEqual({ ok: true, value: { a: { x: 1 }, b: { x: 1 }, 'c"': 1, c: 2 } });
    // An escaped spelling of the same name is the same name.
    expect(parseJsonBody('{"dryRun": true, "dry\\u0052un": false}')).toMatchObject({ ok: false, field: 'dryRun' });
  });

  it('refuses what is too big, too deep, or not JSON; empty is no payload', () => {
    expect(parseJsonBody(`"${'x'.repeat(PAYLOAD_MAX_BYTES)}"`)).toEqual({ ok: false, error: `payload: ${PAYLOAD_MAX_BYTES + 2} bytes, over the limit of ${PAYLOAD_MAX_BYTES}` });
    expect(parseJsonBody('['.repeat(2000) + ']'.repeat(2000))).toEqual({ ok: false, error: `payload: nested deeper than ${PAYLOAD_MAX_DEPTH} levels` });
    expect(parseJsonBody('[' .repeat(PAYLOAD_MAX_DEPTH) + ']'.repeat(PAYLOAD_MAX_DEPTH))).toMatchObject({ ok: true });
    expect(parseJsonBody('{"dryRun": fals')).toMatchObject({ ok: false, error: expect.stringMatching(/^payload: not JSON \(/) });
    expect(parseJsonBody('')).toEqual({ ok: true, value: null });
  });
});

describe('parsePayload errors', () => {
  it('describe a long bad value by type and length, so a 120 KB payload gets a short answer', () => {
    const parsed = parsePayload(volumePrunePayload, { dryRun: 'x'.repeat(120_000) });
    expect(parsed).toEqual({ ok: false, error: 'dryRun: expected a boolean, got a string of 120000 characters', field: 'dryRun' });
    const names = parsePayload(volumePrunePayload, { names: Array.from({ length: 5000 }, () => 'v') });
    expect(names).toEqual({ ok: false, error: 'names: must be at most 1000, got a list of 5000 items', field: 'names' });
  });

  it('shorten a long unknown field name', () => {
    const parsed = parsePayload(volumePrunePayload, { ['k'.repeat(100_000)]: 1 });
    expect(parsed.ok).toBe(false);
    expect(JSON.stringify(parsed).length).toBeLessThan(500);
    expect(parsed).toMatchObject({ error: expect.stringContaining('(100000 characters)') });
  });

  it('still show a short bad value as it is', () => {
    expect(parsePayload(volumePrunePayload, { dryRun: 'no' })).toEqual({ ok: false, error: 'dryRun: expected a boolean, got "no"', field: 'dryRun' });
  });
});
