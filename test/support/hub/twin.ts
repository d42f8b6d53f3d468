// One module twin as IoT Hub keeps it: desired and reported properties with their $version, tags,
// an etag, and IoT Hub's rules for what a twin may hold, so a module that breaks them is refused
// here as it would be in the cloud.
import { HubError } from './hub-error.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const MAX_SECTION_BYTES = 32 * 1024; // each of properties.desired and properties.reported
const MAX_TAGS_BYTES = 8 * 1024;
const MAX_STRING_BYTES = 4 * 1024;
const MAX_KEY_BYTES = 1024;
const MAX_DEPTH = 10;
// Property names may not hold control characters, '.', '$' or spaces.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_KEY_CHARACTERS = /[\u0000-\u001f\u007f-\u009f.$ ]/;

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON merge patch (RFC 7396), as twins apply patches: null removes a property. */
function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = isObject(value) ? mergePatch(isObject(result[key]) ? result[key] : {}, value) : value;
  }
  return result;
}

/** The reason IoT Hub would refuse `value` under `path`, if any. */
function ruleViolation(value: Json, path: string, depth: number): string | undefined {
  if (typeof value === 'string' && Buffer.byteLength(value) > MAX_STRING_BYTES) return `${path}: string longer than 4 KB`;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const violation = ruleViolation(item, `${path}[${i}]`, depth);
      if (violation) return violation;
    }
  }
  if (!isObject(value)) return undefined;
  if (depth > MAX_DEPTH) return `${path}: nested deeper than ${MAX_DEPTH} levels`;
  for (const [key, child] of Object.entries(value)) {
    if (FORBIDDEN_KEY_CHARACTERS.test(key)) return `${path}: property name ${JSON.stringify(key)} holds '.', '$', a space or a control character`;
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `${path}: property name longer than 1 KB`;
    const violation = ruleViolation(child, `${path}.${key}`, depth + 1);
    if (violation) return violation;
  }
  return undefined;
}

/** Twin size as IoT Hub counts it: keys and strings by UTF-8 length, numbers 8 bytes, booleans 4. */
function twinSize(value: Json): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return 8;
  if (typeof value === 'boolean') return 4;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + twinSize(item), 0);
  if (value === null) return 0;
  return Object.entries(value).reduce((sum, [key, child]) => sum + Buffer.byteLength(key) + twinSize(child), 0);
}

/** `patch` merged into `section`, or a 400 HubError naming the broken rule. */
function patched(section: JsonObject, patch: unknown, name: string, maxBytes: number): JsonObject {
  if (!isObject(patch as Json)) throw new HubError(400, 'ArgumentInvalid', `${name} patch must be a JSON object`);
  const violation = ruleViolation(patch as JsonObject, name, 0);
  if (violation) throw new HubError(400, 'ArgumentInvalid', violation);
  const result = mergePatch(section, patch as JsonObject);
  const size = twinSize(result);
  if (size > maxBytes) throw new HubError(400, 'ArgumentInvalid', `${name} would hold ${size} bytes, over the ${maxBytes}-byte limit`);
  return result;
}

export class ModuleTwin {
  private desired: JsonObject = {};
  private reported: JsonObject = {};
  private tags: JsonObject = {};
  private desiredVersion = 1;
  private reportedVersion = 1;
  /** Counts every change; the etag is derived from it. */
  private version = 1;
  private lastUpdated = new Date().toISOString();
  /** Kept up to date by the MQTT gateway, as IoT Hub does. */
  connectionState: 'Connected' | 'Disconnected' = 'Disconnected';

  constructor(
    readonly deviceId: string,
    readonly moduleId: string,
  ) {}

  get etag(): string {
    return Buffer.from(`etag-${this.version}`).toString('base64');
  }

  /** What the module reads with a twin GET over MQTT. */
  deviceView(): { desired: JsonObject; reported: JsonObject } {
    return {
      desired: { ...this.desired, $version: this.desiredVersion },
      reported: { ...this.reported, $version: this.reportedVersion },
    };
  }

  /** The twin document the service REST API and queries return. */
  serviceView(): JsonObject {
    const metadata = { $lastUpdated: this.lastUpdated };
    return {
      deviceId: this.deviceId,
      moduleId: this.moduleId,
      etag: this.etag,
      deviceEtag: this.etag,
      status: 'enabled',
      statusUpdateTime: '0001-01-01T00:00:00Z',
      connectionState: this.connectionState,
      lastActivityTime: this.lastUpdated,
      cloudToDeviceMessageCount: 0,
      authenticationType: 'sas',
      x509Thumbprint: { primaryThumbprint: null, secondaryThumbprint: null },
      modelId: '',
      version: this.version,
      tags: this.tags,
      properties: {
        desired: { ...this.desired, $metadata: metadata, $version: this.desiredVersion },
        reported: { ...this.reported, $metadata: metadata, $version: this.reportedVersion },
      },
    };
  }

  /** Applies a reported-properties patch from the module; returns the new reported $version. */
  patchReported(patch: unknown): number {
    this.reported = patched(this.reported, patch, 'properties.reported', MAX_SECTION_BYTES);
    this.touch();
    return ++this.reportedVersion;
  }

  /**
   * Applies a service-side twin patch ({tags?, properties: {desired?}}). Returns the desired
   * patch to push to the module, with its new $version, when the patch had desired properties.
   */
  patchFromService(body: unknown, ifMatch: string | undefined): (JsonObject & { $version: number }) | undefined {
    const etag = ifMatch?.replace(/^"|"$/g, '');
    if (etag && etag !== '*' && etag !== this.etag) throw new HubError(412, 'PreconditionFailed', `etag ${etag} does not match the twin's ${this.etag}`);
    if (!isObject(body as Json)) throw new HubError(400, 'ArgumentInvalid', 'twin patch must be a JSON object');
    const { tags, properties } = body as { tags?: Json; properties?: Json };
    if (properties !== undefined && (!isObject(properties) || properties.reported !== undefined)) {
      throw new HubError(400, 'ArgumentInvalid', 'properties may hold only desired: reported properties are the module\'s');
    }
    const desiredPatch = isObject(properties) ? properties.desired : undefined;
    // Check both before changing either, so a refused patch leaves the twin as it was.
    const newTags = tags === undefined ? this.tags : patched(this.tags, tags, 'tags', MAX_TAGS_BYTES);
    const newDesired = desiredPatch === undefined ? this.desired : patched(this.desired, desiredPatch, 'properties.desired', MAX_SECTION_BYTES);
    this.tags = newTags;
    this.desired = newDesired;
    this.touch();
    if (desiredPatch === undefined) return undefined;
    return { ...(desiredPatch as JsonObject), $version: ++this.desiredVersion };
  }

  private touch(): void {
    this.version += 1;
    this.lastUpdated = new Date().toISOString();
  }
}
