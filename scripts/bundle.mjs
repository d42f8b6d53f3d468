// Bundles the agent into one file, dist/edge-health.js: only the modules a run can reach, loaded
// from one file instead of a node_modules tree. The image ships this and package.json alone.
//
// Packages the agent never calls are replaced by a stub that throws if it ever is called:
// dockerode loads gRPC and protobuf for BuildKit sessions and docker-modem loads ssh2 for ssh://
// engines at import, and the agent only reaches engines over a unix socket or TCP; azure-iot-device
// loads the Azure Storage SDK for uploadToBlob, which modules may not call.
//
//   node scripts/bundle.mjs [--entry src/cli/main.ts] [--outfile dist/edge-health.js] [--analyze]
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Optional dependencies stay out of the bundle and load from node_modules where installed (azure-iothub, for `edge-health fleet` on an operator's machine). */
const OPTIONAL = Object.keys(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).optionalDependencies ?? {});
/** Packages the bundle replaces by a stub, and why the agent never needs them. */
const LEFT_OUT = {
  '@grpc/grpc-js': 'it opens no BuildKit sessions',
  '@grpc/proto-loader': 'it opens no BuildKit sessions',
  protobufjs: 'it opens no BuildKit sessions',
  ssh2: 'it reaches engines over a unix socket or TCP, not ssh',
  '@azure/storage-blob': 'modules cannot upload to blob storage',
};

const leaveOut = {
  name: 'leave-out',
  setup(builder) {
    const names = Object.keys(LEFT_OUT).map((name) => name.replace(/[/.]/g, '\\$&'));
    builder.onResolve({ filter: new RegExp(`^(${names.join('|')})(/.*)?$`) }, (args) => ({ path: args.path, namespace: 'left-out' }));
    // Every export is a function that throws when called or constructed: loading costs nothing,
    // using it says what is missing and why.
    builder.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => {
      const name = Object.keys(LEFT_OUT).find((left) => args.path === left || args.path.startsWith(`${left}/`));
      const message = `${name} is left out of edge-health-agent: ${LEFT_OUT[name]}`;
      return {
        loader: 'js',
        contents: `function fail() { throw new Error(${JSON.stringify(message)}); }
module.exports = new Proxy({}, { get: (_, key) => (typeof key === 'symbol' || key === '__esModule' ? undefined : fail) });`,
      };
    });
  },
};

const { values: options } = parseArgs({
  options: {
    entry: { type: 'string', default: 'src/cli/main.ts' },
    outfile: { type: 'string', default: 'dist/edge-health.js' },
    analyze: { type: 'boolean', default: false },
  },
});

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: [options.entry],
  outfile: options.outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // The CommonJS dependencies call require() for Node's own modules, which ESM does not define.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  // Whitespace and syntax only: about 5 MiB less resident (measured with `check`), while the
  // names in a stack trace stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  external: OPTIONAL,
  plugins: [leaveOut],
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

if (options.analyze) {
  const { analyzeMetafile } = await import('esbuild');
  process.stdout.write(await analyzeMetafile(result.metafile));
}
