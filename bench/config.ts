/**
 * Scale of each figure. `full` is the scale; `quick` is a smoke run that must finish in under
 * two minutes, so its numbers are not comparable with the targets (row names carry the scale).
 * Every value can be overridden from the command line: `--set load.clients=2000`.
 */
export interface Scale {
  idle: { warmup: number; count: number; gapMs: number };
  load: { clients: number; channelSize: number; rate: number; warmupSeconds: number; seconds: number };
  fanout: { members: number; warmup: number; paced: number; burst: number; window: number };
  connections: { count: number; concurrency: number; reconnectTimeoutMs: number };
  cores: { warmup: number; count: number; gapMs: number };
  outbox: { replay: number };
  renderer: { messages: number; scrollFrames: number; historyPages: number };
  /** Figure 8: edits paced under the per-connection allowance of changes (100 in 10 s). */
  changes: { warmup: number; count: number; gapMs: number };
  upload: { megabytes: number; uploads: number };
  /** Figure 9: local search over cached messages (FTS5). */
  search: { messages: number; queries: number };
  /** Figure 11: what a receipt flood and a login flood cost everyone else. */
  floods: { acks: number; floodMs: number };
  /** Figure 12: changes made while the app was away, caught up on reconnect. */
  catchUp: { changes: number };
  /** Figure 16: upload + send of an image until the other client has its thumbnail. */
  thumbnail: { images: number; megabytes: number };
}

/**
 * Figure 16's bound: time to the first thumbnail ≤ 2× (send→receive + sharp's resize of that image), both
 * measured in the same run. Beyond those two, only a local upload of a few MB and two HTTP round trips.
 */
export const THUMBNAIL_TARGET_RATIO = 2;

export const FULL: Scale = {
  idle: { warmup: 300, count: 5_000, gapMs: 1 },
  load: { clients: 5_000, channelSize: 5, rate: 2_000, warmupSeconds: 3, seconds: 20 },
  fanout: { members: 1_000, warmup: 20, paced: 200, burst: 400, window: 8 },
  connections: { count: 19_000, concurrency: 64, reconnectTimeoutMs: 60_000 },
  cores: { warmup: 50, count: 1_000, gapMs: 2 },
  outbox: { replay: 10_000 },
  renderer: { messages: 50_000, scrollFrames: 300, historyPages: 100 },
  changes: { warmup: 20, count: 500, gapMs: 110 },
  upload: { megabytes: 25, uploads: 5 },
  search: { messages: 100_000, queries: 300 },
  floods: { acks: 150, floodMs: 3_000 },
  catchUp: { changes: 10_000 },
  thumbnail: { images: 20, megabytes: 3 },
};

export const QUICK: Scale = {
  idle: { warmup: 100, count: 300, gapMs: 1 },
  load: { clients: 300, channelSize: 5, rate: 300, warmupSeconds: 1, seconds: 3 },
  fanout: { members: 100, warmup: 5, paced: 20, burst: 40, window: 8 },
  connections: { count: 1_000, concurrency: 64, reconnectTimeoutMs: 30_000 },
  cores: { warmup: 10, count: 100, gapMs: 2 },
  outbox: { replay: 300 },
  renderer: { messages: 50_000, scrollFrames: 60, historyPages: 10 },
  changes: { warmup: 5, count: 60, gapMs: 110 },
  upload: { megabytes: 4, uploads: 3 },
  search: { messages: 10_000, queries: 60 },
  floods: { acks: 100, floodMs: 2_000 },
  catchUp: { changes: 1_000 },
  thumbnail: { images: 3, megabytes: 1 },
};

export const FIGURES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '16'] as const;
export type FigureId = (typeof FIGURES)[number];

export interface Options {
  quick: boolean;
  figures: FigureId[];
  scale: Scale;
  /** Profile the real server with --cpu-prof into this folder. */
  cpuProf: string | null;
  output: string;
  markdown: boolean;
  /** Print the table of an earlier results file instead of running anything. */
  print: string | null;
}

export const USAGE = `usage: npm run bench -- [--quick] [--only 1,3,5] [--set load.clients=2000] [--cpu-prof DIR] [--markdown] [--print FILE.json]`;

export function parseArgs(argv: string[]): Options {
  const options: Options = {
    quick: false,
    figures: [...FIGURES],
    scale: structuredClone(FULL),
    cpuProf: null,
    output: 'bench/results/latest.json',
    markdown: false,
    print: null,
  };
  const sets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--only') options.figures = value().split(',') as FigureId[];
    else if (arg === '--set') sets.push(value());
    else if (arg === '--cpu-prof') options.cpuProf = value();
    else if (arg === '--output') options.output = value();
    else if (arg === '--markdown') options.markdown = true;
    else if (arg === '--print') options.print = value();
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  for (const f of options.figures) if (!FIGURES.includes(f)) throw new Error(`no figure ${f}\n${USAGE}`);
  if (options.quick) options.scale = structuredClone(QUICK);
  for (const s of sets) applySet(options.scale, s);
  return options;
}

/** `group.key=number` into the scale; refuses unknown keys so a typo cannot pass silently. */
export function applySet(scale: Scale, assignment: string): void {
  const match = /^(\w+)\.(\w+)=([\d.]+)$/.exec(assignment);
  const group = match ? (scale as unknown as Record<string, Record<string, number>>)[match[1]!] : undefined;
  if (!match || !group || !(match[2]! in group)) throw new Error(`bad --set ${assignment}\n${USAGE}`);
  group[match[2]!] = Number(match[3]);
}
