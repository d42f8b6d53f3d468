// Every certificate IoT Edge relies on, wherever this agent can see it: the files config.toml names,
// the certificate service's store, the workload API's trust bundle, and configured extra paths.
import { createHash, X509Certificate } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { BlindReason, CertificateInfo, CertificateRole, CertificateScan, IotEdgeConfig } from '../snapshot.js';
import { globToRegExp } from '../glob.js';
import { HOST_FOLDER_MAX_ENTRIES, HostFileError, listHostFolder, readHostFile } from './host-file.js';
import { hostPath } from './host-path.js';
import { describeError } from '../errors.js';
import type { Note } from './run-source.js';
import { fetchTrustBundle } from './workload-trust-bundle.js';

/** Where aziot-certd keeps the certificates it issues; mode 0700 for its own user. */
export const CERTD_CERTS_DIR = '/var/lib/aziot/certd/certs';
export const WORKLOAD_API_SOURCE = 'workload-api';

/** aziot-certd ids this agent knows, and what they are. */
const CERTD_IDS: Record<string, CertificateRole> = { 'aziot-edged-ca': 'edge-ca', 'device-id': 'identity' };
/** Server and identity certificates aziot-edged issues to modules: aziot-edged/module/<module>:… */
const CERTD_MODULE_PREFIX = 'aziotedgedmodule';

export interface CertificateSources {
  hostRoot: string;
  /** config.toml as collected, or null when it could not be read (configError says why). */
  iotedgeConfig: IotEdgeConfig | null;
  configError?: string;
  /** Host paths of more certificate files or folders; * and ? in the last part. */
  extraPaths: string[];
  /** IOTEDGE_WORKLOADURI, set by IoT Edge in every module. */
  workloadUri: string | undefined;
  signal: AbortSignal;
  note: Note;
}

/** Where a certificate was found, and the renewal config.toml sets for it. */
type Renewal = Pick<CertificateInfo, 'heldBy' | 'renewPolicy'>;

/** What one file or bundle held, in order, before duplicates are merged. */
interface Found {
  x509: X509Certificate;
  role: CertificateRole;
  renewal: Renewal;
}

type Read =
  | { source: string; found: Found[] }
  | { source: string; role: CertificateRole; error: string; blind?: BlindReason }
  /** A place that may hold certificates but could not be looked into. */
  | { source: string; notSeen: BlindReason; error: string };

export async function collectCertificates(sources: CertificateSources): Promise<CertificateScan> {
  const { iotedgeConfig: config, configError, note } = sources;
  // Places IoT Edge keeps what it issues; config.toml is the iotedgeConfig source's, and whether all
  // of it shows IoT Edge is installed is iotedgeEvidence's (src/iotedge.ts) to say.
  const evidence: string[] = [];
  const reads: Read[] = [];
  if (configError) {
    // Not evidence of IoT Edge: a folder above it may be what could not be read.
    reads.push({ source: 'config.toml', notSeen: 'unreadable', error: `the certificate files it names were not read: ${configError}` });
    note(`the certificate files config.toml names were not read: ${configError}`);
  }

  if (config?.found) {
    for (const file of config.certificateFiles) {
      reads.push(await readCertificateFile(sources, file.path, file.role, renewalOf(file.role, 'file', config)));
    }
  }
  const certd = await readCertdStore(sources, config);
  if (certd.found) evidence.push(CERTD_CERTS_DIR);
  reads.push(...certd.reads);
  if (sources.workloadUri) {
    evidence.push(`workload API at ${sources.workloadUri}`);
    reads.push(await readWorkloadTrustBundle(sources, sources.workloadUri, config));
  }
  for (const pattern of sources.extraPaths) reads.push(...(await readExtraPath(sources, pattern)));
  // Reads cut short by the deadline were not unreadable: give up rather than list them so.
  sources.signal.throwIfAborted();
  return { iotedgeEvidence: evidence, ...merge(reads) };
}

