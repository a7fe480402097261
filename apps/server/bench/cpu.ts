import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// CPU time of the bench's processes, from /proc: what each part asked of the machine.

/** utime + stime (ms) of the live processes matching `keep`, from /proc/<pid>/stat. */
export function cpuMs(keep: (pid: number, ppid: number, pgrp: number) => boolean): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (keep(Number(entry), Number(f[1]), Number(f[2]))) ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // Gone while read.
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux: 10 ms a tick
}

/** The server's process group (tsx and the node process serving). */
export function groupCpuMs(pgid: number): number {
  return cpuMs((_, __, pgrp) => pgrp === pgid);
}

/** The cluster's postmaster and its children (the backends). */
export function postgresCpuMs(dataDir: string): number {
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return cpuMs((pid, ppid) => pid === postmaster || ppid === postmaster);
}

/** With BENCH_CPU_PROF=<dir>: the environment that makes a server process write its CPU profile there when it ends. */
export function profilingEnv(): Record<string, string> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return {};
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${new URL('./cpu-profile-preload.mjs', import.meta.url).href}`.trim(), PROF_DIR: dir };
}
