/**
 * `--cpu-prof` is not allowed in NODE_OPTIONS, and startAppProcess spawns `node <entry>`: with BENCH_PROFILE=1
 * the bench preloads this (NODE_OPTIONS=--require …) into each worker. It samples the process's CPU from start
 * and writes a .cpuprofile into BENCH_CPU_PROF_DIR on SIGTERM (the start of the graceful stop, right after the
 * measured window).
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.once('SIGTERM', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `CPU.${Date.now()}.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
