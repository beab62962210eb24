/**
 * The protocol's fixed names (event names, codes, reasons) are written once, as the values the wire
 * carries; each one's constant name is derived from its value: upper case, `:` becomes `_`, and a
 * table's common prefix is dropped (`nameTable(['message:typing:start'], 'message:')` gives
 * `{ TYPING_START: 'message:typing:start' }`). One list, no name restated beside its value.
 */
type Underscored<S extends string> = S extends `${infer A}:${infer B}` ? `${A}_${Underscored<B>}` : S;
type ConstantName<V extends string, P extends string> = Uppercase<
  Underscored<V extends `${P}${infer R}` ? R : V>
>;

export type NameTable<V extends string, P extends string = ''> = {
  readonly [K in V as ConstantName<K, P>]: K;
};

/** The type of a table's values: what `ErrorCode` or `MessageEvent` means as a type. */
export type NameOf<T> = T[keyof T];

export function nameTable<const V extends string, const P extends string = ''>(
  values: readonly V[],
  prefix?: P,
): NameTable<V, P> {
  const table: Record<string, string> = {};
  for (const value of values) {
    const unprefixed = prefix && value.startsWith(prefix) ? value.slice(prefix.length) : value;
    table[unprefixed.replaceAll(':', '_').toUpperCase()] = value;
  }
  return Object.freeze(table) as NameTable<V, P>;
}