/** The same certificate in several places is listed once, where it was found first (the most specific role). */
function merge(reads: Read[]): Pick<CertificateScan, 'certificates' | 'unreadable' | 'notSeen'> {
  const certificates: CertificateInfo[] = [];
  const unreadable: CertificateScan['unreadable'] = [];
  const notSeen: NonNullable<CertificateScan['notSeen']> = [];
  const byFingerprint = new Map<string, CertificateInfo>();
  for (const read of reads) {
    const { source } = read;
    if ('notSeen' in read) {
      notSeen.push({ source, reason: read.notSeen, error: read.error });
      continue;
    }
    if ('error' in read) {
      unreadable.push({ source, role: read.role, error: read.error });
      continue;
    }
    read.found.forEach(({ x509, role, renewal }, position) => {
      const known = byFingerprint.get(x509.fingerprint256);
      if (known) {
        if (known.source !== source && !known.alsoIn.includes(source)) known.alsoIn.push(source);
        return;
      }
      const info: CertificateInfo = {
        source,
        position,
        countInSource: read.found.length,
        role,
        subject: oneLine(x509.subject),
        issuer: oneLine(x509.issuer),
        serial: x509.serialNumber,
        notBefore: new Date(x509.validFrom).toISOString(),
        notAfter: new Date(x509.validTo).toISOString(),
        fingerprint: x509.fingerprint256,
        alsoIn: [],
        ...renewal,
      };
      byFingerprint.set(x509.fingerprint256, info);
      certificates.push(info);
    });
  }
  return { certificates, unreadable, notSeen };
}

/**
 * The auto_renew section of config.toml for the certificate, as found: [edge_ca.auto_renew] for the
 * edge CA, an identity certificate's own for one IoT Edge keeps (an identity in a file is the
 * operator's). Whether IoT Edge renews it is for certs.expiry to judge.
 */
function renewalOf(role: CertificateRole, heldBy: Renewal['heldBy'], config: IotEdgeConfig | null): Renewal {
  const known = config?.found ? config : null;
  if (role === 'edge-ca') return { heldBy, renewPolicy: known?.edgeCa.autoRenew ?? null };
  if (role === 'identity' && heldBy === 'iotedge') return { heldBy, renewPolicy: known?.identityAutoRenew ?? null };
  return { heldBy, renewPolicy: null };
}

async function readCertificateFile(sources: CertificateSources, source: string, role: CertificateRole, renewal: Renewal): Promise<Read> {
  try {
    const bytes = await readHostFile(sources.hostRoot, source, { kind: 'certificate', signal: sources.signal });
    if (bytes === undefined) return { source, role, error: 'no such file' };
    return { source, found: parseCertificates(bytes).map((x509) => ({ x509, role, renewal })) };
  } catch (error) {
    // At the deadline the whole collector stops, rather than listing every file left as unreadable.
    if (sources.signal.aborted) throw error;
    return error instanceof HostFileError ? { source, role, error: error.detail, blind: error.reason } : { source, role, error: describeError(error) };
  }
}

/** Every certificate in PEM text (a chain is several blocks) or in one DER certificate. */
export function parseCertificates(bytes: Buffer): X509Certificate[] {
  const text = bytes.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (blocks) {
    return blocks.map((block, index) => {
      try {
        return new X509Certificate(block);
      } catch (error) {
        throw new Error(`certificate ${index + 1} of ${blocks.length} cannot be parsed: ${(error as Error).message}`);
      }
    });
  }
  try {
    return [new X509Certificate(bytes)];
  } catch {
    throw new Error('holds no certificate (neither PEM nor DER)');
  }
}

/** aziot-certd names a file `<id, letters and digits only>-<sha256 of id>.cer`. */
export function certdFileName(id: string): string {
  return `${id.replace(/[^A-Za-z0-9]/g, '')}-${createHash('sha256').update(id).digest('hex')}.cer`;
}

const KNOWN_CERTD_FILES = new Map(Object.entries(CERTD_IDS).map(([id, role]) => [certdFileName(id), role]));

function certdRole(fileName: string): CertificateRole {
  return KNOWN_CERTD_FILES.get(fileName) ?? (fileName.startsWith(CERTD_MODULE_PREFIX) ? 'module' : 'iotedge');
}

/**
 * The certd store is readable only by root and aziotcs: a module running as another user is
 * expected to be refused, which is a place not seen (the workload API covers what matters), not a finding.
 */
async function readCertdStore(sources: CertificateSources, config: IotEdgeConfig | null): Promise<{ found: boolean; reads: Read[] }> {
  // Only a folder that is there shows IoT Edge is installed: a refusal may come from a folder above it.
  const found = await stat(hostPath(sources.hostRoot, CERTD_CERTS_DIR)).then(() => true, () => false);
  const listed = await listCertificateFolder(sources, CERTD_CERTS_DIR);
  if (!('names' in listed)) return { found, reads: listed.reads };
  const reads = [...listed.reads];
  for (const name of listed.names.filter((n) => n.endsWith('.cer'))) {
    const role = certdRole(name);
    reads.push(await readCertificateFile(sources, path.posix.join(CERTD_CERTS_DIR, name), role, renewalOf(role, 'iotedge', config)));
  }
  return { found: true, reads };
}

