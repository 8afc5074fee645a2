/**
 * The embedded cluster's postmaster seen from outside the process that started it: one left
 * running by an earlier run of the same data directory (a server killed with SIGKILL never runs
 * its exit handler, and its PostgreSQL lives on as an orphan holding the port and the cluster),
 * and the reasons PostgreSQL gives when it will not start, turned into what to do.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { StartupError } from '../startup-error.js'

export type PidFile = { pid: number; dataDir: string; port: number }

/** postmaster.pid: pid, data directory, start time, port, … (PostgreSQL's pidfile.h). */
export async function readPidFile(clusterDir: string): Promise<PidFile | null> {
  const text = await fs.readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => null)
  if (text === null) return null
  const [pid, dataDir, , port] = text.split('\n')
  const n = Number(pid)
  return Number.isInteger(n) && n > 0 ? { pid: n, dataDir: dataDir ?? '', port: Number(port) } : null
}

type ProcessInfo = { argv: string[]; ppid: number }

/** A live process's command line and parent, from /proc; null when it is gone (or a zombie). */
async function processInfo(pid: number): Promise<ProcessInfo | null> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => null)
  if (status === null || /^State:\s+Z/m.test(status)) return null
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
  return { argv: cmdline.split('\0').filter(Boolean), ppid: Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0) }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function sameDir(a: string, b: string): Promise<boolean> {
  const real = (p: string) => fs.realpath(p).catch(() => path.resolve(p))
  return (await real(a)) === (await real(b))
}

/** Whether the process is a postmaster of this cluster: `postgres -D <clusterDir> …`. */
async function isPostmasterOf(info: ProcessInfo, clusterDir: string): Promise<boolean> {
  if (path.basename(info.argv[0] ?? '') !== 'postgres') return false
  const d = info.argv.indexOf('-D')
  return d >= 0 && d + 1 < info.argv.length && sameDir(info.argv[d + 1], clusterDir)
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (!isAlive(pid) || (await processInfo(pid)) === null) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return false
}

/**
 * Makes the cluster free to start. A postmaster of this data directory whose server is gone
 * (it was reparented, so its parent is no longer a node process) is stopped: a fast shutdown
 * (SIGINT, what `pg_ctl stop -m fast` sends; SIGTERM would wait for clients that will never
 * leave), then SIGKILL if it hangs. One still owned by a live server is not touched: two servers
 * on one data directory is a mistake to report, not to repair.
 *
 * A pid file whose process is dead is left to PostgreSQL, which removes it itself after checking
 * that no backend of the dead postmaster still holds the shared memory; deleting it here would
 * skip that check. One naming a live process that is no postmaster of ours (the pid was reused
 * after a reboot or a container restart) would make PostgreSQL refuse to start: it goes.
 */
export async function clearLeftoverPostmaster(clusterDir: string, report: (line: string) => void): Promise<void> {
  const pidFile = await readPidFile(clusterDir)
  if (pidFile === null || !isAlive(pidFile.pid)) return
  const info = await processInfo(pidFile.pid)
  if (info === null) return
  if (!(await isPostmasterOf(info, clusterDir))) {
    await fs.rm(path.join(clusterDir, 'postmaster.pid'), { force: true })
    report(`已删除过期的 postmaster.pid（其中的进程号 ${pidFile.pid} 现属于其他程序）/ Removed a stale postmaster.pid (PID ${pidFile.pid} now belongs to another program)`)
    return
  }
  const parent = info.ppid > 1 ? await processInfo(info.ppid) : null
  if (parent && /^node/.test(path.basename(parent.argv[0] ?? ''))) {
    throw new StartupError(
      'in-use',
      `数据目录 ${path.dirname(clusterDir)} 正被另一个运行中的守望进程（进程 ${info.ppid}，服务或备份命令）使用。请先停止它（kill ${info.ppid}），或用 SHOUWANG_DATA_DIR 指定另一个数据目录。`,
      `The data directory ${path.dirname(clusterDir)} is in use by another running Shouwang process (PID ${info.ppid}, a server or a backup). Stop it first (kill ${info.ppid}), or set SHOUWANG_DATA_DIR to another directory.`,
    )
  }
  report(`发现上次运行遗留的内置 PostgreSQL（进程 ${pidFile.pid}，端口 ${pidFile.port}），正在停止 / Found the embedded PostgreSQL of an earlier run (PID ${pidFile.pid}, port ${pidFile.port}); stopping it`)
  try {
    process.kill(pidFile.pid, 'SIGINT')
    if (!(await waitGone(pidFile.pid, 15_000))) {
      report(`遗留的 PostgreSQL（进程 ${pidFile.pid}）15 秒内未停止，强制结束 / It did not stop within 15 s; killing it`)
      process.kill(pidFile.pid, 'SIGKILL')
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPERM') {
      throw new StartupError(
        'in-use',
        `数据目录 ${path.dirname(clusterDir)} 上运行着另一个用户的 PostgreSQL（进程 ${pidFile.pid}），本用户无权停止它。请以该用户或 root 停止它后再启动。`,
        `A PostgreSQL of another user (PID ${pidFile.pid}) runs on the data directory ${path.dirname(clusterDir)} and cannot be stopped by this user. Stop it as that user or root, then start again.`,
      )
    }
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
  }
  if (!(await waitGone(pidFile.pid, 5_000))) {
    throw new StartupError(
      'in-use',
      `无法停止上次运行遗留的 PostgreSQL（进程 ${pidFile.pid}）。请手动结束它（kill -9 ${pidFile.pid}）后再启动。`,
      `Could not stop the PostgreSQL left from an earlier run (PID ${pidFile.pid}). End it by hand (kill -9 ${pidFile.pid}), then start again.`,
    )
  }
  report(`遗留的 PostgreSQL 已停止 / The leftover PostgreSQL has stopped`)
}

