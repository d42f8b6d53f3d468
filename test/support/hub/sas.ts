// Shared access signatures the way IoT Hub checks them: the signature is the HMAC-SHA256, keyed
// with the base64 symmetric key, of "<url-encoded resource>\n<expiry in epoch seconds>".
// Token: "SharedAccessSignature sr=<resource>&sig=<signature>&se=<expiry>[&skn=<policy>]".
import { createHmac, randomBytes } from 'node:crypto';

/** A fresh symmetric key, base64, as IoT Hub generates for identities and policies. */
export function newKey(): string {
  return randomBytes(32).toString('base64');
}

/** Base64 HMAC-SHA256 of `data` with a base64 key: what the SAS signature and the workload API's sign call compute. */
export function hmacSha256(base64Key: string, data: string | Buffer): string {
  return createHmac('sha256', Buffer.from(base64Key, 'base64')).update(data).digest('base64');
}

export interface SasExpectation {
  /** The resource the token must be for, not url-encoded: `<hub>/devices/<d>/modules/<m>`, or `<hub>` for the service. */
  resource: string;
  key: string;
  /** The shared access policy name the token must carry (service tokens), or none (identity tokens). */
  keyName?: string;
}

/** Why `token` does not grant access as `expected` says, or undefined when it does. */
export function sasProblem(token: string | undefined, expected: SasExpectation, nowMs = Date.now()): string | undefined {
  const match = /^SharedAccessSignature (.+)$/.exec(token ?? '');
  if (!match) return 'no SharedAccessSignature token';
  const fields = new Map(match[1].split('&').map((pair) => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at), pair.slice(at + 1)] as const;
  }));
  const { sr, sig, se } = { sr: fields.get('sr'), sig: fields.get('sig'), se: fields.get('se') };
  if (!sr || !sig || !se) return `token lacks ${['sr', 'sig', 'se'].filter((f) => !fields.get(f)).join(', ')}`;
  if (decodeURIComponent(sr) !== expected.resource) return `token is for ${decodeURIComponent(sr)}, not ${expected.resource}`;
  const skn = fields.has('skn') ? decodeURIComponent(fields.get('skn') as string) : undefined;
  if (skn !== expected.keyName) return `token names policy ${skn ?? '(none)'}, expected ${expected.keyName ?? '(none)'}`;
  if (Number(se) * 1000 <= nowMs) return `token expired at ${new Date(Number(se) * 1000).toISOString()}`;
  if (decodeURIComponent(sig) !== hmacSha256(expected.key, `${sr}\n${se}`)) return 'signature does not match the key';
  return undefined;
}
