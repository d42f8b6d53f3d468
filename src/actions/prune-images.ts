// pruneImages: images no container uses (any state), never those of the IoT Edge runtime or of this
// module, each removed by ID without force and with noprune, so one call deletes exactly one image
// and the answer is exactly what was deleted (a parent left untagged shows up in the next run).
import type Docker from 'dockerode';
import { diskUsage } from '../engine/disk-usage.js';
import { unlessEngineAnswers } from '../engine/errors.js';
import { getJson } from '../engine/get-json.js';
import { mapLimit } from '../map-limit.js';
import { parseImageReference } from '../image-reference.js';
import { isSystemModuleName } from '../iotedge.js';
import type { ContainerInfo } from '../snapshot.js';
import { listContainerRefs } from './container-refs.js';
import { type ImagePruneOptions, imagePrunePayload } from './payload.js';
import { type Candidate, type Plan, type PlanContext, type PruneSpec, describeContainers, distinct, listBounded, planFrom, tooYoung } from './plan.js';

export interface ImageModel {
  /** sha256:… */
  id: string;
  /** repo:tag references. */
  tags: string[];
  /** repo@sha256:… references. */
  digests: string[];
  /** Set for images built or committed on this host; empty for pulled ones. */
  parentId: string;
  createdAt: string;
  /** When it was last tagged here (a pull tags it): a long-built image pulled a minute ago is young. */
  lastTagTime: string | null;
}

export interface ImageState {
  images: ImageModel[];
  containers: Pick<ContainerInfo, 'id' | 'name' | 'imageId'>[];
}

/** IoT Edge pulls its runtime images from repositories named so, in any registry. */
const RUNTIME_REPOSITORIES = new Set(['azureiotedge-agent', 'azureiotedge-hub']);

export function planImagePrune(state: ImageState, options: ImagePruneOptions, context: PlanContext): Plan {
  const users = new Map<string, string[]>();
  for (const c of state.containers) users.set(c.imageId, [...(users.get(c.imageId) ?? []), c.name]);
  const runtimeImages = new Set(state.containers.filter((c) => isSystemModuleName(c.name)).map((c) => c.imageId));
  const selfImage = state.containers.find((c) => c.id === context.selfContainerId)?.imageId;
  const parents = new Set(state.images.map((i) => i.parentId).filter(Boolean));
  // Untagged images with children are layers of other images (what `docker images` hides): they go with them.
  const intermediate = (image: ImageModel) => image.tags.length === 0 && image.digests.length === 0 && parents.has(image.id);
  const olderThanHours = options.olderThanHours ?? context.config.pruneOlderThanHours;

  const candidates: Candidate<ImageModel>[] = options.names
    ? resolveNames(state.images, distinct(options.names))
    : state.images
        .filter((i) => !intermediate(i) && !users.has(i.id) && (!options.danglingOnly || i.tags.length === 0))
        .map((image) => ({ name: displayName(image), item: image }))
        .sort((a, b) => a.name.localeCompare(b.name));

  return planFrom(
    candidates,
    (image) => {
      if (runtimeImages.has(image.id) || [...image.tags, ...image.digests].some((ref) => RUNTIME_REPOSITORIES.has(parseImageReference(ref).repository.split('/').pop() ?? ''))) {
        return 'protected: image of the IoT Edge runtime (edgeAgent/edgeHub)';
      }
      if (image.id === selfImage) return 'protected: image of this module';
      const using = users.get(image.id);
      if (using) return `in use by ${describeContainers(using)}`;
      if (parents.has(image.id)) return 'other images are built on it; the engine removes it only after them';
      if (!removableById(image)) {
        return `has several references (${listBounded([...image.tags, ...image.digests])}); the engine then removes it only by force, which prune never uses: remove the extra tags first (docker rmi <tag>)`;
      }
      if (options.danglingOnly && image.tags.length > 0) return 'tagged, and danglingOnly is set';
      return tooYoung(newest(image.createdAt, image.lastTagTime), olderThanHours, context.now);
    },
    (image) => image.id,
  );
}

