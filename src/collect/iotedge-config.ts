import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import * as z from 'zod';
import { allowlistedEnv } from '../iotedge.js';
import type { CertificateRole, EdgeCaConfig, IotEdgeConfig, IotEdgeConfigFound, RenewPolicy } from '../snapshot.js';
import { readHostText } from './host-file.js';

/** aziot-edged's defaults for an [*.auto_renew] section and for the quickstart CA. */
const DEFAULT_RENEW_POLICY: RenewPolicy = { rotateKey: true, threshold: '80%', retry: '4%' };
const DEFAULT_QUICKSTART_DAYS = 90;
const DEFAULT_IMAGE_GC = { enabled: true, cleanupRecurrence: '1d', imageAgeCleanupThreshold: '7d', cleanupTime: '00:00' };

/** config.toml is read once and reduced to the fields below; zod drops every other key, secrets included. */
const autoRenew = z.object({ rotate_key: z.boolean().optional(), threshold: z.string().optional(), retry: z.string().optional() }).optional();
const identityCert = z.union([z.string(), z.object({ method: z.string().optional(), auto_renew: autoRenew })]).optional();
const schema = z.object({
  edge_ca: z
    .object({
      cert: z.string().optional(),
      method: z.string().optional(),
      auto_generated_edge_ca_expiry_days: z.number().int().positive().optional(),
      auto_renew: autoRenew,
    })
    .optional(),
  parent_hostname: z.string().optional(),
  provisioning: z
    .object({
      iothub_hostname: z.string().optional(),
      connection_string: z.string().optional(),
      authentication: z.object({ identity_cert: identityCert }).optional(),
      attestation: z.object({ identity_cert: identityCert }).optional(),
    })
    .optional(),
  agent: z
    .object({
      config: z.object({ image: z.string().optional() }).optional(),
      env: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  image_garbage_collection: z
    .object({
      enabled: z.boolean().optional(),
      cleanup_recurrence: z.string().optional(),
      image_age_cleanup_threshold: z.string().optional(),
      cleanup_time: z.string().optional(),
    })
    .optional(),
});
type ParsedConfig = z.output<typeof schema>;

/** IoT Edge's config.toml through the host root. A missing file is data (no IoT Edge here); an unreadable or broken one an error naming the file. */
export async function collectIotEdgeConfig(hostRoot: string, configPath: string, signal: AbortSignal): Promise<IotEdgeConfig> {
  const text = await readHostText(hostRoot, configPath, { kind: 'config', signal });
  return text === undefined ? { path: configPath, found: false } : parseIotEdgeConfig(configPath, text);
}

export function parseIotEdgeConfig(configPath: string, text: string): IotEdgeConfigFound {
  let raw: Record<string, unknown>;
  try {
    raw = parseToml(text);
  } catch (error) {
    throw new Error(`${configPath}: not valid TOML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${configPath}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const config = parsed.data;
  const gc = config.image_garbage_collection;
  return {
    path: configPath,
    found: true,
    edgeCa: edgeCa(config, configPath),
    certificateFiles: certificateFiles(raw, configPath),
    identityAutoRenew: identityAutoRenew(config),
    upstream: {
      // Only the host name is read from a connection string: the rest is a secret.
      iothubHostname: config.provisioning?.iothub_hostname ?? /(?:^|;)\s*HostName=([^;]+)/i.exec(config.provisioning?.connection_string ?? '')?.[1]?.trim() ?? null,
      parentHostname: config.parent_hostname ?? null,
    },
    agent: { image: config.agent?.config?.image ?? null, env: allowlistedEnv(config.agent?.env ?? {}) },
    imageGarbageCollection: {
      configured: gc !== undefined,
      enabled: gc?.enabled ?? DEFAULT_IMAGE_GC.enabled,
      cleanupRecurrence: gc?.cleanup_recurrence ?? DEFAULT_IMAGE_GC.cleanupRecurrence,
      imageAgeCleanupThreshold: gc?.image_age_cleanup_threshold ?? DEFAULT_IMAGE_GC.imageAgeCleanupThreshold,
      cleanupTime: gc?.cleanup_time ?? DEFAULT_IMAGE_GC.cleanupTime,
    },
  };
}

/** As aziot-edged reads [edge_ca]: an issuance method, else cert files, else the quickstart CA (also when the section is absent). */
function edgeCa(config: ParsedConfig, configPath: string): EdgeCaConfig {
  const section = config.edge_ca;
  const policy = renewPolicy(section?.auto_renew);
  if (section?.method) {
    // self_signed is the quickstart CA asked for by name.
    const quickstart = section.method === 'self_signed';
    return {
      source: quickstart ? 'quickstart' : 'issued',
      method: section.method,
      certPath: null,
      quickstartExpiryDays: quickstart ? DEFAULT_QUICKSTART_DAYS : null,
      autoRenew: policy,
    };
  }
  if (section?.cert) {
    return { source: 'files', method: null, certPath: filePath(section.cert, 'edge_ca.cert', configPath), quickstartExpiryDays: null, autoRenew: null };
  }
  return {
    source: 'quickstart',
    method: null,
    certPath: null,
    quickstartExpiryDays: section?.auto_generated_edge_ca_expiry_days ?? DEFAULT_QUICKSTART_DAYS,
    autoRenew: policy,
  };
}

function renewPolicy(section: { rotate_key?: boolean; threshold?: string; retry?: string } | undefined): RenewPolicy {
  return {
    rotateKey: section?.rotate_key ?? DEFAULT_RENEW_POLICY.rotateKey,
    threshold: section?.threshold ?? DEFAULT_RENEW_POLICY.threshold,
    retry: section?.retry ?? DEFAULT_RENEW_POLICY.retry,
  };
}

/** An identity certificate IoT Edge issues itself is renewed only when its section asks for it. */
function identityAutoRenew(config: ParsedConfig): RenewPolicy | null {
  for (const cert of [config.provisioning?.attestation?.identity_cert, config.provisioning?.authentication?.identity_cert]) {
    if (typeof cert === 'object' && cert.auto_renew) return renewPolicy(cert.auto_renew);
  }
  return null;
}

/**
 * Every file:// URI held by a key naming certificates (cert, identity_cert, trust_bundle_cert,
 * trusted_certs = [...], ca_certs = { host = ... }), wherever it sits. Key files (pk, *_pk) are never touched.
 */
function certificateFiles(raw: Record<string, unknown>, configPath: string): IotEdgeConfigFound['certificateFiles'] {
  const found: IotEdgeConfigFound['certificateFiles'] = [];
  const visit = (value: unknown, keys: string[]): void => {
    if (typeof value === 'string') {
      const own = keys.at(-1) ?? '';
      const holder = keys.at(-2) ?? '';
      const namesCertificate = (/cert/i.test(own) || /certs$/i.test(holder)) && !/(^|_)(pk|key)$/i.test(own);
      if (namesCertificate && value.startsWith('file://')) {
        const key = keys.join('.');
        found.push({ key, path: filePath(value, key, configPath), role: roleOfKey(key) });
      }
    } else if (Array.isArray(value)) {
      // Items of a list belong to the list's key (trusted_certs = ["file://…", …]).
      for (const item of value) visit(item, keys);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) visit(inner, [...keys, key]);
    }
  };
  visit(raw, []);
  return found;
}

function roleOfKey(key: string): CertificateRole {
  if (key === 'edge_ca.cert') return 'edge-ca';
  if (key === 'trust_bundle_cert') return 'trust-bundle';
  if (key.startsWith('provisioning.') && key.endsWith('identity_cert')) return 'identity';
  return 'iotedge';
}

function filePath(uri: string, key: string, configPath: string): string {
  try {
    return fileURLToPath(uri);
  } catch (error) {
    throw new Error(`${configPath}: ${key}: not a file URI: ${(error as Error).message}`, { cause: error });
  }
}
