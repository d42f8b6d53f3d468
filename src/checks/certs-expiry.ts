import { cite } from './checklist.js';
import type { Config } from '../config/settings.js';
import { iotedgeEvidence } from '../iotedge.js';
import type { CertificateInfo, CertificateRole, RenewPolicy, Snapshot } from '../snapshot.js';
import { DAY_MS, describeDays, wholeDays } from './days.js';
import type { Check, Finding, Status } from './types.js';

const MINUTE_MS = 60 * 1000;

/** How to replace a certificate nobody renews, by what it is for. */
const REPLACE: Record<CertificateRole, string> = {
  'edge-ca':
    'Install a renewed edge CA certificate where [edge_ca] cert in /etc/aziot/config.toml points and run `sudo iotedge config apply`, or have IoT Edge renew it itself by issuing it over EST (' + cite('Install production certificates') + ').',
  'trust-bundle':
    'Put the renewed CA certificates in the file trust_bundle_cert names in /etc/aziot/config.toml and run `sudo iotedge config apply` (' + cite('Install production certificates') + ').',
  identity:
    'Renew the device identity certificate, register the new one (or its CA) with IoT Hub or DPS where needed, and run `sudo iotedge config apply`.',
  module: 'Restart the module so it asks IoT Edge for a new certificate; one left from an earlier generation of the module can be deleted.',
  iotedge: 'Renew this IoT Edge certificate where config.toml names it (or where it is issued from) and run `sudo iotedge config apply`.',
  extra: 'Renew this certificate and install the new one wherever it is used.',
};
const RENEWAL_OVERDUE =
  'IoT Edge should have renewed it by now: read `sudo iotedge system logs` for renewal errors (EST server reachable, keys, clock) and run `sudo iotedge check`.';
/** Said first when config.toml could not tell whether IoT Edge renews a certificate. */
const MAYBE_RENEWED =
  'If IoT Edge issued this certificate (quickstart CA, EST, local CA) it renews it itself: when it does not, read `sudo iotedge system logs`. Otherwise: ';
const UNREADABLE =
  'Check the file exists on the host, holds PEM or DER certificates, and is readable by the agent (mounted read-only under the host root).';

export const certsExpiry: Check = {
  id: 'certs.expiry',
  title: 'Certificate expiry',
  settings: ['certWarnDays', 'certErrorDays', 'certificatePaths', 'iotedgeConfigPath'],
  needs: ['certificates'],
  twinNumbers: ['daysLeft'],
  uses: ['containers', 'iotedgeConfig'],
  run(snapshot, config) {
    const scan = snapshot.certificates;
    if (!scan) return [];
    const notSeen = scan.notSeen ?? [];
    if (scan.certificates.length === 0 && scan.unreadable.length === 0 && notSeen.length === 0) return [nothingFound(snapshot, config)];
    const now = Date.parse(snapshot.collectedAt);
    const configRead = snapshot.iotedgeConfig?.found === true;
    return [
      ...scan.certificates.map((certificate) => judge({ ...certificate, autoRenewed: autoRenewed(certificate, configRead) }, now, config)),
      ...scan.unreadable.map(({ source, role, error }): Finding => ({
        subject: source,
        status: 'warning',
        message: `cannot read the certificate: ${error}`,
        details: { role, error },
        remediation: UNREADABLE,
      })),
      ...notSeen.map(({ source, reason, error }): Finding => ({
        subject: source,
        status: 'skipped',
        message: `not looked into: ${error}`,
        details: { reason, error },
      })),
    ];
  },
};

function nothingFound(snapshot: Snapshot, config: Config): Finding {
  const evidence = iotedgeEvidence(snapshot);
  const message =
    evidence.length === 0
      ? `no IoT Edge installation found (no ${config.iotedgeConfigPath}, IOTEDGE_WORKLOADURI not set) and no certificatePaths set`
      : `IoT Edge is installed (${evidence.join(', ')}) but no certificate could be read${snapshot.sources.certificates.note ? `: ${snapshot.sources.certificates.note}` : ''}`;
  return { subject: 'certificates', status: 'skipped', message, details: { iotedgeEvidence: evidence } };
}

/**
 * Who renews a certificate: IoT Edge renews the edge CA it issues itself (quickstart, EST, local CA)
 * as [edge_ca.auto_renew] says, identities it issues when their auto_renew section asks, and module
 * certificates whenever a module asks again. Files an operator put in place, it never renews.
 * true: IoT Edge renews it; false: someone must replace it; null: without config.toml, no telling.
 */
