/**
 * The open-file limit, which caps connections before any setting does: every socket is a file. Node has no
 * getrlimit/setrlimit, so the limit is read from /proc and raised with util-linux's prlimit where both exist.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface OpenFileLimit {
  soft: number;
  hard: number;
}

/** Files the process needs besides client sockets: its listening socket, HTTP requests, stdio, Node's own. */
export const RESERVED_FILES = 64;

/** The limits of `pid` (this process by default), or null where /proc is not there to say. */
export function readOpenFileLimit(pid: number | 'self' = 'self'): OpenFileLimit | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/limits`, 'utf8');
  } catch {
    return null;
  }
  const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(text);
  if (match === null) return null;
  const value = (field: string | undefined): number => (field === undefined || field === 'unlimited' ? Number.POSITIVE_INFINITY : Number(field));
  return { soft: value(match[1]), hard: value(match[2]) };
}

/**
 * Raises this process's limit so that `wanted` files fit: past the hard limit when the process may (root,
 * CAP_SYS_RESOURCE; bounded by the kernel's nr_open), else to the hard limit (which Node itself already does
 * at start-up on Linux). Failing either, it carries on with what it has. Returns the limit now in force.
 */
export function raiseOpenFileLimit(
  wanted: number,
  run: (args: string[]) => void = prlimit,
  read: () => OpenFileLimit | null = readOpenFileLimit,
): OpenFileLimit | null {
  const current = read();
  if (current === null || current.soft >= wanted) return current;
  const target = Math.min(wanted, kernelMaximum());
  const attempts = target > current.hard ? [target, current.hard] : [target];
  for (const limit of attempts) {
    if (limit <= current.soft) break;
    try {
      run(['--pid', String(process.pid), `--nofile=${limit}:${Math.max(limit, current.hard)}`]);
      break;
    } catch {
      // Not permitted, or no prlimit: try the next, smaller step.
    }
  }
  return read();
}

function prlimit(args: string[]): void {
  execFileSync('prlimit', args, { stdio: 'ignore', timeout: 5_000 });
}

function kernelMaximum(): number {
  try {
    const value = Number(readFileSync('/proc/sys/fs/nr_open', 'utf8').trim());
    return Number.isSafeInteger(value) && value > 0 ? value : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Connections the broker can hold: the configured cap, or what the open-file limit leaves after the reserve. */
export function connectionCapacity(maxConnections: number, limit: OpenFileLimit | null): { connections: number; limitedBy: 'max-connections' | 'open-files' } {
  const byFiles = limit === null ? Number.POSITIVE_INFINITY : Math.max(0, limit.soft - RESERVED_FILES);
  return byFiles < maxConnections ? { connections: byFiles, limitedBy: 'open-files' } : { connections: maxConnections, limitedBy: 'max-connections' };
}
