import type { Row } from '../lib/result';
import type { Bench } from './context';

export async function figure14(_bench: Bench): Promise<Row[]> {
  throw new Error('not implemented yet');
}
