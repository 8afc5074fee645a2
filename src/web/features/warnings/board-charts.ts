import { REGION_LEVEL_LABELS } from '../../../domain/regions/code.js'
import type { BarOption, LineOption } from '../../components/EChart.js'

type StateCounts = { acknowledged: number; pending: number; escalated: number; unreachable: number }

/** The four states in the order the eye should meet them, with the board's colours. */
export const STATE_SERIES = [
  { key: 'acknowledged', label: '已确认', color: '#52c41a' },
  { key: 'pending', label: '未确认', color: '#faad14' },
  { key: 'escalated', label: '已升级', color: '#fa541c' },
  { key: 'unreachable', label: '联系不上', color: '#cf1322' },
] as const

const ROW_HEIGHT = 28
const CHART_PADDING = 70

export function barsHeight(rows: number): number {
  return Math.max(160, rows * ROW_HEIGHT + CHART_PADDING)
}

const LEVEL_ORDER = ['city', 'county', 'township', 'village']

/** Horizontal stacked bars, one row per category, one segment per recipient state. */
function stateBars(names: string[], rows: readonly StateCounts[]): BarOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 120, overflow: 'truncate' } },
    series: STATE_SERIES.map((s) => ({
      type: 'bar',
      name: s.label,
      stack: 'state',
      barMaxWidth: 18,
      itemStyle: { color: s.color },
      emphasis: { focus: 'series' },
      data: rows.map((r) => r[s.key]),
    })),
    animationDuration: 300,
  }
}

/** 区县级 / 乡镇街道级 / 村社区级, top to bottom as the ladder climbs up. */
export function levelBars(byLevel: ReadonlyArray<StateCounts & { level: string }>): BarOption {
  const sorted = [...byLevel].sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level))
  return stateBars(sorted.map((r) => (REGION_LEVEL_LABELS as Record<string, string>)[r.level] ?? r.level), sorted)
}

/**
 * One bar per child region that has recipients, the least confirmed first: that is where to
 * phone. Regions outside the target would only be empty rows.
 */
export function regionBars(byRegion: ReadonlyArray<StateCounts & { code: string; name: string; recipients: number }>) {
  const sorted = byRegion.filter((r) => r.recipients > 0).sort((a, b) => ratio(a) - ratio(b) || a.code.localeCompare(b.code))
  return { option: stateBars(sorted.map((r) => r.name), sorted), codes: sorted.map((r) => r.code) }
}

function ratio(r: { acknowledged: number; recipients: number }): number {
  return r.recipients === 0 ? 1 : r.acknowledged / r.recipients
}

type CurvePoint = { at: string; acknowledged: number; recipients: number }

/**
 * Confirmations over time since issue, with the people reached beside them (the ladder adds
 * superiors as it goes): how fast a night's warning was taken up, and where it stalled.
 */
export function confirmationCurve(points: readonly CurvePoint[]): LineOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { type: 'line', name: '已确认', step: 'end', showSymbol: false, itemStyle: { color: STATE_SERIES[0].color }, areaStyle: { opacity: 0.15 }, data: points.map((p) => [p.at, p.acknowledged]) },
      { type: 'line', name: '接收人', step: 'end', showSymbol: false, itemStyle: { color: '#8c8c8c' }, lineStyle: { type: 'dashed' }, data: points.map((p) => [p.at, p.recipients]) },
    ],
    animationDuration: 300,
  }
}
