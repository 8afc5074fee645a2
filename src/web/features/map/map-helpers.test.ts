import { describe, expect, it } from 'vitest'
import type { MapFeature } from './api.js'
import {
  annexExportUrl, bboxParam, clusterSummary, formatDistance, geojsonExportUrl, needComplete, parseLngLat,
  representedCount,
} from './map-helpers.js'

const point = (id: number): MapFeature => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [120, 30] },
  properties: { id, layer: 'team', name: '队', kindLabel: '救援队伍', regionName: '吴兴区', stale: false },
})
const cluster = (count: number): MapFeature => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [120, 30] },
  properties: { cluster: true, count, byLayer: { team: count } },
})

describe('bboxParam', () => {
  it('rounds to five decimals and clamps to the world', () => {
    expect(bboxParam({ west: 119.123456789, south: 30.000004, east: 200, north: 95 })).toBe('119.12346,30,180,90')
  })
})

describe('representedCount', () => {
  it('counts points once and clusters by their count', () => {
    expect(representedCount([point(1), point(2), cluster(40)])).toBe(42)
    expect(representedCount([])).toBe(0)
  })
})

describe('clusterSummary', () => {
  it('lists the largest layers first, in Chinese, skipping empty ones', () => {
    expect(clusterSummary({ team: 3, supply: 12, shelter: 0 })).toBe('物资装备（储备点外） 12 · 应急救援队伍 3')
  })
})

describe('export links', () => {
  it('carry the filters and the view, leaving blanks out', () => {
    const url = geojsonExportUrl({ regionCode: '330502000000', layers: ['team', 'supply'], q: ' 救生 ', fresh: 'stale' }, '119,30,121,31')
    const q = new URL(url, 'http://x').searchParams
    expect(url.startsWith('/api/map/export.geojson?')).toBe(true)
    expect(q.get('layers')).toBe('team,supply')
    expect(q.get('q')).toBe('救生')
    expect(q.get('fresh')).toBe('stale')
    expect(q.get('bbox')).toBe('119,30,121,31')
    expect(q.has('condition')).toBe(false)
    expect(annexExportUrl('330502000000')).toBe('/api/ledgers/annex4/export?regionCode=330502000000')
  })
})

describe('parseLngLat', () => {
  it('reads the usual ways of typing a coordinate pair', () => {
    expect(parseLngLat('120.09, 30.87')).toEqual([120.09, 30.87])
    expect(parseLngLat(' 120.09 30.87 ')).toEqual([120.09, 30.87])
    expect(parseLngLat('120.09，30.87')).toEqual([120.09, 30.87])
  })
  it('refuses anything that is not a position', () => {
    expect(parseLngLat('')).toBeNull()
    expect(parseLngLat('120.09')).toBeNull()
    expect(parseLngLat('abc, 30')).toBeNull()
    expect(parseLngLat('30.87, 120.09, 1')).toBeNull()
    expect(parseLngLat('200, 30')).toBeNull()
  })
})

describe('needComplete', () => {
  it('wants a name or class and a positive quantity for supplies', () => {
    expect(needComplete({ type: 'supply', name: '救生衣', quantity: 200 })).toBe(true)
    expect(needComplete({ type: 'supply', name: '  ', quantity: 200 })).toBe(false)
    expect(needComplete({ type: 'supply', classCode: '01', quantity: 0 })).toBe(false)
    expect(needComplete({ type: 'team' })).toBe(true)
    expect(needComplete({ type: 'shelter', capacity: 0 })).toBe(false)
  })
})

describe('formatDistance', () => {
  it('uses metres below a kilometre', () => {
    expect(formatDistance(0.4321)).toBe('432 米')
    expect(formatDistance(3.456)).toBe('3.5 公里')
    expect(formatDistance(23.6)).toBe('24 公里')
  })
})
