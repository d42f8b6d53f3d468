// config.toml as IoT Edge's own template writes it, read through the host root.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectIotEdgeConfig, parseIotEdgeConfig } from '../../src/collect/iotedge-config.js';
import type { IotEdgeConfigFound } from '../../src/snapshot.js';

const CONFIG = '/etc/aziot/config.toml';
const signal = new AbortController().signal;

/** A gateway with its own PKI: edge CA from files, DPS X.509 identity, a private registry, tuned GC. */
const PRODUCTION_CONFIG = `
hostname = "edge-gw-01"
trust_bundle_cert = "file:///var/aziot/certs/trust-bundle.pem"
auto_reprovisioning_mode = "Dynamic"

[provisioning]
source = "dps"
global_endpoint = "https://global.azure-devices-provisioning.net"
id_scope = "0ab1234C5D6"

[provisioning.attestation]
method = "x509"
registration_id = "edge-gw-01"
identity_cert = "file:///var/aziot/certs/device-id.pem"
identity_pk = "file:///var/aziot/secrets/device-id.key.pem"

[cert_issuance.est]
trusted_certs = ["file:///var/aziot/certs/est-id-ca.pem"]

[cert_issuance.est.auth]
username = "estuser"
password = "est-password-do-not-keep"

[cert_issuance.local_ca]
cert = "file:///var/aziot/certs/local-ca.pem"
pk = "file:///var/aziot/secrets/local-ca.key.pem"

[agent]
name = "edgeAgent"
type = "docker"

[agent.config]
image = "myregistry.azurecr.io/azureiotedge-agent:1.5.3"
createOptions = { HostConfig = { Binds = ["/srv/edgeAgent:/iotedge/storage"] } }

[agent.config.auth]
serveraddress = "myregistry.azurecr.io"
username = "pull-token"
password = "registry-password-do-not-keep"

[agent.env]
UpstreamProtocol = "AmqpWs"
storageFolder = "/iotedge/storage"
RegistryToken = "env-secret-do-not-keep"

[edge_ca]
cert = "file:///var/aziot/certs/edge-ca.pem"
pk = "file:///var/aziot/secrets/edge-ca.key.pem"

[image_garbage_collection]
enabled = true
cleanup_recurrence = "2d"
image_age_cleanup_threshold = "3d"
cleanup_time = "03:30"

[moby_runtime]
uri = "unix:///var/run/docker.sock"
network = "azure-iot-edge"

[moby_runtime.content_trust.ca_certs]
"myregistry.azurecr.io" = "file:///var/aziot/certs/notary-root.pem"
`;

/** What the quickstart tutorial leaves: a connection string and no [edge_ca]. */
const QUICKSTART_CONFIG = `
[provisioning]
source = "manual"
connection_string = "HostName=example.azure-devices.net;DeviceId=dev;SharedAccessKey=c2VjcmV0LWtleS1kby1ub3Qta2VlcA=="
`;

