import { describe, expect, it } from 'vitest';
import { classifyTag, productionImageTags } from '../../src/checks/production-image-tags.js';
import { parseImageReference } from '../../src/image-reference.js';
import { defaultConfig } from '../../src/config/settings.js';
import { OWNER_LABEL, OWNER_VALUE, ORIGINAL_IMAGE_LABEL } from '../../src/iotedge.js';
import { container, edgeAgent, edgeHub, snapshot } from '../support/snapshot-builder.js';

const module = (name: string, image: string, labels: Record<string, string> = {}) =>
  container({ name, image, labels: { [OWNER_LABEL]: OWNER_VALUE, ...labels } });

describe('production.image-tags', () => {
  it('judges only IoT Edge modules: the system modules and containers IoT Edge labelled as its own', () => {
    const findings = productionImageTags.run(
      snapshot({ containers: [edgeAgent(), edgeHub(), module('sensor', 'contoso/sensor:2.0.1'), container({ name: 'not-a-module', image: 'busybox' })] }),
      defaultConfig(),
    );
    expect(findings.map((f) => [f.subject, f.status])).toEqual([
      ['edgeAgent', 'ok'],
      ['edgeHub', 'ok'],
      ['sensor', 'ok'],
    ]);
  });

  it.each([
    ['contoso.azurecr.io/sensor:0.0.1-amd64.debug', 'debug', 'Don\'t use debug versions of module images'],
    ['contoso/sensor:debug', 'debug', 'Don\'t use debug versions of module images'],
    ['contoso/sensor', 'none', 'Use tags to manage versions'],
    ['contoso/sensor:latest', 'latest', 'Use tags to manage versions'],
    ['mcr.microsoft.com/azureiotedge-hub:1.5', 'rolling', 'Tags for the IoT Edge runtime'],
    ['mcr.microsoft.com/azureiotedge-agent:1', 'rolling', 'Tags for the IoT Edge runtime'],
    ['mcr.microsoft.com/azureiotedge-agent:1.4-linux-arm32v7', 'rolling', 'Tags for the IoT Edge runtime'],
    ['localhost:5000/sensor', 'none', 'Use tags to manage versions'],
  ])('flags %s as %s, citing the checklist', (image, kind, citation) => {
    const [finding] = productionImageTags.run(snapshot({ containers: [module('sensor', image)] }), defaultConfig());
    expect(finding).toMatchObject({ status: 'warning', details: { image, tagKind: kind } });
    expect(finding.remediation).toContain(citation);
  });

  it.each([
    ['mcr.microsoft.com/azureiotedge-hub:1.5.3', 'specific'],
    ['mcr.microsoft.com/azureiotedge-hub:1.5.3-linux-arm64v8', 'specific'],
    ['contoso/sensor:20240501', 'specific'],
    ['contoso/sensor:build-4711', 'specific'],
    ['contoso/sensor@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'digest'],
    ['contoso/sensor:1.5@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'digest'],
  ])('leaves %s alone (%s)', (image, kind) => {
    const [finding] = productionImageTags.run(snapshot({ containers: [module('sensor', image)] }), defaultConfig());
    expect(finding).toMatchObject({ status: 'ok', details: { tagKind: kind } });
  });

  it('judges the image the deployment named, where IoT Edge runs it by another reference', () => {
    const pinned = module('sensor', 'contoso/sensor@sha256:0123', { [ORIGINAL_IMAGE_LABEL]: 'contoso/sensor:latest' });
    const [finding] = productionImageTags.run(snapshot({ containers: [pinned] }), defaultConfig());
    expect(finding).toMatchObject({ status: 'warning', details: { image: 'contoso/sensor:latest', tagKind: 'latest' } });
  });

  it('is skipped without IoT Edge modules', () => {
    expect(productionImageTags.run(snapshot({ containers: [container()] }), defaultConfig())).toEqual([
      { subject: 'modules', status: 'skipped', message: 'no IoT Edge module containers on this engine', details: {} },
    ]);
  });
});

describe('image references', () => {
  it('split into tag and digest, a registry port not taken for a tag', () => {
    expect(parseImageReference('localhost:5000/a/b:1.2')).toEqual({ repository: 'localhost:5000/a/b', tag: '1.2', digest: null });
    expect(parseImageReference('localhost:5000/a/b')).toEqual({ repository: 'localhost:5000/a/b', tag: null, digest: null });
    expect(parseImageReference('a@sha256:ff')).toEqual({ repository: 'a', tag: null, digest: 'sha256:ff' });
    expect(classifyTag('a:V2')).toBe('rolling');
  });
});
