import type { BarOption } from '../../components/EChart.js'

type TopClassLines = { classCode: string; className: string; lines: number }
type ChildLines = { code: string; name: string; byTopClass: readonly TopClassLines[] }

/** Pixels per bar row, so that thirty villages stay readable. */
const ROW_HEIGHT = 26
const CHART_PADDING = 90

/** The chart's height for `rows` horizontal bars. */
export function barsHeight(rows: number): number {
  return Math.max(200, rows * ROW_HEIGHT + CHART_PADDING)
}

/**
 * Supply lines of each child region, one stacked segment per top class (GB/T 38565 大类).
 * Horizontal bars: Chinese region names read better along the axis than rotated under it.
 */
export function topClassBars(children: readonly ChildLines[]): BarOption {
  const classes = new Map<string, string>()
  for (const c of children) for (const t of c.byTopClass) classes.set(t.classCode, t.className)
  const codes = [...classes.keys()].sort()
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: children.map((c) => c.name), inverse: true, axisLabel: { width: 120, overflow: 'truncate' } },
    series: codes.map((code) => ({
      type: 'bar',
      name: classes.get(code)!,
      stack: 'lines',
      barMaxWidth: 18,
      emphasis: { focus: 'series' },
      data: children.map((c) => c.byTopClass.find((t) => t.classCode === code)?.lines ?? 0),
    })),
  }
}

/** How many regions lack each item (缺项分布), most common first. */
export function missingBars(byMissing: ReadonlyArray<{ label: string; count: number }>): BarOption {
  const sorted = [...byMissing].sort((a, b) => b.count - a.count)
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: sorted.map((m) => m.label), inverse: true },
    series: [{
      type: 'bar',
      name: '缺项区划数',
      barMaxWidth: 18,
      itemStyle: { color: '#d4380d' },
      label: { show: true, position: 'right' },
      data: sorted.map((m) => m.count),
    }],
  }
}
