import { readlinkSync } from 'node:fs';
import os from 'node:os';

/**
 * Lowers the scheduling priority (raises the nice value) of the calling thread only, where the OS
 * allows it per thread (Linux: a thread's id is a pid to setpriority, and /proc/thread-self names it).
 * Elsewhere nothing changes and false is returned.
 */
export function lowerThisThreadPriority(niceness: number): boolean {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return false;
    os.setPriority(threadId, Math.max(os.getPriority(threadId), niceness));
    return true;
  } catch {
    return false;
  }
}