export function autoRenewed(certificate: Pick<CertificateInfo, 'role' | 'heldBy' | 'renewPolicy'>, configRead: boolean): boolean | null {
  const { role, heldBy, renewPolicy } = certificate;
  if (role === 'module' || renewPolicy !== null) return true;
  if (role === 'trust-bundle' || role === 'extra') return false;
  // Whether IoT Edge issues the edge CA is config.toml's to say: without it, no telling.
  if (role === 'edge-ca') return configRead ? false : null;
  if (heldBy === 'file') return false;
  if (role === 'iotedge') return null;
  return configRead ? false : null;
}

type Judged = CertificateInfo & { autoRenewed: boolean | null };

function judge(certificate: Judged, now: number, config: Config): Finding {
  const notBefore = Date.parse(certificate.notBefore);
  const notAfter = Date.parse(certificate.notAfter);
  const leftMs = notAfter - now;
  const renewsFrom = certificate.autoRenewed && certificate.renewPolicy ? renewalStart(certificate.renewPolicy, notBefore, notAfter) : null;
  const details = {
    role: certificate.role,
    subject: certificate.subject,
    issuer: certificate.issuer,
    serial: certificate.serial,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    daysLeft: wholeDays(leftMs),
    expiresInSeconds: Math.round(leftMs / 1000),
    file: certificate.source,
    position: certificate.position,
    alsoIn: certificate.alsoIn,
    autoRenewed: certificate.autoRenewed,
    renewPolicy: certificate.renewPolicy,
    renewsFrom: renewsFrom === null ? null : new Date(renewsFrom.start).toISOString(),
    warnDays: config.certWarnDays,
    errorDays: config.certErrorDays,
  };
  const result = (status: Status, message: string, remediation?: string): Finding => ({
    subject: certificate.countInSource > 1 ? `${certificate.source} #${certificate.position + 1}` : certificate.source,
    status,
    message: `${message} (${certificate.subject})`,
    details,
    ...(status === 'ok' ? {} : { remediation }),
  });

  const replace = `${certificate.autoRenewed === null ? MAYBE_RENEWED : ''}${REPLACE[certificate.role]}`;
  if (now < notBefore) return result('error', `not valid until ${day(notBefore)}: check the clock of this device or the certificate`, replace);
  if (leftMs <= 0) {
    return result('error', `expired ${describeDays(-leftMs)} ago, on ${day(notAfter)}`, certificate.autoRenewed && certificate.renewPolicy ? RENEWAL_OVERDUE : replace);
  }
  const horizon: Status = leftMs < config.certErrorDays * DAY_MS ? 'error' : leftMs < config.certWarnDays * DAY_MS ? 'warning' : 'ok';
  const expires = `expires in ${describeDays(leftMs)}, on ${day(notAfter)}`;

  if (certificate.autoRenewed && certificate.renewPolicy === null) {
    // Module certificates: IoT Edge issues a new one whenever the module asks, so only expiry itself matters.
    return result('ok', `${expires}; IoT Edge issues a new one when the module asks`);
  }
  if (renewsFrom !== null) {
    if (now < renewsFrom.start + renewsFrom.graceMs) {
      const when = now < renewsFrom.start ? `renews it from ${day(renewsFrom.start)}` : 'is renewing it now';
      return result('ok', `${expires}; IoT Edge ${when}`);
    }
    return result(horizon === 'ok' ? 'warning' : horizon, `${expires}; IoT Edge should have renewed it from ${day(renewsFrom.start)}`, RENEWAL_OVERDUE);
  }
  if (horizon === 'ok') return result('ok', `valid for ${describeDays(leftMs)} more, until ${day(notAfter)}`);
  const floor = horizon === 'error' ? config.certErrorDays : config.certWarnDays;
  const renewal = certificate.autoRenewed === false ? ' and IoT Edge does not renew it' : '';
  return result(horizon, `${expires}, within ${floor} days${renewal}`, replace);
}

/**
 * When IoT Edge starts renewing, as aziot reads an auto_renew threshold: a share of the lifetime
 * ("80%") or a time before expiry ("10d", "30m"). A renewal that fails is retried every `retry`,
 * so it is overdue only once that much more has passed. Null when the policy cannot be read.
 */
export function renewalStart(policy: RenewPolicy, notBefore: number, notAfter: number): { start: number; graceMs: number } | null {
  const lifetime = notAfter - notBefore;
  const threshold = parseSpan(policy.threshold, lifetime);
  const retry = parseSpan(policy.retry, lifetime);
  if (!threshold || !retry) return null;
  const start = threshold.share ? notBefore + threshold.ms : notAfter - threshold.ms;
  return { start, graceMs: retry.ms };
}

function parseSpan(text: string, lifetimeMs: number): { ms: number; share: boolean } | null {
  const match = /^\s*(\d+)\s*(%|d|m)\s*$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  if (match[2] === '%') return value <= 100 ? { ms: (lifetimeMs * value) / 100, share: true } : null;
  return { ms: value * (match[2] === 'd' ? DAY_MS : MINUTE_MS), share: false };
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
