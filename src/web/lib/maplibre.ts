import * as maplibregl from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url'
import 'maplibre-gl/dist/maplibre-gl.css'

// The worker is bundled by Vite: no CDN, the county may be offline in a flood. Every map of the
// app takes MapLibre from here, so this runs once.
maplibregl.setWorkerUrl(workerUrl)

export { maplibregl }
