import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from '../../src/module/backoff.js';
import { ConnectGate } from '../../src/module/connect-gate.js';

describe('reconnect backoff', () => {
  it('doubles each step, jittered between half the step and the step, up to the cap, and starts over after a success', () => {
    const low = exponentialBackoff({ firstMs: 1_000, capMs: 300_000, random: () => 0 });
    expect(Array.from({ length: 11 }, () => low.next())).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 150_000, 150_000]);
    const high = exponentialBackoff({ firstMs: 1_000, capMs: 300_000, random: () => 1 });
    expect(Array.from({ length: 11 }, () => high.next()).at(-1)).toBe(300_000);
    high.reset();
    expect(high.next()).toBe(1_000);
  });

  it('spreads a fleet: devices that lost the hub together do not retry together', () => {
    const delays = Array.from({ length: 100 }, () => {
      const backoff = exponentialBackoff();
      backoff.next();
      backoff.next();
      return backoff.next();
    });
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(4_000);
    expect(new Set(delays).size).toBeGreaterThan(50);
  });
});

describe('the connect gate', () => {
  it('holds the next attempt back by the next backoff step after each failure, and lets it through at once after a success', async () => {
    let now = 1_000_000;
    const told: number[] = [];
    const gate = new ConnectGate((_, retryInMs) => told.push(retryInMs), exponentialBackoff({ firstMs: 1_000, capMs: 300_000, random: () => 1 }), () => now);
    expect(gate.msUntilNextAttempt()).toBe(0);
    gate.failed(new Error('Connection refused: Not authorized'));
    gate.failed(new Error('Connection refused: Not authorized'));
    expect(told).toEqual([1_000, 2_000]);
    expect(gate.msUntilNextAttempt()).toBe(2_000);
    now += 1_500;
    expect(gate.msUntilNextAttempt()).toBe(500);
    gate.succeeded();
    expect(gate.msUntilNextAttempt()).toBe(0);
    await gate.beforeAttempt();
    gate.failed(new Error('refused'));
    expect(told.at(-1)).toBe(1_000);
  });

  it('fails the attempts waiting for their turn when the connection is closed, instead of connecting later', async () => {
    const gate = new ConnectGate(() => {}, exponentialBackoff({ firstMs: 60_000, random: () => 1 }));
    gate.failed(new Error('refused'));
    const waiting = gate.beforeAttempt();
    gate.dropWaiting();
    await expect(waiting).rejects.toThrow('disconnected while waiting to reconnect');
  });
});
