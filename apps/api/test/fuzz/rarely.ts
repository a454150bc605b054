import fc from "fast-check";

/** Sometimes `arbitrary`, mostly absent: each oddity mostly alone, so most requests reach the parser. */
export function rarely<T>(arbitrary: fc.Arbitrary<T>, oneIn = 20): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}
