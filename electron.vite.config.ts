import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

/**
 * Three bundles: main (Electron shell, trainer entry, CLI/server and the `npm start` launcher all
 * share the plain-Node core), preload (CommonJS, as a sandboxed preload must be) and the renderer.
 * Native and TF.js packages stay external: they are loaded from node_modules at run time.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/app/index.ts'),
          launch: resolve(__dirname, 'main/app/launch.ts'),
          trainer: resolve(__dirname, 'main/trainer/entry.ts'),
          // Evaluation / prediction of checkpoints (issue 4): its own process, like a trainer.
          evalJob: resolve(__dirname, 'main/trainer/evaluation/job.ts'),
          cli: resolve(__dirname, 'main/cli/index.ts'),
          // Dataset import runs in a worker thread (off main's event loop): its own entry file.
          importWorker: resolve(__dirname, 'main/datasets/importWorker.ts')
        },
        external: [/^@tensorflow\//, 'better-sqlite3', 'electron', 'ws', 'cli-progress', 'zod']
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    resolve: {
      alias: {
        '@renderer': resolve(__dirname, 'renderer/src'),
        '@contract': resolve(__dirname, 'preload/contract')
      }
    },
    plugins: [vue()],
    define: {
      // vue-i18n esm-bundler flags: Composition API only, no devtools hooks in production.
      __VUE_I18N_FULL_INSTALL__: 'true',
      __VUE_I18N_LEGACY_API__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false'
    },
    build: {
      minify: true,
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } }
    }
  }
})
