import { describe, expect, it } from 'vitest';
import { autoRenewed, certsExpiry, renewalStart } from '../../src/checks/certs-expiry.js';
import type { Finding } from '../../src/checks/types.js';
import { type Config, defaultConfig } from '../../src/config/settings.js';
import type { CertificateInfo, CertificateScan } from '../../src/snapshot.js';
import { COLLECTED_AT, certificate, edgeAgent, iotedgeConfig, snapshot } from '../support/snapshot-builder.js';

const NOW = Date.parse(COLLECTED_AT);
const DAY = 24 * 3600 * 1000;
const at = (days: number) => new Date(NOW + days * DAY).toISOString();
const QUICKSTART_RENEWAL = { rotateKey: true, threshold: '80%', retry: '4%' };

function run(scan: Partial<CertificateScan>, config: Partial<Config> = {}, note?: string, configRead = false): Finding[] {
  return certsExpiry.run(
    snapshot({
      certificates: { iotedgeEvidence: ['/etc/aziot/config.toml'], certificates: [], unreadable: [], ...scan },
      ...(configRead ? { iotedgeConfig: iotedgeConfig() } : {}),
      ...(note ? { sources: { certificates: { note } } } : {}),
    }),
    { ...defaultConfig(), ...config },
  );
}

/** One certificate judged; config.toml read (an edge CA from files) unless `configRead` is false. */
function judge(overrides: Partial<CertificateInfo>, config: Partial<Config> = {}, configRead = true): Finding {
  const findings = run({ certificates: [certificate(overrides)] }, config, undefined, configRead);
  expect(findings).toHaveLength(1);
  return findings[0];
}

/** A certificate valid from `fromDays` to `toDays` around now. */
const valid = (fromDays: number, toDays: number, overrides: Partial<CertificateInfo> = {}) => judge({ notBefore: at(fromDays), notAfter: at(toDays), ...overrides });

