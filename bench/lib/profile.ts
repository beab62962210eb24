/**
 * Where a V8 CPU profile (node --cpu-prof) spent its time: self time per function, heaviest first.
 * Pure, so it is unit-tested; bench/profile-summary.ts is the command around it.
 */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  percent: number;
}

export function selfTimes(profile: CpuProfile): SelfTime[] {
  const labelOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? ` ${url.replace(/^.*\/node_modules\//, '~/').replace(/^file:\/\/.*\/(src-|bench\/)/, '$1')}:${lineNumber + 1}`
      : '';
    labelOf.set(node.id, `${functionName || '(anonymous)'}${where}`);
  }
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time since the previous sample, attributed to this one (as DevTools does).
    const us = profile.timeDeltas[i] ?? 0;
    const label = labelOf.get(id) ?? '(unknown)';
    totals.set(label, (totals.get(label) ?? 0) + us);
    all += us;
  });
  return [...totals.entries()]
    .map(([name, us]) => ({ name, ms: us / 1000, percent: all ? (us / all) * 100 : 0 }))
    .sort((a, b) => b.ms - a.ms);
}
