import { describe, expect, it } from 'vitest'
import { readConfig } from '../../config.js'
import { listenHost } from './listen.js'

const config = (env: Record<string, string>) => readConfig(env)

describe('where the server listens', () => {
  it('listens everywhere without demo data, HOST or not', () => {
    expect(listenHost(config({}), false)).toEqual({ host: '0.0.0.0', notice: null })
    expect(listenHost(config({ HOST: '10.0.0.5' }), false)).toEqual({ host: '10.0.0.5', notice: null })
  })

  it('keeps to loopback while demo data exists and HOST is unset, and says how to change it', () => {
    const choice = listenHost(config({}), true)
    expect(choice.host).toBe('127.0.0.1')
    expect(choice.notice).toContain('演示数据')
    expect(choice.notice).toContain('npm run demo:purge')
    expect(choice.notice).toContain('HOST')
    // An empty HOST is no choice at all.
    expect(listenHost(config({ HOST: '' }), true).host).toBe('127.0.0.1')
  })

  it('obeys an explicit HOST with demo data, reminding when it faces the network', () => {
    const open = listenHost(config({ HOST: '0.0.0.0' }), true)
    expect(open.host).toBe('0.0.0.0')
    expect(open.notice).toContain('请勿用于生产')
    expect(listenHost(config({ HOST: '127.0.0.1' }), true)).toEqual({ host: '127.0.0.1', notice: null })
  })
})
