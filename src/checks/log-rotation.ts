// logs.policy and production.log-driver read max-size and max-file as the engine does
// (Moby's json-file and local drivers, go-units sizes), so a value the engine would refuse is
// never taken for rotation.

/** go-units: digits, an optional fraction, one optional space, then k/m/g/t/p, an optional i and b, any case. */
const DOCKER_SIZE = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i;
/** strconv.Atoi, as the drivers read max-file. */
const DOCKER_COUNT = /^[+-]?\d+$/;

export interface Rotation {
  /** max-size is set and the engine reads it as a positive size: the log rotates. */
  rotates: boolean;
  maxSize: string | null;
  maxFile: string | null;
  /** Options the engine would refuse, each with why. */
  invalid: string[];
}

export function readRotation(options: Record<string, string>): Rotation {
  const maxSize = options['max-size'] ?? null;
  const maxFile = options['max-file'] ?? null;
  const invalid: string[] = [];
  const sizeOk = maxSize !== null && isDockerSize(maxSize);
  if (maxSize !== null && !sizeOk) invalid.push(`max-size "${maxSize}" is not a positive size the engine reads (such as 10m or 512k)`);
  if (maxFile !== null && !(DOCKER_COUNT.test(maxFile) && Number(maxFile) >= 1)) {
    invalid.push(`max-file "${maxFile}" is not a whole number of at least 1`);
  }
  return { rotates: sizeOk, maxSize, maxFile, invalid };
}

function isDockerSize(text: string): boolean {
  const match = DOCKER_SIZE.exec(text);
  // The engine truncates to whole bytes and refuses 0 ("max-size must be a positive number").
  return match !== null && Math.trunc(Number(match[1]) * (match[2] ? 1000 : 1)) > 0;
}
