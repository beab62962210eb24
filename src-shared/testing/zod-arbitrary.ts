/**
 * fast-check generators read from a zod schema's own definition (zod 4's `_zod.def`): `validFor`
 * makes values the schema means to accept (refinements aside), and `mutatedFrom` makes the bad input
 * a hostile or buggy client sends: those values with a field dropped, retyped, oversized or added
 * (`__proto__`, `constructor`), or something else entirely. For the fuzz suites (`*.fuzz.test.ts`).
 */
import fc from 'fast-check';
import type { z } from 'zod';

type Def = {
  type: string;
  format?: string;
  checks?: { _zod: { def: Record<string, unknown> } }[];
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, unknown>;
  values?: unknown[];
};

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;
/** Long enough to cross every string limit in the contracts, short enough to stay fast. */
const LONG = 25_000;

export function validFor(schema: z.ZodType): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return stringFor(def);
    case 'number':
      return numberFor(def);
    case 'boolean':
      return fc.boolean();
    case 'undefined':
      return fc.constant(undefined);
    case 'null':
      return fc.constant(null);
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'optional':
      return fc.option(validFor(def.innerType!), { nil: undefined });
    case 'nullable':
      return fc.option(validFor(def.innerType!), { nil: null });
    case 'default':
    case 'readonly':
      return validFor(def.innerType!);
    case 'pipe': // z.preprocess: a transform in front of the schema that decides
      return validFor(defOf(def.in!).type === 'transform' ? def.out! : def.in!);
    case 'array':
      return fc.array(validFor(def.element!), { maxLength: 4 });
    case 'union':
      return fc.oneof(...(def.options ?? []).map(validFor));
    case 'object': {
      const shape = def.shape ?? {};
      const required = Object.keys(shape).filter((key) => !acceptsUndefined(shape[key]!));
      return fc.record(
        Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, validFor(value)])),
        { requiredKeys: required },
      );
    }
    default:
      return fc.jsonValue();
  }
}

export function mutatedFrom(schema: z.ZodType): fc.Arbitrary<unknown> {
  const valid = validFor(schema);
  return fc.oneof(
    { weight: 2, arbitrary: valid },
    { weight: 4, arbitrary: valid.chain(mutate) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: oddValue },
  );
}

const oddValue = fc.oneof(
  fc.constantFrom(null, undefined, 0, -1, '', [], {}, 'undefined', Number.MAX_SAFE_INTEGER + 2, 1e308, -0),
  fc.constantFrom('x'.repeat(LONG), '\u0000', '\uD800', '\u202E', '<script>alert(1)</script>'),
  fc.constantFrom(JSON.parse('{"__proto__":{"polluted":true}}'), {
    constructor: { prototype: { polluted: 1 } },
  }),
  fc.integer({ min: 1, max: 200 }).map((depth) => nest(depth)),
);

function nest(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

function mutate(value: unknown): fc.Arbitrary<unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fc.oneof(oddValue, fc.jsonValue({ maxDepth: 2 }), fc.constant([value]));
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const key = keys.length ? fc.constantFrom(...keys) : fc.constant('missing');
  return fc.oneof(
    key.map((k) => Object.fromEntries(Object.entries(record).filter(([name]) => name !== k))),
    fc.tuple(key, fc.oneof(oddValue, fc.jsonValue({ maxDepth: 2 }))).map(([k, v]) => ({ ...record, [k]: v })),
    fc
      .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', ''), oddValue)
      .map(([k, v]) => Object.defineProperty({ ...record }, k, { value: v, enumerable: true })),
    fc.constant([record]),
  );
}

function acceptsUndefined(schema: z.ZodType): boolean {
  return (schema as unknown as { safeParse(v: unknown): { success: boolean } }).safeParse(undefined).success;
}

function stringFor(def: Def): fc.Arbitrary<string> {
  const format = def.format ?? checkOf(def, 'string_format')?.format;
  if (format === 'uuid') return fc.uuid();
  if (format === 'url') return fc.webUrl();
  const min = Number(checkOf(def, 'min_length')?.minimum ?? 0);
  const max = Number(checkOf(def, 'max_length')?.maximum ?? 200);
  return fc.oneof(
    fc.string({ minLength: min, maxLength: Math.min(max, 200), unit: 'grapheme' }),
    fc.constant('x'.repeat(Math.max(min, Math.min(max, LONG)))),
  );
}

function numberFor(def: Def): fc.Arbitrary<number> {
  const above = checkOf(def, 'greater_than');
  const below = checkOf(def, 'less_than');
  const integer = checkOf(def, 'number_format')?.format === 'safeint';
  const min = above ? Number(above.value) + (above.inclusive || !integer ? 0 : 1) : -1e6;
  const max = below ? Number(below.value) - (below.inclusive || !integer ? 0 : 1) : 1e6;
  return integer ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true });
}

function checkOf(def: Def, name: string): Record<string, unknown> | undefined {
  return def.checks?.map((c) => c._zod.def).find((c) => c.check === name);
}
