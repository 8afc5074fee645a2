import { describe, expect, it } from 'vitest'
import { basemapStyle, offlineStyle, tiandituStyle, tiandituTiles, xyzStyle } from './map-style.js'

describe('offlineStyle', () => {
  it('needs no network: no tiles, glyphs, sprites or symbol layers', () => {
    const s = offlineStyle()
    expect(s.glyphs).toBeUndefined()
    expect(s.sprite).toBeUndefined()
    expect(s.layers.some((l) => l.type === 'symbol')).toBe(false)
    for (const src of Object.values(s.sources)) expect(src.type).toBe('geojson')
  })
})

describe('tianditu', () => {
  it('builds WMTS tile URLs over eight hosts with the key', () => {
    const tiles = tiandituTiles('vec', 'k&1')
    expect(tiles).toHaveLength(8)
    expect(tiles[3]).toBe('https://t3.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec'
      + '&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k%261')
  })
  it('lays the matching annotation over vector and imagery', () => {
    expect(tiandituStyle('vec', 'k').layers.map((l) => l.id)).toEqual(['background', 'tdt-vec', 'tdt-cva'])
    expect(tiandituStyle('img', 'k').layers.map((l) => l.id)).toEqual(['background', 'tdt-img', 'tdt-cia'])
  })
})

describe('basemapStyle', () => {
  it('falls back to the offline style when the key or template is missing', () => {
    expect(basemapStyle('tdt-vec', {}).layers[1].id).toBe('graticule')
    expect(basemapStyle('xyz', {}).layers[1].id).toBe('graticule')
    expect(basemapStyle('tdt-img', { tiandituKey: 'k' }).layers[1].id).toBe('tdt-img')
    const xyz = basemapStyle('xyz', { xyzTemplate: 'https://tiles.example/{z}/{x}/{y}.png' })
    expect(xyz).toEqual(xyzStyle('https://tiles.example/{z}/{x}/{y}.png'))
  })
})
