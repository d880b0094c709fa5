// The NslabError a load throws, for tests that look at its problems; fails the test when nothing is thrown.
import { NslabError } from '../../src/model/index.js';

export function problemsOf(fn: () => unknown): NslabError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NslabError) return e;
    throw e;
  }
  throw new Error('expected the load to fail');
}
