// The SNTP client against loopback servers whose clocks are off by a chosen offset: no internet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectTimeOffset, readTimestamp, splitHostPort, writeTimestamp } from '../../src/collect/time-offset.js';
import { type SntpServer, startSntpServer } from '../support/sntp-server.js';

describe('collectTimeOffset', () => {
  let ahead: SntpServer;
  let behind: SntpServer;
  let refusing: SntpServer;
  beforeAll(async () => {
    ahead = await startSntpServer(200_000);
    behind = await startSntpServer(-3_500);
    refusing = await startSntpServer(0, { stratum: 0 });
  });
  afterAll(async () => {
    await Promise.all([ahead.close(), behind.close(), refusing.close()]);
  });

  it('measures each server\'s offset from this clock', async () => {
    const { servers } = await collectTimeOffset({ servers: [ahead.address, behind.address], signal: AbortSignal.timeout(5000) });
    expect(servers).toHaveLength(2);
    const [a, b] = servers;
    if (!a.ok || !b.ok) throw new Error(`no answer: ${JSON.stringify(servers)}`);
    expect(a.offsetMs).toBeGreaterThan(199_900);
    expect(a.offsetMs).toBeLessThan(200_100);
    expect(b.offsetMs).toBeGreaterThan(-3_600);
    expect(b.offsetMs).toBeLessThan(-3_400);
    expect(a).toMatchObject({ server: ahead.address, stratum: 2 });
    expect(a.roundTripMs).toBeGreaterThanOrEqual(0);
  });

  it('turns a refusal, a closed port, an unknown host and silence into answers with the reason', async () => {
    const silent = await import('node:dgram').then(({ createSocket }) => createSocket('udp4'));
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const silentAddress = `127.0.0.1:${(silent.address() as { port: number }).port}`;
    const closedPort = `127.0.0.1:${(silent.address() as { port: number }).port + 1}`;
    try {
      const { servers } = await collectTimeOffset({
        servers: [refusing.address, closedPort, 'no-such-host.invalid', silentAddress],
        signal: AbortSignal.timeout(5000),
        timeoutMs: 500,
      });
      expect(servers.map((s) => s.ok)).toEqual([false, false, false, false]);
      const errors = servers.map((s) => (s.ok ? '' : s.error));
      expect(errors[0]).toMatch(/refused \(kiss code/);
      expect(errors[1]).toMatch(/ECONNREFUSED|no answer/);
      expect(errors[2]).toMatch(/ENOTFOUND|EAI_AGAIN/);
      expect(errors[3]).toBe('no answer within 500 ms');
    } finally {
      silent.close();
    }
  });

  it('stops at the source deadline: the source fails instead of answering late', async () => {
    const started = Date.now();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const silent = await import('node:dgram').then(({ createSocket }) => createSocket('udp4'));
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const collecting = collectTimeOffset({ servers: [`127.0.0.1:${(silent.address() as { port: number }).port}`], signal: controller.signal });
      await expect(collecting).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      silent.close();
    }
  });
});

describe('SNTP wire format', () => {
  it('writes and reads NTP timestamps to the millisecond', () => {
    const buffer = Buffer.alloc(8);
    const at = Date.UTC(2026, 11, 1, 23, 59, 59, 123);
    writeTimestamp(buffer, 0, at);
    expect(Math.abs(readTimestamp(buffer, 0) - at)).toBeLessThan(1);
  });

  it('splits host and port, IPv6 in brackets, port 123 by default', () => {
    expect(splitHostPort('time.windows.com')).toEqual({ host: 'time.windows.com', port: 123 });
    expect(splitHostPort('127.0.0.1:1123')).toEqual({ host: '127.0.0.1', port: 1123 });
    expect(splitHostPort('[::1]:1123')).toEqual({ host: '::1', port: 1123 });
  });
});
