import type { ThemeConfig } from 'antd'

/** Government blue, square corners, compact rows: the look of the office systems users know. */
export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1f4e8c',
    colorInfo: '#1f4e8c',
    borderRadius: 3,
    fontSize: 14,
    colorBgLayout: '#eef2f7',
    fontFamily:
      '-apple-system, BlinkMacSystemFont, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif',
  },
  components: {
    Layout: { headerBg: '#163a6b', headerHeight: 52, headerPadding: '0 16px', siderBg: '#fff', bodyBg: '#eef2f7' },
    Menu: { itemHeight: 40, itemBorderRadius: 2, itemMarginInline: 0, itemSelectedBg: '#e8eff8' },
    Table: { headerBg: '#f3f6fa', cellPaddingBlockSM: 7, cellPaddingInlineSM: 8 },
    Tree: { nodeSelectedBg: '#dbe7f6', nodeSelectedColor: '#163a6b' },
  },
}
