import { describe, expect, it } from 'vitest';
import { timeOffset } from '../../src/checks/time-offset.js';
import { defaultConfig } from '../../src/config/settings.js';
import type { TimeServerAnswer } from '../../src/snapshot.js';
import { snapshot } from '../support/snapshot-builder.js';

const answer = (server: string, offsetMs: number, roundTripMs = 20): TimeServerAnswer => ({ server, ok: true, offsetMs, roundTripMs, stratum: 2 });
const run = (...servers: TimeServerAnswer[]) => timeOffset.run(snapshot({ timeOffset: { servers } }), defaultConfig());

describe('time.offset', () => {
  it('is ok within timeOffsetWarnSeconds', () => {
    expect(run(answer('ntp', 2_000))).toMatchObject([{ subject: 'clock', status: 'ok', message: '2 s behind ntp (round trip 20 ms)', details: { offsetSeconds: 2 } }]);
  });

  it('warns above 10 s and is an error above 300 s, either way', () => {
    expect(run(answer('ntp', -11_000))[0]).toMatchObject({ status: 'warning', message: '11 s ahead of ntp (round trip 20 ms), over 10 s' });
    const [error] = run(answer('ntp', 380_000));
    expect(error).toMatchObject({ status: 'error', details: { offsetSeconds: 380 } });
    expect(error.message).toContain('SAS tokens');
    expect(error.remediation).toMatch(/timedatectl/);
    expect(run(answer('ntp', 200_000))[0].status).toBe('warning');
  });

  it('follows the thresholds it is given', () => {
    const config = { ...defaultConfig(), timeOffsetWarnSeconds: 1, timeOffsetErrorSeconds: 2 };
    expect(timeOffset.run(snapshot({ timeOffset: { servers: [answer('ntp', 2_500)] } }), config)[0].status).toBe('error');
  });

  it('takes the answer with the shortest round trip, and lists every server in the details', () => {
    const [finding] = run(answer('far', 30_000, 900), answer('near', 1_000, 5), { server: 'gone', ok: false, error: 'ENOTFOUND' });
    expect(finding).toMatchObject({ status: 'ok', details: { server: 'near', servers: { far: { offsetMs: 30_000 }, gone: { error: 'ENOTFOUND' } } } });
  });

  it('is skipped, with each reason, when no server answered', () => {
    expect(run({ server: 'time.windows.com', ok: false, error: 'getaddrinfo ENOTFOUND time.windows.com' })).toMatchObject([
      { status: 'skipped', message: 'no time server answered (time.windows.com: getaddrinfo ENOTFOUND time.windows.com)' },
    ]);
  });
});
