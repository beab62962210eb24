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

type Frame = CpuProfile['nodes'][number]['callFrame'];

/** A step of the work: a sample is its when its stack (leaf first) satisfies `holds`. */
export interface Step {
  name: string;
  holds(stack: readonly Frame[]): boolean;
}

export interface StepTimes {
  /** From the first to the last sample whose stack holds the window's function. */
  windowMs: number;
  /** The window less its '(idle)' samples. */
  busyMs: number;
  /** Each sample to the first step that holds it ('other' when none, 'idle' for idle), heaviest first. */
  steps: SelfTime[];
}

/**
 * The busy time of a window of the profile (e.g. a catch-up: every sample from the first to the last
 * inside `ingestInChunks`) split by step, in percent of the busy time.
 */
export function stepTimes(profile: CpuProfile, windowFunction: string, steps: readonly Step[]): StepTimes {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = profile.samples.map((id) => {
    const stack: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node) stack.push(node.callFrame);
    }
    return stack;
  });
  const inside = stacks.map((s) => s.some((f) => f.functionName === windowFunction));
  const first = inside.indexOf(true);
  const last = inside.lastIndexOf(true);
  const totals = new Map<string, number>();
  let windowUs = 0;
  let busyUs = 0;
  for (let i = first; first >= 0 && i <= last; i++) {
    // As selfTimes: timeDeltas[i] is the time since the previous sample, attributed to this one.
    const us = profile.timeDeltas[i] ?? 0;
    const stack = stacks[i] ?? [];
    windowUs += us;
    const idle = stack[0]?.functionName === '(idle)';
    const name = idle ? 'idle' : (steps.find((s) => s.holds(stack))?.name ?? 'other');
    if (!idle) busyUs += us;
    totals.set(name, (totals.get(name) ?? 0) + us);
  }
  return {
    windowMs: windowUs / 1000,
    busyMs: busyUs / 1000,
    steps: [...totals.entries()]
      .map(([name, us]) => ({
        name,
        ms: us / 1000,
        percent: name === 'idle' || !busyUs ? 0 : (us / busyUs) * 100,
      }))
      .sort((a, b) => b.ms - a.ms),
  };
}
