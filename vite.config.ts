import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The web app lives in src/web; index.html stays at the repository root so that `vite build`
// writes dist/web/index.html, which the server serves with a fallback for browser routes.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Framework code changes rarely: separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/, priority: 20 },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    // `npm run dev` serves the API on 3000; the dev server forwards to it.
    proxy: { '/api': { target: process.env.SHOUWANG_API ?? 'http://localhost:3000', changeOrigin: false } },
  },
})
