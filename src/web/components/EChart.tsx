import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts'
import {
  GridComponent, LegendComponent, TooltipComponent,
  type GridComponentOption, type LegendComponentOption, type TooltipComponentOption,
} from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { useEffect, useRef } from 'react'

// Only bar and line charts are drawn here: registering just these keeps the chunk small.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export type BarOption = echarts.ComposeOption<BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>
/** A curve over time (the 叫应 board's confirmations). */
export type LineOption = echarts.ComposeOption<LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>

/** What a click on a bar tells: the category (a region's name) and its index. */
export type BarClick = { name: string; dataIndex: number }

type Props = {
  option: BarOption | LineOption
  height: number
  onClick?: (e: BarClick) => void
  'data-testid'?: string
}

/** An ECharts canvas that follows its container's width and is disposed with the component. */
export function EChart({ option, height, onClick, ...rest }: Props) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<echarts.ECharts | null>(null)
  const clickRef = useRef(onClick)
  clickRef.current = onClick

  useEffect(() => {
    const c = echarts.init(box.current!, undefined, { renderer: 'canvas' })
    chart.current = c
    c.on('click', (e) => clickRef.current?.({ name: String(e.name), dataIndex: e.dataIndex }))
    // The page's width changes when the menu folds, not only when the window does.
    const ro = new ResizeObserver(() => c.resize())
    ro.observe(box.current!)
    return () => {
      ro.disconnect()
      c.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true })
  }, [option])

  useEffect(() => {
    chart.current?.resize()
  }, [height])

  return <div ref={box} style={{ width: '100%', height }} data-testid={rest['data-testid']} />
}