/** A folder's names, or why it could not be listed; a folder over the entry cap also says so. */
async function listCertificateFolder(sources: CertificateSources, folder: string): Promise<{ names: string[]; reads: Read[] } | { reads: Read[] }> {
  try {
    const listed = await listHostFolder(sources.hostRoot, folder, { signal: sources.signal });
    if (listed === undefined) return { reads: [] };
    const reads: Read[] = listed.truncated
      ? [{ source: folder, notSeen: 'too-many', error: `holds more than ${HOST_FOLDER_MAX_ENTRIES} entries: only the first ${HOST_FOLDER_MAX_ENTRIES} were looked at` }]
      : [];
    return { names: listed.names, reads };
  } catch (error) {
    if (sources.signal.aborted) throw error;
    const reason = error instanceof HostFileError ? error.reason : 'unreadable';
    const certdRefused = reason === 'permission' && folder === CERTD_CERTS_DIR;
    const detail = certdRefused
      ? 'not readable by this user (only root and aziotcs may read it); its certificates were not checked'
      : error instanceof HostFileError
        ? error.detail
        : describeError(error);
    sources.note(`${folder}${certdRefused ? ' is ' : ': '}${detail}`);
    return { reads: [{ source: folder, notSeen: reason, error: detail }] };
  }
}

/** The bundle starts with the edge CA (aziot-edged puts it first), then the user trust bundle. */
async function readWorkloadTrustBundle(sources: CertificateSources, workloadUri: string, config: IotEdgeConfig | null): Promise<Read> {
  try {
    const certificates = parseCertificates(Buffer.from(await fetchTrustBundle(workloadUri, sources.signal)));
    return {
      source: WORKLOAD_API_SOURCE,
      found: certificates.map((x509, position) => {
        const role = position === 0 ? 'edge-ca' : 'trust-bundle';
        return { x509, role, renewal: renewalOf(role, 'iotedge', config) };
      }),
    };
  } catch (error) {
    return { source: WORKLOAD_API_SOURCE, role: 'trust-bundle', error: describeError(error) };
  }
}

/**
 * A file, every file in a folder, or the files a pattern in the last part of the path matches.
 * A path named on its own is read whatever it is (a FIFO is an unreadable certificate, said so);
 * what a folder holds besides regular files is listed as not seen.
 */
async function readExtraPath(sources: CertificateSources, pattern: string): Promise<Read[]> {
  const fail = (error: string): Read[] => [{ source: pattern, role: 'extra', error }];
  const directory = path.posix.dirname(pattern);
  const last = path.posix.basename(pattern);
  if (/[*?]/.test(directory)) return fail('wildcards are allowed only in the last part of the path');

  const wildcard = /[*?]/.test(last);
  const folder = wildcard ? directory : pattern;
  if (!wildcard) {
    const info = await stat(hostPath(sources.hostRoot, pattern)).catch(() => undefined);
    if (!info?.isDirectory()) return [await readCertificateFile(sources, pattern, 'extra', renewalOf('extra', 'file', null))];
  }
  const listed = await listCertificateFolder(sources, folder);
  if (!('names' in listed)) return listed.reads.length > 0 ? listed.reads : fail('no such folder');
  const matcher = wildcard ? globToRegExp(last) : undefined;
  const files = listed.names.filter((name) => !matcher || matcher.test(name)).map((name) => path.posix.join(folder, name));
  if (wildcard && files.length === 0 && listed.reads.length === 0) return fail('no file matches');
  const reads = [...listed.reads];
  for (const file of files) {
    const read = await readCertificateFile(sources, file, 'extra', renewalOf('extra', 'file', null));
    // A folder or FIFO beside the certificates is not one of them: seen as there, not looked into.
    reads.push('blind' in read && read.blind === 'not-a-file' ? { source: file, notSeen: 'not-a-file', error: read.error } : read);
  }
  return reads;
}

function oneLine(distinguishedName: string): string {
  return distinguishedName.split('\n').join(', ');
}