type Where = { dataDir: string; clusterDir: string; port: number }

/** PostgreSQL's (or initdb's, or the system's) words for a failed start, as a StartupError. */
export function diagnoseStart(output: string, where: Where): StartupError {
  const { dataDir, clusterDir, port } = where
  // PostgreSQL's own FATAL/PANIC lines say the most; the rest of the log is start-up chatter.
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean)
  const important = lines.filter((l) => /FATAL|PANIC|ERROR|HINT|DETAIL|error|denied|No space/.test(l))
  const detail = (important.length > 0 ? important : lines).slice(-12).join('\n')
  const has = (re: RegExp) => re.test(output)
  if (has(/could not bind|Address already in use|could not create any TCP\/IP sockets|EADDRINUSE/)) {
    return new StartupError('port-in-use',
      `内置 PostgreSQL 的端口 ${port} 已被其他程序占用。请用环境变量 SHOUWANG_PG_PORT 指定一个空闲端口，或停止占用该端口的程序。`,
      `Port ${port} of the embedded PostgreSQL is already in use. Set SHOUWANG_PG_PORT to a free port, or stop the program using it.`,
      detail)
  }
  if (has(/No space left on device|ENOSPC|could not extend file|Disk quota exceeded|EDQUOT/)) {
    return new StartupError('disk-full',
      `数据目录 ${dataDir} 所在的磁盘已满。请清理磁盘空间（例如删除 ${path.join(dataDir, 'backups')} 中不再需要的旧备份）后再启动。`,
      `The disk holding the data directory ${dataDir} is full. Free some space (for example old backups in ${path.join(dataDir, 'backups')}) and start again.`,
      detail)
  }
  if (has(/Permission denied|EACCES|EPERM|Read-only file system|EROFS|Operation not permitted/)) {
    return new StartupError('not-writable',
      `数据目录 ${dataDir} 无法读写（权限不足或为只读）。请确认运行服务的用户可以读写该目录（以 root 运行时 PostgreSQL 以 postgres 用户运行，该目录及其各级上级目录须允许 postgres 用户进入），或用 SHOUWANG_DATA_DIR 指定另一个目录。`,
      `The data directory ${dataDir} cannot be written (permission denied or read-only). Make sure the user running the server can read and write it (as root, PostgreSQL runs as the postgres user, who must be able to enter the directory and every directory above it), or set SHOUWANG_DATA_DIR to another directory.`,
      detail)
  }
  if (has(/pre-existing shared memory block|lock file "postmaster\.pid" already exists|Is another postmaster/)) {
    return new StartupError('in-use',
      `数据目录 ${clusterDir} 仍被另一个 PostgreSQL 进程占用。请等待几秒后重试；若仍失败，请结束使用该目录的 postgres 进程后再启动。`,
      `The cluster ${clusterDir} is still held by another PostgreSQL process. Wait a few seconds and retry; if it still fails, end the postgres processes using that directory and start again.`,
      detail)
  }
  if (has(/initialized by PostgreSQL version|initialized with CATALOG_VERSION_NO/)) {
    return new StartupError('incompatible',
      `数据目录 ${clusterDir} 由另一版本的 PostgreSQL 创建，本程序自带的版本无法打开。请用原版本的守望执行 npm run backup 备份，再在本版本中用 npm run restore 恢复。`,
      `The cluster ${clusterDir} was created by another PostgreSQL version, which this program's PostgreSQL cannot open. Back it up with the previous Shouwang version (npm run backup) and restore it here (npm run restore).`,
      detail)
  }
  if (has(/database files are incompatible with server|checkpoint record|incorrect checksum in control file|could not read file "global\/pg_control"|invalid magic number|invalid resource manager|PANIC|not a valid data directory|could not open file .*(global|base|pg_wal)/)) {
    return new StartupError('corrupt',
      `数据目录 ${clusterDir} 中的数据库文件已损坏，PostgreSQL 无法打开。请停止服务，把该目录改名保留（勿删除），然后用最近的备份恢复：npm run restore -- <备份文件>（备份默认在 ${path.join(dataDir, 'backups')}）。`,
      `The database files in ${clusterDir} are damaged and PostgreSQL cannot open them. Stop the server, rename that directory to keep it (do not delete it), then restore the latest backup: npm run restore -- <backup file> (backups are in ${path.join(dataDir, 'backups')} by default).`,
      detail)
  }
  return new StartupError('postgres',
    `内置 PostgreSQL 未能启动（数据目录 ${clusterDir}，端口 ${port}）。请根据下面 PostgreSQL 的输出排查；若数据目录损坏，可把它改名保留后用 npm run restore 从备份恢复。`,
    `The embedded PostgreSQL did not start (cluster ${clusterDir}, port ${port}). See PostgreSQL's output below; if the cluster is damaged, rename it and restore a backup with npm run restore.`,
    detail)
}
