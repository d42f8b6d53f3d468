import { describe, expect, it } from 'vitest';
import { allowlistedEnv } from '../src/iotedge.js';
import { proxyScheme, redactProxyCredentials, sameProxy } from '../src/proxy.js';

describe('proxy URLs', () => {
  it('never keep a user or password', () => {
    expect(redactProxyCredentials('http://alice:s3cret@proxy:3128')).toBe('http://***@proxy:3128');
    expect(redactProxyCredentials('https://token@proxy')).toBe('https://***@proxy');
    expect(redactProxyCredentials('http://proxy:3128/')).toBe('http://proxy:3128/');
    expect(allowlistedEnv(['HTTPS_PROXY=http://bob:pw@proxy:3128', 'UpstreamProtocol=AmqpWs', 'SECRET=x'])).toEqual({
      HTTPS_PROXY: 'http://***@proxy:3128',
      UpstreamProtocol: 'AmqpWs',
    });
  });

  it('tell the scheme, http when none is written', () => {
    expect(proxyScheme('HTTPS://proxy:3129')).toBe('https');
    expect(proxyScheme('proxy:3128')).toBe('http');
  });

  it('compare without case, trailing slash or a missing http://', () => {
    expect(sameProxy('http://Proxy:3128/', 'proxy:3128')).toBe(true);
    expect(sameProxy('http://proxy:3128', 'https://proxy:3128')).toBe(false);
  });
});
