// Logs on standard error in the chosen format, the report alone on standard output.
import path from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { parseLogLines } from '../support/iotedge-log.js';

const NO_ENGINE = { DOCKER_HOST: `unix://${path.join(tmpdir(), 'no-such-engine.sock')}`, EDGE_HEALTH_LOG_LEVEL: 'info' };

describe('edge-health check logs', () => {
  it('writes IoT Edge log lines to stderr by default and keeps stdout the report', async () => {
    const { stdout, stderr } = await runCli(['check', '--json'], NO_ENGINE);
    expect(JSON.parse(stdout)).toMatchObject({ schemaVersion: 1 });
    const lines = parseLogLines(stderr);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.logLevel, line.line).toBe(6);
      expect(line.timestamp, line.line).toBeDefined();
    }
    expect(lines.map((l) => l.logText)).toContainEqual(expect.stringMatching(/^\[INF\] source not collected source=docker error="Docker engine not reachable at unix:\/\//));
  });

  it('writes JSON lines with logFormat json', async () => {
    const { stderr } = await runCli(['check', '--json', '--log-format', 'json'], NO_ENGINE);
    const lines = stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'source not collected', source: 'docker' });
  });

  it('refuses an unknown format, naming the flag and the formats', async () => {
    const { code, stderr } = await runCli(['check', '--log-format', 'xml'], NO_ENGINE);
    expect(code).toBe(2);
    expect(stderr).toContain('--log-format');
    expect(stderr).toContain('iotedge');
  });
});
