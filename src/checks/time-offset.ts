// The clock against SNTP servers, as aziot check's host-local-time: SAS tokens and certificates are
// judged by time, so a drifting clock loses IoT Hub (Azure/iotedge#7389, #3982).
import type { Check, Status } from './types.js';

const FIX =
  'Keep the clock synchronised: enable time sync on the host (`timedatectl set-ntp true`, systemd-timesyncd or chrony) with servers it can reach, and check that UDP port 123 is open (IoT Edge docs: "Time synchronization"). Inside a container the clock is the host\'s.';

export const timeOffset: Check = {
  id: 'time.offset',
  title: 'Clock offset',
  needs: ['timeOffset'],
  twinNumbers: ['offsetSeconds'],
  settings: ['timeServers', 'timeOffsetWarnSeconds', 'timeOffsetErrorSeconds'],
  run(snapshot, config) {
    const servers = snapshot.timeOffset?.servers ?? [];
    const answered = servers.filter((s) => s.ok);
    const unanswered = servers.filter((s) => !s.ok);
    const details = {
      servers: Object.fromEntries(
        servers.map((s) => [s.server, s.ok ? { offsetMs: Math.round(s.offsetMs), roundTripMs: Math.round(s.roundTripMs), stratum: s.stratum } : { error: s.error }]),
      ),
      warnAboveSeconds: config.timeOffsetWarnSeconds,
      errorAboveSeconds: config.timeOffsetErrorSeconds,
    };
    if (answered.length === 0) {
      const reasons = unanswered.map((s) => `${s.server}: ${s.error}`).join('; ');
      return [{ subject: 'clock', status: 'skipped', message: `no time server answered (${reasons || 'none set'})`, details }];
    }
    // The answer with the shortest round trip is the most exact.
    const best = answered.reduce((a, b) => (b.roundTripMs < a.roundTripMs ? b : a));
    const offsetSeconds = Math.round(best.offsetMs / 100) / 10;
    const off = Math.abs(offsetSeconds);
    const status: Status = off > config.timeOffsetErrorSeconds ? 'error' : off > config.timeOffsetWarnSeconds ? 'warning' : 'ok';
    const direction = offsetSeconds > 0 ? 'behind' : 'ahead of';
    const limit = status === 'error' ? `, over ${config.timeOffsetErrorSeconds} s: SAS tokens and TLS certificates fail` : status === 'warning' ? `, over ${config.timeOffsetWarnSeconds} s` : '';
    const message = `${off === 0 ? 'in step with' : `${off} s ${direction}`} ${best.server} (round trip ${Math.round(best.roundTripMs)} ms)${limit}`;
    return [{
      subject: 'clock',
      status,
      message,
      details: { ...details, offsetSeconds, server: best.server },
      ...(status === 'ok' ? {} : { remediation: FIX }),
    }];
  },
};