describe('certs.expiry', () => {
  it('reads only the certificates source', () => {
    expect(certsExpiry.needs).toEqual(['certificates']);
  });

  describe('a certificate someone must replace', () => {
    it('valid for long is ok, with days left and seconds left from the snapshot time', () => {
      const result = valid(-100, 200);
      expect(result).toMatchObject({ subject: '/var/aziot/certs/edge-ca.pem', status: 'ok', details: { daysLeft: 200, expiresInSeconds: 200 * 24 * 3600 } });
      expect(result.remediation).toBeUndefined();
    });

    it('expiring in 20 days is a warning', () => {
      const result = valid(-100, 20);
      expect(result).toMatchObject({ status: 'warning', details: { daysLeft: 20, warnDays: 30, errorDays: 7 } });
      expect(result.message).toMatch(/^expires in 20 days, on 2024-05-21, within 30 days and IoT Edge does not renew it \(CN=edge-ca\)$/);
      expect(result.remediation).toContain('"Install production certificates"');
    });

    it('expiring in 3 days is an error', () => {
      expect(valid(-100, 3)).toMatchObject({ status: 'error', details: { daysLeft: 3 } });
    });

    it('expiring in hours is an error that says hours', () => {
      const result = judge({ notAfter: new Date(NOW + 5 * 3600 * 1000).toISOString() });
      expect(result).toMatchObject({ status: 'error', details: { daysLeft: 0, expiresInSeconds: 5 * 3600 } });
      expect(result.message).toContain('expires in 5 hours');
    });

    it('counts days one way in the message and the details, ahead and behind', () => {
      const minute = 60 * 1000;
      const soon = judge({ notAfter: new Date(NOW + 3 * DAY - minute).toISOString() });
      expect(soon.details.daysLeft).toBe(2);
      expect(soon.message).toMatch(/^expires in 2 days,/);
      const long = judge({ notBefore: at(-3000), notAfter: new Date(NOW - 2160 * DAY - 5 * 3600 * 1000).toISOString() });
      expect(long.details.daysLeft).toBe(-2160);
      expect(long.message).toMatch(/^expired 2160 days ago,/);
    });

    it('expired is an error saying since when', () => {
      const result = valid(-400, -2);
      expect(result).toMatchObject({ status: 'error', details: { daysLeft: -2, expiresInSeconds: -2 * 24 * 3600 } });
      expect(result.message).toMatch(/^expired 2 days ago, on 2024-04-29/);
    });

    it('not yet valid is an error pointing at the clock', () => {
      const result = valid(3, 400);
      expect(result.status).toBe('error');
      expect(result.message).toMatch(/^not valid until 2024-05-04: check the clock/);
    });

    it('uses the configured horizons', () => {
      expect(valid(-100, 20, {}).status).toBe('warning');
      expect(judge({ notAfter: at(20) }, { certWarnDays: 10, certErrorDays: 5 }).status).toBe('ok');
      expect(judge({ notAfter: at(20) }, { certWarnDays: 60, certErrorDays: 25 }).status).toBe('error');
    });

    it('says how to fix it by what it is for', () => {
      expect(valid(-10, 3, { role: 'trust-bundle' }).remediation).toContain('trust_bundle_cert');
      expect(valid(-10, 3, { role: 'identity' }).remediation).toContain('IoT Hub or DPS');
      expect(valid(-10, 3, { role: 'extra' }).remediation).toContain('Renew this certificate');
    });
  });

  describe('a certificate IoT Edge renews itself', () => {
    // The quickstart CA: 90 days, renewed from 80 % of its life (day 72), retried every 4 % (3.6 days).
    const quickstart = (issuedDaysAgo: number) => valid(-issuedDaysAgo, 90 - issuedDaysAgo, { renewPolicy: QUICKSTART_RENEWAL });

    it('is ok inside the warning horizon while its renewal is not due', () => {
      const result = quickstart(65);
      expect(result.status).toBe('ok');
      expect(result.message).toContain('IoT Edge renews it from 2024-05-08');
      expect(result.details).toMatchObject({ renewsFrom: at(7), autoRenewed: true });
    });

    it('is ok while renewal may still be retrying', () => {
      expect(quickstart(74).status).toBe('ok');
      expect(quickstart(74).message).toContain('IoT Edge is renewing it now');
    });

    it('is a warning once renewal is overdue, and an error inside the error horizon', () => {
      const overdue = quickstart(78);
      expect(overdue.status).toBe('warning');
      expect(overdue.message).toContain('IoT Edge should have renewed it from 2024-04-25');
      expect(overdue.remediation).toContain('iotedge system logs');
      expect(quickstart(85).status).toBe('error');
    });

    it('reads a renewal threshold given as days before expiry', () => {
      const renewsTenDaysBefore = { rotateKey: true, threshold: '10d', retry: '1d' };
      expect(valid(-300, 12, { renewPolicy: renewsTenDaysBefore }).status).toBe('ok');
      expect(valid(-300, 8, { renewPolicy: renewsTenDaysBefore }).status).toBe('warning');
      expect(valid(-300, 6, { renewPolicy: renewsTenDaysBefore }).status).toBe('error');
    });

    it('that expired is an error whose fix is to find out why renewal failed', () => {
      const result = quickstart(91);
      expect(result.status).toBe('error');
      expect(result.remediation).toContain('IoT Edge should have renewed it');
    });

    it('with a policy it cannot read is judged by the horizons', () => {
      expect(valid(-10, 20, { renewPolicy: { rotateKey: true, threshold: 'soon', retry: '4%' } }).status).toBe('warning');
    });

    it('issued to a module is ok until it expires: IoT Edge issues a new one when asked', () => {
      expect(valid(-10, 2, { role: 'module' })).toMatchObject({ status: 'ok' });
      const expired = valid(-10, -1, { role: 'module' });
      expect(expired.status).toBe('error');
      expect(expired.remediation).toMatch(/^Restart the module/);
    });
  });

  describe('a certificate of which this agent cannot tell who renews it', () => {
    it('is judged by the horizons, its fix covering both cases', () => {
      const result = judge({ notBefore: at(-80), notAfter: at(10) }, {}, false);
      expect(result.status).toBe('warning');
      expect(result.message).not.toContain('does not renew');
      expect(result.remediation).toMatch(/^If IoT Edge issued this certificate .* Otherwise: Install a renewed edge CA/);
    });
  });

  it('names each certificate of a chain by its position in the file', () => {
    const findings = run({
      certificates: [
        certificate({ source: '/certs/chain.pem', position: 0, countInSource: 2, subject: 'CN=leaf' }),
        certificate({ source: '/certs/chain.pem', position: 1, countInSource: 2, subject: 'CN=ca' }),
      ],
    });
    expect(findings.map((f) => f.subject)).toEqual(['/certs/chain.pem #1', '/certs/chain.pem #2']);
  });

  it('carries the evidence in its details', () => {
    const result = valid(-10, 100, { issuer: 'CN=Contoso', serial: '1A2B', alsoIn: ['workload-api'] });
    expect(result.details).toEqual({
      role: 'edge-ca',
      subject: 'CN=edge-ca',
      issuer: 'CN=Contoso',
      serial: '1A2B',
      notBefore: at(-10),
      notAfter: at(100),
      daysLeft: 100,
      expiresInSeconds: 100 * 24 * 3600,
      file: '/var/aziot/certs/edge-ca.pem',
      position: 0,
      alsoIn: ['workload-api'],
      autoRenewed: false,
      renewPolicy: null,
      renewsFrom: null,
      warnDays: 30,
      errorDays: 7,
    });
  });

  it('reports a file it could not read as a warning with the reason', () => {
    const findings = run({ unreadable: [{ source: '/certs/broken.pem', role: 'extra', error: 'holds no certificate (neither PEM nor DER)' }] });
    expect(findings).toEqual([
      {
        subject: '/certs/broken.pem',
        status: 'warning',
        message: 'cannot read the certificate: holds no certificate (neither PEM nor DER)',
        details: { role: 'extra', error: 'holds no certificate (neither PEM nor DER)' },
        remediation: expect.stringContaining('PEM or DER'),
      },
    ]);
  });

  describe('with nothing to judge', () => {
    it('is skipped, saying no IoT Edge was found, where nothing shows one', () => {
      const findings = certsExpiry.run(snapshot(), defaultConfig());
      expect(findings).toEqual([
        {
          subject: 'certificates',
          status: 'skipped',
          message: 'no IoT Edge installation found (no /etc/aziot/config.toml, IOTEDGE_WORKLOADURI not set) and no certificatePaths set',
          details: { iotedgeEvidence: [] },
        },
      ]);
    });

    it('is skipped with the reason the collector noted, where IoT Edge is there but nothing was readable', () => {
      const findings = certsExpiry.run(
        snapshot({ containers: [edgeAgent()], sources: { certificates: { note: '/var/lib/aziot/certd/certs is not readable by this user' } } }),
        defaultConfig(),
      );
      expect(findings).toHaveLength(1);
      expect(findings[0].status).toBe('skipped');
      expect(findings[0].message).toBe('IoT Edge is installed (edgeAgent container) but no certificate could be read: /var/lib/aziot/certd/certs is not readable by this user');
    });
  });
});

