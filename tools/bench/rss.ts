import { readdirSync, readFileSync } from 'node:fs';

/** Resident set size of one process in KiB (`VmRSS` in /proc/<pid>/status), or undefined if it is gone. */
export function rssKiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The process and all its descendants (tsx's esbuild service, workers), from /proc. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the command (field 2) may contain spaces, so split after its ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Gone already.
    }
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** RSS of a process (`main`) and of it with its descendants (`tree`), in KiB. */
export function rssOf(pid: number): { main: number; tree: number } | undefined {
  const main = rssKiB(pid);
  if (main === undefined) return undefined;
  const tree = processTree(pid).reduce((sum, p) => sum + (rssKiB(p) ?? 0), 0);
  return { main, tree };
}
