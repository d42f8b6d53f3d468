// Bundles the agent into dist/edge-health.js and the chunks it loads: only the modules a run can
// reach, instead of a node_modules tree. The image ships dist/ and package.json alone.
//
// What a command imports only when it runs (await import(), as the CLI does for each command and
// `run` for the Azure IoT SDK) is split into chunks beside the entry, loaded only then: `check`
// never reads the SDK's code. Beside it, not in a folder: src/version.ts finds package.json from
// the folder its code is in. Chunks an earlier build left are removed.
//
// Packages the agent never calls are replaced by a stub that throws if it ever is called:
// dockerode loads gRPC and protobuf for BuildKit sessions and docker-modem loads ssh2 for ssh://
// engines at import, and the agent only reaches engines over a unix socket or TCP; azure-iot-device
// loads the Azure Storage SDK for uploadToBlob, which modules may not call.
//
//   node scripts/bundle.mjs [--entry src/cli/main.ts] [--outfile dist/edge-health.js] [--analyze] [--metafile <file>]
//
// --metafile writes esbuild's account of which source went into which output file (JSON).
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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
    metafile: { type: 'string' },
  },
});

const outdir = path.resolve(ROOT, path.dirname(options.outfile));
const entryName = path.basename(options.outfile, '.js');
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: [options.entry],
  outdir,
  entryNames: entryName,
  chunkNames: `${entryName}-[hash]`,
  splitting: true,
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

const written = new Set(Object.keys(result.metafile.outputs).map((output) => path.resolve(ROOT, output)));
for (const file of readdirSync(outdir)) {
  const ours = file.startsWith(`${entryName}-`) || file.startsWith(`${entryName}.js.`);
  if (ours && !written.has(path.join(outdir, file))) rmSync(path.join(outdir, file));
}

if (options.metafile) writeFileSync(options.metafile, JSON.stringify(result.metafile));
if (options.analyze) {
  const { analyzeMetafile } = await import('esbuild');
  process.stdout.write(await analyzeMetafile(result.metafile));
}