function hostRoot(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'eh-aziot-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

function parse(text: string): IotEdgeConfigFound {
  return parseIotEdgeConfig(CONFIG, text);
}

describe('config.toml', () => {
  it('is read through the host root and reduced to what the checks use', async () => {
    const config = await collectIotEdgeConfig(hostRoot({ 'etc/aziot/config.toml': PRODUCTION_CONFIG }), CONFIG, signal);
    expect(config).toMatchObject({
      path: CONFIG,
      found: true,
      edgeCa: { source: 'files', method: null, certPath: '/var/aziot/certs/edge-ca.pem', autoRenew: null },
      agent: { image: 'myregistry.azurecr.io/azureiotedge-agent:1.5.3', env: { UpstreamProtocol: 'AmqpWs', storageFolder: '/iotedge/storage' } },
      imageGarbageCollection: { configured: true, enabled: true, cleanupRecurrence: '2d', imageAgeCleanupThreshold: '3d', cleanupTime: '03:30' },
    });
  });

  it('lists every certificate file it names, with its role, and never a key file', () => {
    expect(parse(PRODUCTION_CONFIG).certificateFiles).toEqual([
      { key: 'trust_bundle_cert', path: '/var/aziot/certs/trust-bundle.pem', role: 'trust-bundle' },
      { key: 'provisioning.attestation.identity_cert', path: '/var/aziot/certs/device-id.pem', role: 'identity' },
      { key: 'cert_issuance.est.trusted_certs', path: '/var/aziot/certs/est-id-ca.pem', role: 'iotedge' },
      { key: 'cert_issuance.local_ca.cert', path: '/var/aziot/certs/local-ca.pem', role: 'iotedge' },
      { key: 'edge_ca.cert', path: '/var/aziot/certs/edge-ca.pem', role: 'edge-ca' },
      { key: 'moby_runtime.content_trust.ca_certs.myregistry.azurecr.io', path: '/var/aziot/certs/notary-root.pem', role: 'iotedge' },
    ]);
  });

  it('keeps no secret: registry and EST passwords, connection strings and other env stay out', () => {
    const kept = JSON.stringify([parse(PRODUCTION_CONFIG), parse(QUICKSTART_CONFIG)]);
    for (const secret of ['do-not-keep', 'password', 'pull-token', 'SharedAccessKey', 'c2VjcmV0', 'RegistryToken', '.key.pem']) {
      expect(kept).not.toContain(secret);
    }
  });

  it('without [edge_ca] means the quickstart CA: 90 days, renewed at 80 % by default', () => {
    expect(parse(QUICKSTART_CONFIG).edgeCa).toEqual({
      source: 'quickstart',
      method: null,
      certPath: null,
      quickstartExpiryDays: 90,
      autoRenew: { rotateKey: true, threshold: '80%', retry: '4%' },
    });
  });

  it('reads the quickstart lifetime and [edge_ca.auto_renew], filling in what it leaves out', () => {
    const config = parse(`[edge_ca]\nauto_generated_edge_ca_expiry_days = 180\n\n[edge_ca.auto_renew]\nthreshold = "10d"\n`);
    expect(config.edgeCa).toMatchObject({ source: 'quickstart', quickstartExpiryDays: 180, autoRenew: { rotateKey: true, threshold: '10d', retry: '4%' } });
  });

  it('tells an issued edge CA (EST, local CA) from the quickstart one asked for by name', () => {
    expect(parse(`[edge_ca]\nmethod = "est"\n`).edgeCa).toMatchObject({ source: 'issued', method: 'est', autoRenew: { threshold: '80%' } });
    expect(parse(`[edge_ca]\nmethod = "local_ca"\n`).edgeCa).toMatchObject({ source: 'issued', method: 'local_ca' });
    expect(parse(`[edge_ca]\nmethod = "self_signed"\n`).edgeCa).toMatchObject({ source: 'quickstart', method: 'self_signed', quickstartExpiryDays: 90 });
  });

  it('reads the renewal of an identity certificate IoT Edge issues itself', () => {
    const config = parse(`
[provisioning.attestation]
method = "x509"

[provisioning.attestation.identity_cert]
method = "est"
common_name = "dev"

[provisioning.attestation.identity_cert.auto_renew]
rotate_key = false
threshold = "50%"
`);
    expect(config.identityAutoRenew).toEqual({ rotateKey: false, threshold: '50%', retry: '4%' });
    expect(parse(PRODUCTION_CONFIG).identityAutoRenew).toBeNull();
  });

  it('without [image_garbage_collection] takes the IoT Edge defaults, and reads enabled = false', () => {
    expect(parse(QUICKSTART_CONFIG).imageGarbageCollection).toEqual({
      configured: false,
      enabled: true,
      cleanupRecurrence: '1d',
      imageAgeCleanupThreshold: '7d',
      cleanupTime: '00:00',
    });
    expect(parse('[image_garbage_collection]\nenabled = false\n').imageGarbageCollection).toMatchObject({ configured: true, enabled: false });
  });

  it('that is missing means no IoT Edge here, not an error', async () => {
    await expect(collectIotEdgeConfig(hostRoot({}), CONFIG, signal)).resolves.toEqual({ path: CONFIG, found: false });
  });

  it('that is broken is an error naming the file, and the field when a value has the wrong type', async () => {
    await expect(collectIotEdgeConfig(hostRoot({ 'etc/aziot/config.toml': '[edge_ca\ncert = 1' }), CONFIG, signal)).rejects.toThrow(
      /^\/etc\/aziot\/config\.toml: not valid TOML/,
    );
    expect(() => parse('[edge_ca]\ncert = 5\n')).toThrow(/^\/etc\/aziot\/config\.toml: edge_ca\.cert: /);
    expect(() => parse('[image_garbage_collection]\nenabled = "yes"\n')).toThrow('/etc/aziot/config.toml: image_garbage_collection.enabled: ');
    expect(() => parse('[edge_ca]\ncert = "https://example.org/ca.pem"\n')).toThrow('/etc/aziot/config.toml: edge_ca.cert: not a file URI');
  });

  it('knows where the device connects: the manual provisioning hub, the parent, never the connection string\'s key', () => {
    expect(parse('[provisioning]\nsource = "manual"\niothub_hostname = "contoso.azure-devices.net"\n').upstream).toEqual({ iothubHostname: 'contoso.azure-devices.net', parentHostname: null });
    const fromString = parse('parent_hostname = "gw-parent"\n[provisioning]\nsource = "manual"\nconnection_string = "HostName=hub.azure-devices.net;DeviceId=d1;SharedAccessKey=c2VjcmV0"\n');
    expect(fromString.upstream).toEqual({ iothubHostname: 'hub.azure-devices.net', parentHostname: 'gw-parent' });
    expect(JSON.stringify(fromString)).not.toContain('c2VjcmV0');
    expect(parse('[provisioning]\nsource = "dps"\nid_scope = "0ab"\n').upstream).toEqual({ iothubHostname: null, parentHostname: null });
  });
});
