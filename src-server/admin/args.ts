/** A command's own words: positionals and `--flag` / `--flag value` / `--flag=value`, unknown flags refused. */
import { AdminError } from './command';

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export function parseCommandArgs(
  args: string[],
  spec: { booleans?: string[]; values?: string[] },
): ParsedArgs {
  const booleans = new Set(spec.booleans ?? []);
  const values = new Set(spec.values ?? []);
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (booleans.has(name) && eq < 0) flags.set(name, true);
    else if (values.has(name)) {
      const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '') throw new AdminError(`${name} needs a value`);
      flags.set(name, value);
    } else throw new AdminError(`Unknown option ${name} (see --help)`);
  }
  return { positionals, flags };
}

/** Exactly one NAME, or a one-line refusal naming the usage. */
export function oneName(parsed: ParsedArgs, usage: string): string {
  if (parsed.positionals.length !== 1) throw new AdminError(`Expected one NAME: ${usage}`);
  return parsed.positionals[0]!;
}
