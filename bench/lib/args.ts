/**
 * The hand-run bench tools' command lines (`tsx bench/TOOL.ts --name value --flag DIR…`), read one way:
 * an option is the word after its name, a flag is its name alone; any other word is the tool's own
 * (follow-stress.ts's build folders). A name given without its value, or a number option given a word
 * that is not one, is refused with the option's name: the tool would otherwise run on NaN or undefined.
 */
import { resolve } from 'node:path';

export interface CommandLine {
  flag(name: string): boolean;
  /** The word after `name`; undefined when `name` is absent. */
  value(name: string): string | undefined;
  text(name: string, fallback: string): string;
  number(name: string, fallback: number): number;
  /** The word after `name` as an absolute path; undefined when `name` is absent. */
  path(name: string): string | undefined;
}

export function commandLine(argv: readonly string[] = process.argv.slice(2)): CommandLine {
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(name);
    if (at < 0) return undefined;
    const word = argv[at + 1];
    if (word === undefined) throw new Error(`${name} needs a value`);
    return word;
  };
  return {
    flag: (name) => argv.includes(name),
    value,
    text: (name, fallback) => value(name) ?? fallback,
    number(name, fallback) {
      const word = value(name);
      if (word === undefined) return fallback;
      const n = Number(word);
      if (word.trim() === '' || Number.isNaN(n)) throw new Error(`${name} wants a number, not "${word}"`);
      return n;
    },
    path(name) {
      const word = value(name);
      return word === undefined ? undefined : resolve(word);
    },
  };
}
