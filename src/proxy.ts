// Proxy URLs as IoT Edge and the engine take them (https_proxy and friends). A proxy URL can
// carry a user and password: they are replaced before the value goes anywhere.

/** The URL with any user:password@ replaced by ***@, so it can be kept and shown. */
export function redactProxyCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

/** The proxy's scheme (http, https, socks5…), lower case; "http" when the URL has none, as curl reads it. */
export function proxyScheme(url: string): string {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1].toLowerCase() ?? 'http';
}

/** Two proxy settings compared as the same proxy: case, a trailing slash and the redacted credentials aside. */
export function sameProxy(a: string, b: string): boolean {
  return normalise(a) === normalise(b);
}

function normalise(url: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
  return withScheme.replace(/\/+$/, '').toLowerCase();
}
