// Builds the native kernels for one platform/arch and stores the binary where the loader looks for
// shipped binaries: prebuilds/<platform>-<arch>/studio_kernels.node. Run on each target (CI does:
// .github/workflows/native-prebuilds.yml), or cross-compile Linux arm64 from x64 with
//   CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ node main/trainer/native/prebuild.mjs --arch arm64
// Node-API binaries do not depend on the Node or Electron version, so one per platform/arch serves
// all of them. Uses the node-gyp that ships with npm (no dependency to install).
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const argv = process.argv.slice(2)
const archArg = argv.indexOf('--arch')
const arch = archArg >= 0 ? argv[archArg + 1] : process.arch
const platform = process.platform

function nodeGyp() {
  const cands = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  ]
  const found = cands.find((c) => c && existsSync(c))
  if (!found) throw new Error('node-gyp not found next to npm; set npm_config_node_gyp')
  return found
}

const args = [nodeGyp(), 'rebuild', '--directory', here, `--arch=${arch}`]
if (process.env.npm_config_nodedir) args.push(`--nodedir=${process.env.npm_config_nodedir}`)
const r = spawnSync(process.execPath, args, { stdio: 'inherit' })
if (r.status !== 0) process.exit(r.status ?? 1)
const built = path.join(here, 'build', 'Release', 'studio_kernels.node')
const dest = path.join(here, 'prebuilds', `${platform}-${arch}`)
mkdirSync(dest, { recursive: true })
copyFileSync(built, path.join(dest, 'studio_kernels.node'))
// A cross-compiled build/ would be tried (and refused) first by the loader on this machine.
if (arch !== process.arch) rmSync(path.join(here, 'build'), { recursive: true, force: true })
process.stdout.write(`prebuild: ${path.join(dest, 'studio_kernels.node')}\n`)
