/**
 * Coordinate reference systems met in Chinese location data. We store WGS84 (CGCS2000 differs by
 * centimetres); 高德/腾讯 maps and most phone pickers give GCJ-02 (the state-mandated offset), 百度
 * gives BD-09 (a further rotation of GCJ-02). The conversion is the widely published algorithm;
 * GCJ-02 → WGS84 has no closed form, so it is solved by fixed-point iteration to ~1e-7°.
 */

export const CRS_KEYS = ['WGS84', 'GCJ02', 'BD09'] as const
export type Crs = (typeof CRS_KEYS)[number]
export type LngLat = [lng: number, lat: number]

const A = 6378245.0 // Krasovsky 1940 semi-major axis, as the algorithm defines it
const EE = 0.00669342162296594323 // its first eccentricity squared
const X_PI = (Math.PI * 3000.0) / 180.0

/** Rough mainland-China box: outside it GCJ-02 applies no offset (as the published algorithm does). */
export function outOfChina([lng, lat]: LngLat): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271
}

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0
  return r
}

function transformLng(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0
  return r
}

/** The GCJ-02 offset at a WGS84 position, in degrees. */
function offset([lng, lat]: LngLat): LngLat {
  let dLat = transformLat(lng - 105.0, lat - 35.0)
  let dLng = transformLng(lng - 105.0, lat - 35.0)
  const radLat = (lat / 180.0) * Math.PI
  let magic = Math.sin(radLat)
  magic = 1 - EE * magic * magic
  const sqrtMagic = Math.sqrt(magic)
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI)
  dLng = (dLng * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI)
  return [dLng, dLat]
}

export function wgs84ToGcj02(p: LngLat): LngLat {
  if (outOfChina(p)) return [p[0], p[1]]
  const [dLng, dLat] = offset(p)
  return [p[0] + dLng, p[1] + dLat]
}

/** Inverse by iteration: the offset varies slowly, so a few rounds converge to well below a metre. */
export function gcj02ToWgs84(p: LngLat): LngLat {
  if (outOfChina(p)) return [p[0], p[1]]
  let w: LngLat = [p[0], p[1]]
  for (let i = 0; i < 30; i++) {
    const g = wgs84ToGcj02(w)
    const dx = p[0] - g[0]
    const dy = p[1] - g[1]
    w = [w[0] + dx, w[1] + dy]
    if (Math.abs(dx) < 1e-9 && Math.abs(dy) < 1e-9) break
  }
  return w
}

export function gcj02ToBd09([lng, lat]: LngLat): LngLat {
  const z = Math.sqrt(lng * lng + lat * lat) + 0.00002 * Math.sin(lat * X_PI)
  const theta = Math.atan2(lat, lng) + 0.000003 * Math.cos(lng * X_PI)
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006]
}

export function bd09ToGcj02([lng, lat]: LngLat): LngLat {
  const x = lng - 0.0065
  const y = lat - 0.006
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI)
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI)
  return [z * Math.cos(theta), z * Math.sin(theta)]
}

export function toWgs84(p: LngLat, from: Crs): LngLat {
  switch (from) {
    case 'WGS84': return [p[0], p[1]]
    case 'GCJ02': return gcj02ToWgs84(p)
    case 'BD09': return gcj02ToWgs84(bd09ToGcj02(p))
  }
}

export function fromWgs84(p: LngLat, to: Crs): LngLat {
  switch (to) {
    case 'WGS84': return [p[0], p[1]]
    case 'GCJ02': return wgs84ToGcj02(p)
    case 'BD09': return gcj02ToBd09(wgs84ToGcj02(p))
  }
}

/**
 * Inside a generous box around China (land and sea areas): what a stored position must satisfy.
 * Scope is by region code, not geometry, so this is only a range check against typos and swapped axes.
 */
export function inChinaBounds([lng, lat]: LngLat): boolean {
  return lng >= 73 && lng <= 136 && lat >= 3 && lat <= 54
}

/** Six decimals is about 0.1 m: a click is never more precise, and forms show no more. */
export function roundCoord(n: number): number {
  // `|| 0` turns a rounded -0 into 0, which would otherwise show as "-0" in a form.
  return Math.round(n * 1e6) / 1e6 || 0
}