describe('autoRenewed: who renews a certificate', () => {
  const policy = { rotateKey: true, threshold: '80%', retry: '4%' };
  const of = (role: CertificateInfo['role'], heldBy: CertificateInfo['heldBy'], renewPolicy: CertificateInfo['renewPolicy'] = null) => ({ role, heldBy, renewPolicy });

  it('IoT Edge, for what config.toml sets a renewal for, and for module certificates', () => {
    expect(autoRenewed(of('edge-ca', 'iotedge', policy), true)).toBe(true);
    expect(autoRenewed(of('identity', 'iotedge', policy), true)).toBe(true);
    expect(autoRenewed(of('module', 'iotedge'), false)).toBe(true);
  });

  it('nobody, for files an operator put in place, trust bundles and extra paths', () => {
    expect(autoRenewed(of('edge-ca', 'file'), true)).toBe(false);
    expect(autoRenewed(of('identity', 'file'), false)).toBe(false);
    expect(autoRenewed(of('iotedge', 'file'), false)).toBe(false);
    expect(autoRenewed(of('trust-bundle', 'iotedge'), false)).toBe(false);
    expect(autoRenewed(of('extra', 'file'), false)).toBe(false);
    expect(autoRenewed(of('identity', 'iotedge'), true)).toBe(false);
  });

  it('cannot tell without config.toml, nor for other certificates IoT Edge keeps', () => {
    expect(autoRenewed(of('edge-ca', 'iotedge'), false)).toBeNull();
    expect(autoRenewed(of('edge-ca', 'file'), false)).toBeNull();
    expect(autoRenewed(of('identity', 'iotedge'), false)).toBeNull();
    expect(autoRenewed(of('iotedge', 'iotedge'), true)).toBeNull();
  });
});

describe('renewalStart', () => {
  const notBefore = Date.parse('2024-01-01T00:00:00Z');
  const notAfter = notBefore + 100 * DAY;

  it('reads a share of the lifetime from the start, and days or minutes before the end', () => {
    expect(renewalStart({ rotateKey: true, threshold: '80%', retry: '4%' }, notBefore, notAfter)).toEqual({ start: notBefore + 80 * DAY, graceMs: 4 * DAY });
    expect(renewalStart({ rotateKey: true, threshold: '10d', retry: '30m' }, notBefore, notAfter)).toEqual({ start: notAfter - 10 * DAY, graceMs: 30 * 60_000 });
  });

  it('gives up on what aziot would not accept', () => {
    expect(renewalStart({ rotateKey: true, threshold: '120%', retry: '4%' }, notBefore, notAfter)).toBeNull();
    expect(renewalStart({ rotateKey: true, threshold: '80%', retry: 'often' }, notBefore, notAfter)).toBeNull();
  });
});
