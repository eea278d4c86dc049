// Preloaded into the servers (`node --expose-gc --import <this file>`) for the memory measurement:
// SIGUSR2 runs a full garbage collection, so that memory is read without garbage waiting to be
// collected, then writes process.memoryUsage() to $BENCH_GC_REPORT_DIR/<pid>.json when that is set.
// Nothing else changes: neither OnAir nor the bare servers use SIGUSR2.
import { writeFileSync } from 'node:fs';

process.on('SIGUSR2', () => {
  if (typeof globalThis.gc === 'function') globalThis.gc();
  const dir = process.env.BENCH_GC_REPORT_DIR;
  if (dir) writeFileSync(`${dir}/${process.pid}.json`, JSON.stringify(process.memoryUsage()));
});
