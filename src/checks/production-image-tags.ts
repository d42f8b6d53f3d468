import { cite } from './checklist.js';
import { parseImageReference } from '../image-reference.js';
import { ORIGINAL_IMAGE_LABEL, isIotEdgeModule } from '../iotedge.js';
import type { ContainerInfo } from '../snapshot.js';
import type { Check, Finding } from './types.js';

const DEBUG_FIX =
  'Deploy the release image, not the .debug one, and drop createOptions added for debugging such as exposed ports (' + cite("Don't use debug versions of module images") + ').';
const ROLLING_FIX =
  'Name a specific version with all three numbers (e.g. 1.5.3) or a digest in the deployment manifest, and raise it to update (' + cite('Use tags to manage versions', 'Tags for the IoT Edge runtime') + ').';

export type TagKind = 'digest' | 'debug' | 'latest' | 'none' | 'rolling' | 'specific';

/**
 * What a tag promises. Rolling: none (means latest), latest, or one or two version numbers
 * (1, 1.5, 1.5-linux-arm32v7), which move to each new release; specific: three numbers (1.5.3)
 * or anything else (a build id, a date), which this agent cannot prove moves. Digests never move.
 */
export function classifyTag(reference: string): TagKind {
  const { tag, digest } = parseImageReference(reference);
  if (tag !== null && /(^|[._-])debug([._-]|$)/i.test(tag)) return 'debug';
  if (digest) return 'digest';
  if (tag === null) return 'none';
  if (tag.toLowerCase() === 'latest') return 'latest';
  if (/^v?\d{1,3}(\.\d+)?(-[a-z][\w.-]*)?$/i.test(tag)) return 'rolling';
  return 'specific';
}

export const productionImageTags: Check = {
  id: 'production.image-tags',
  title: 'Module image tags',
  settings: [],
  needs: ['containers'],
  twinNumbers: [],
  run(snapshot) {
    const modules = (snapshot.containers ?? []).filter(isIotEdgeModule);
    if (modules.length === 0) {
      return [{ subject: 'modules', status: 'skipped', message: 'no IoT Edge module containers on this engine', details: {} }];
    }
    return modules.map(judge);
  },
};

function judge(container: ContainerInfo): Finding {
  // The deployment's own reference, where the engine runs the image by another one.
  const image = container.labels[ORIGINAL_IMAGE_LABEL] || container.image;
  const kind = classifyTag(image);
  const { tag, digest } = parseImageReference(image);
  const details = { image, tag, digest, tagKind: kind };
  const finding = (status: Finding['status'], message: string, remediation?: string): Finding => ({
    subject: container.name,
    status,
    message,
    details,
    ...(remediation ? { remediation } : {}),
  });
  switch (kind) {
    case 'debug':
      return finding('warning', `runs a debug image (${image})`, DEBUG_FIX);
    case 'none':
      return finding('warning', `image ${image} has no tag, so the engine pulls "latest", which moves`, ROLLING_FIX);
    case 'latest':
      return finding('warning', `image ${image} uses the rolling tag "latest"`, ROLLING_FIX);
    case 'rolling':
      return finding('warning', `image ${image} uses the rolling tag "${tag}", which moves to each new release`, ROLLING_FIX);
    case 'digest':
      return finding('ok', `image ${image} is pinned by digest`);
    case 'specific':
      return finding('ok', `image ${image} names a specific version`);
  }
}