/** The engine removes an image by ID without force only when it has at most one tag and all its references are in one repository. */
function removableById(image: ImageModel): boolean {
  return image.tags.length <= 1 && new Set([...image.tags, ...image.digests].map((ref) => parseImageReference(ref).repository)).size <= 1;
}

/** A requested name is a tag (repo:tag), a digest reference, the image ID, or at least 12 hex digits of it. */
function resolveNames(images: readonly ImageModel[], names: readonly string[]): Candidate<ImageModel>[] {
  const requestedAs = new Map<string, string>();
  return names.map((name): Candidate<ImageModel> => {
    const matches = images.filter((image) => matchesName(image, name));
    if (matches.length === 0) return { name, unresolved: 'no such image' };
    if (matches.length > 1) return { name, unresolved: `matches ${matches.length} images: give the full ID or a tag` };
    const [image] = matches;
    const earlier = requestedAs.get(image.id);
    if (earlier !== undefined) return { name, unresolved: `the same image as ${earlier}` };
    requestedAs.set(image.id, name);
    return { name, item: image };
  });
}

function matchesName(image: ImageModel, name: string): boolean {
  const hex = image.id.replace(/^sha256:/, '');
  return image.tags.includes(name) || image.digests.includes(name) || name === image.id || (/^[0-9a-f]{12,64}$/.test(name) && hex.startsWith(name));
}

function displayName(image: ImageModel): string {
  return image.tags[0] ?? image.id;
}

function newest(a: string, b: string | null): string {
  return b !== null && Date.parse(b) > Date.parse(a) ? b : a;
}

/** The engine writes "<none>:<none>" and "<none>@<none>" for missing references, and year 1 for "never". */
const NO_REFERENCE = /^<none>[:@]<none>$/;
const NEVER = /^0001-01-01/;

interface ImageInspect {
  Metadata?: { LastTagTime?: string };
}

const INSPECT_CONCURRENCY = 8;

function toModel(image: Docker.ImageInfo): Omit<ImageModel, 'lastTagTime'> {
  return {
    id: image.Id,
    tags: (image.RepoTags ?? []).filter((t) => !NO_REFERENCE.test(t)),
    digests: (image.RepoDigests ?? []).filter((d) => !NO_REFERENCE.test(d)),
    parentId: image.ParentId ?? '',
    createdAt: new Date(image.Created * 1000).toISOString(),
  };
}

export const pruneImages: PruneSpec<typeof imagePrunePayload, ImageState> = {
  action: 'pruneImages',
  payload: imagePrunePayload,
  async read({ docker }, signal, only) {
    // Images first: a container created after this list is still seen below.
    const listed = await docker.listImages({ all: true, abortSignal: signal });
    const containers = await listContainerRefs(docker, signal);
    // Judging one image again needs its own inspect; the others only show whose parent it is.
    const inspected = only === undefined ? listed : listed.filter((image) => image.Id === only);
    const parentsOnly = only === undefined ? [] : listed.filter((image) => image.Id !== only).map((image) => ({ ...toModel(image), lastTagTime: null }));
    const images = await mapLimit(inspected, INSPECT_CONCURRENCY, async (image, own): Promise<ImageModel | undefined> => {
      // Removed between list and inspect (404): nothing left to plan for.
      const inspect = await unlessEngineAnswers([404], getJson<ImageInspect>(docker, { path: `/images/${image.Id}/json`, signal: own }));
      if (!inspect) return undefined;
      const lastTagTime = inspect.Metadata?.LastTagTime;
      return { ...toModel(image), lastTagTime: lastTagTime && !NEVER.test(lastTagTime) ? lastTagTime : null };
    }, signal);
    return { images: [...images.filter((i) => i !== undefined), ...parentsOnly], containers };
  },
  plan: planImagePrune,
  async measure(engine, signal) {
    // Bytes only this image holds: layers it shares with other images stay when it goes.
    const df = await diskUsage(engine, 'image', signal);
    return new Map((df.Images ?? []).map((i) => [i.Id, i.Size - Math.max(0, i.SharedSize)]));
  },
  async remove({ docker }, id, signal) {
    await docker.getImage(id).remove({ noprune: true, abortSignal: signal });
  },
};
